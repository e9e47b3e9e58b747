"""Query budgets (issue 13): how many SQL statements the hot requests run, counted with a
before_cursor_execute listener (conftest.QueryCounter), and the list dumps' shortcut
checked against marshmallow's own dump.

A worker remembers a token's user and shops for a few seconds (shared/principals.py), so
the counts are those of a client's second request on: the first one also reads its token.
"""
import marshmallow as ma
import sqlalchemy as sa

from shared.extensions import db
from shared.models import Order as OrderRow
from shared.schemas.orders import Order as OrderSchema
from shared.schemas.products import Product as ProductSchema
from shared.services import orders as order_service
from tests.factories import CustomerFactory, ProductFactory, SellerFactory, order_with_lines


def _shop_with_orders(n: int = 3):
    shop = SellerFactory()
    products = [ProductFactory(seller=shop) for _ in range(3)]
    for i in range(n):
        order_with_lines(shop, [(products[i % 3], 1 + i), (products[(i + 1) % 3], 2)])
    return shop, products


def _counted(app, client, count_queries, method, url, headers, **kwargs):
    with app.app_context(), count_queries() as counter:  # a request context of its own, as in production
        response = getattr(client, method)(url, headers=headers, **kwargs)
    return response, counter.statements


def test_get_by_id_runs_at_most_two_statements(app, client, auth, count_queries):
    shop, products = _shop_with_orders()
    headers = auth(shop.owner)
    order_id = db.session.scalar(sa.select(OrderRow.id).where(OrderRow.seller_id == shop.id).limit(1))

    cold, cold_statements = _counted(app, client, count_queries, "get", f"/api/v1/products/{products[0].id}",
                                     headers)
    product, product_statements = _counted(app, client, count_queries, "get",
                                           f"/api/v1/products/{products[1].id}", headers)
    order, order_statements = _counted(app, client, count_queries, "get", f"/api/v1/orders/{order_id}", headers)

    assert cold.status_code == product.status_code == order.status_code == 200
    assert len(cold_statements) <= 2, cold_statements  # the token, then the product
    assert len(product_statements) <= 2, product_statements
    assert len(order_statements) <= 2, order_statements  # the order with its customer and lines
    assert order.json["customer"]["id"] and len(order.json["lines"]) == 2


def test_lists_run_one_statement_and_their_eager_loads_and_never_count(app, client, auth, count_queries):
    shop, _ = _shop_with_orders(5)
    headers = auth(shop.owner)
    client.get("/api/v1/products?limit=1", headers=headers)  # the token and shops, remembered

    products, product_statements = _counted(app, client, count_queries, "get", "/api/v1/products?limit=20",
                                            headers)
    orders, order_statements = _counted(app, client, count_queries, "get", "/api/v1/orders?limit=2", headers)
    deeper, deeper_statements = _counted(app, client, count_queries, "get",
                                         orders.headers["Link"].split(";")[0].strip("<>"), headers)

    assert products.status_code == orders.status_code == deeper.status_code == 200
    assert len(product_statements) == 1, product_statements
    assert len(order_statements) == len(deeper_statements) == 2, order_statements  # + lines (selectin)
    every = product_statements + order_statements + deeper_statements
    assert not [s for s in every if "count(" in s.lower()], every


def test_a_deep_cursor_is_a_row_value_condition(app, client, auth, count_queries):
    shop, _ = _shop_with_orders(3)
    headers = auth(shop.owner)
    first = client.get("/api/v1/orders?limit=1", headers=headers)

    _, statements = _counted(app, client, count_queries, "get", first.headers["Link"].split(";")[0].strip("<>"),
                             headers)

    main = statements[0].replace("\n", " ")
    assert "(orders.created_at, orders.id) <" in main, main
    assert " OR " not in main.upper(), main


def test_placing_an_order_is_one_transaction_of_at_most_twelve_statements(app, client, auth):
    """Twelve, not the issue's eight: see docs/PERFORMANCE.md (the key's claim and answer,
    the shop, products and customer read, the number, three inserts, the change log's
    counter and row, and the webhook subscriptions)."""
    shop, products = _shop_with_orders(1)
    customer = CustomerFactory(seller=shop)
    headers = auth(shop.owner)
    body = {"customer_id": customer.id, "lines": [{"product_id": p.id, "quantity": 2} for p in products[:2]]}
    # The first keyed request also forgets the user's expired keys (then once per 10 minutes).
    client.post("/api/v1/orders", json=body, headers={**headers, "Idempotency-Key": "k-0"})
    seen, commits = [], []

    def statement(_conn, _cursor, text, *_args):
        seen.append(text)

    def commit(_conn):
        commits.append(len(seen))

    sa.event.listen(db.engine, "before_cursor_execute", statement)
    sa.event.listen(db.engine, "commit", commit)
    try:
        with app.app_context():
            response = client.post("/api/v1/orders", json=body, headers={**headers, "Idempotency-Key": "k-1"})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", statement)
        sa.event.remove(db.engine, "commit", commit)

    assert response.status_code == 201, response.json
    assert len(commits) == 1 and commits[0] == len(seen), (commits, seen)  # one transaction, at the end
    assert len(seen) <= 12, seen


def test_the_dump_shortcut_answers_what_marshmallow_does(app, auth):
    shop, _ = _shop_with_orders(4)
    user = shop.owner
    with app.test_request_context():
        page = order_service.list_orders(db.session, user, order_service.OrderFilter(), tz_name="Asia/Damascus",
                                         limit=10, cursor=None)
        schema = OrderSchema(many=True)
        plain = [ma.Schema._serialize(schema, item) for item in page.items]
        for order in plain:  # marshmallow's own dump of the nested customer and lines too
            item = next(i for i in page.items if i.id == order["id"])
            order["customer"] = ma.Schema._serialize(OrderSchema().fields["customer"].schema, item.customer)
            order["lines"] = [ma.Schema._serialize(OrderSchema().fields["lines"].inner.schema, line)
                              for line in item.lines]
        assert schema.dump(page.items) == plain
        products = list(shop_products(shop))
        assert ProductSchema(many=True).dump(products) == [ma.Schema._serialize(ProductSchema(), p)
                                                           for p in products]


def shop_products(shop):
    from shared.models import Product

    return db.session.scalars(sa.select(Product).where(Product.seller_id == shop.id))


def test_routes_without_a_limit_skip_the_limiter(client, auth, monkeypatch):
    from flask_limiter import Limiter

    checked = []
    real = Limiter._check_request_limit

    def spy(self, callable_name=None, in_middleware=True):
        checked.append(in_middleware)
        return real(self, callable_name, in_middleware)

    monkeypatch.setattr(Limiter, "_check_request_limit", spy)
    shop = SellerFactory()
    headers = auth(shop.owner)

    assert client.get("/api/v1/products", headers=headers).status_code == 200
    assert checked == []
    client.post("/api/v1/auth/tokens", json={"email": "nobody@example.com", "password": "wrong password"})
    assert checked  # logging in is limited: the limiter looks


def test_a_lookup_built_once_per_kind_of_user_still_scopes_each_user(client, auth):
    """The lookup by id is built once per model and kind of user, with the user's id and
    shop bound per request (access._by_id): each user still sees her own rows only, before
    her shops are remembered (`IN (SELECT …)`) and after (`= :shop`), and a coordinator
    her clients' only."""
    from shared.services import access
    from tests.factories import CoordinatorFactory

    access._BY_ID.clear()
    reem, huda = SellerFactory(), SellerFactory()
    mine, hers = ProductFactory(seller=reem), ProductFactory(seller=huda)
    zeina, other = CoordinatorFactory(), CoordinatorFactory()
    client_shop = SellerFactory(coordinator=zeina)
    clients_product = ProductFactory(seller=client_shop)
    as_reem, as_huda = auth(reem.owner), auth(huda.owner)
    as_zeina, as_other = auth(zeina), auth(other)

    def status(product, headers):
        return client.get(f"/api/v1/products/{product.id}", headers=headers).status_code

    for _ in ("shops not yet remembered", "shops remembered by a list"):
        assert (status(mine, as_reem), status(hers, as_reem)) == (200, 404)
        assert (status(hers, as_huda), status(mine, as_huda)) == (200, 404)
        assert (status(clients_product, as_zeina), status(clients_product, as_other)) == (200, 404)
        assert status(mine, as_zeina) == 404
        for headers in (as_reem, as_huda, as_zeina, as_other):
            assert client.get("/api/v1/products", headers=headers).status_code == 200
    # Built once each: seller and coordinator, with their shops unknown and with one shop
    # (a coordinator with no client gets `false`, not a cached statement).
    assert len(access._BY_ID) == 4
