"""POST /api/v1/batch and client-chosen ids: an offline phone's queued writes, safe to send again."""
import sqlalchemy as sa

from shared.extensions import db
from shared.models import Customer, Order, Product, new_id
from tests.factories import CustomerFactory, ProductFactory, SellerFactory, order_with_lines


def _offline_week(product_id):
    """A customer and her order, made offline under ids the phone chose."""
    customer_id, order_id = new_id(), new_id()
    return customer_id, order_id, [
        {"method": "POST", "path": "/api/v1/customers",
         "body": {"id": customer_id, "name": "أم أحمد", "phone": "0944 111 301"}},
        {"method": "POST", "path": "/api/v1/orders",
         "body": {"id": order_id, "customer_id": customer_id, "lines": [{"product_id": product_id, "quantity": 2}]}},
    ]


def _count(model, **where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def test_an_offline_push_sent_three_times_makes_one_customer_and_one_order(client, auth):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    customer_id, order_id, operations = _offline_week(product.id)

    answers = [client.post("/api/v1/batch", json={"operations": operations}, headers=headers) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    first = answers[0].get_json()["results"]
    assert [r["status"] for r in first] == [201, 201]
    assert first[1]["body"]["customer"]["id"] == customer_id and first[1]["body"]["id"] == order_id
    for again in answers[1:]:
        results = again.get_json()["results"]
        assert [r["body"] for r in results] == [r["body"] for r in first]
        assert all(r["headers"]["Idempotent-Replayed"] == "true" for r in results)
    assert _count(Customer, seller_id=product.seller_id) == 1
    assert _count(Order, seller_id=product.seller_id) == 1


def test_an_atomic_batch_with_one_bad_operation_applies_nothing(client, auth):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    _customer_id, _order_id, operations = _offline_week(product.id)
    operations.append({"method": "PATCH", "path": f"/api/v1/products/{product.id}", "body": {"price": "-1"}})

    response = client.post("/api/v1/batch", json={"operations": operations, "atomic": True}, headers=headers)

    assert response.status_code == 200
    answer = response.get_json()
    assert answer["applied"] is False
    assert [r["status"] for r in answer["results"]] == [424, 424, 422]
    assert answer["results"][0]["body"]["code"] == "batch-not-applied"
    assert _count(Customer, seller_id=product.seller_id) == 0
    assert _count(Order, seller_id=product.seller_id) == 0
    # Nothing was kept for the ids either: fixed and sent again, it applies.
    operations[-1]["body"]["price"] = "120"
    again = client.post("/api/v1/batch", json={"operations": operations, "atomic": True}, headers=headers)
    assert [r["status"] for r in again.get_json()["results"]] == [201, 201, 200]


def test_an_atomic_batch_stops_at_the_first_failure(client, auth):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    operations = [{"method": "PATCH", "path": f"/api/v1/products/{product.id}", "body": {"price": "x"}},
                  {"method": "PATCH", "path": f"/api/v1/products/{product.id}", "body": {"price": "7"}}]

    answer = client.post("/api/v1/batch", json={"operations": operations, "atomic": True}, headers=headers).get_json()

    assert [r["status"] for r in answer["results"]] == [422, 424]
    assert db.session.get(Product, product.id).price == product.price


def test_without_atomic_a_failure_undoes_only_its_own_operation(client, auth):
    product = ProductFactory()
    spare_id = ProductFactory(seller=product.seller).id
    headers = auth(product.seller.owner)
    order = order_with_lines(product.seller, [(product, 1)])
    order_id, version = order.id, order.version
    operations = [
        {"method": "PATCH", "path": f"/api/v1/products/{product.id}", "body": {"price": "120"}},
        # writes (the order's version, its note) before its status change is refused: undone
        {"method": "PATCH", "path": f"/api/v1/orders/{order_id}", "body": {"note": "x", "status": "delivered"}},
        {"method": "DELETE", "path": f"/api/v1/products/{spare_id}"},
    ]

    answer = client.post("/api/v1/batch", json={"operations": operations}, headers=headers).get_json()

    assert answer["applied"] is True
    assert [r["status"] for r in answer["results"]] == [200, 409, 204]
    assert answer["results"][2]["body"] is None
    assert db.session.get(Product, product.id).price == 120
    assert db.session.get(Product, spare_id) is None
    assert (db.session.get(Order, order_id).version, db.session.get(Order, order_id).note) == (version, "")


def test_each_answer_is_what_the_operation_alone_would_get(client, auth):
    product, foreign = ProductFactory(), ProductFactory()
    headers = auth(product.seller.owner)
    operations = [{"method": "PATCH", "path": f"/api/v1/products/{foreign.id}", "body": {"price": "1"}},
                  {"method": "POST", "path": "/api/v1/nowhere", "body": {}},
                  {"method": "PATCH", "path": f"/api/v1/products/{product.id}", "body": {"price": "2"},
                   "if_match": '"stale"'}]

    results = client.post("/api/v1/batch", json={"operations": operations}, headers=headers).get_json()["results"]
    alone = client.patch(f"/api/v1/products/{foreign.id}", json={"price": "1"}, headers=headers)

    assert [r["status"] for r in results] == [404, 404, 412]
    assert results[0]["body"] == alone.get_json()


def test_operations_keep_their_idempotency_keys(client, auth):
    seller = SellerFactory()
    headers = auth(seller.owner)
    operation = {"method": "POST", "path": "/api/v1/products", "idempotency_key": "p-1",
                 "body": {"name": "Soap", "price": "5", "currency": "TRY"}}

    client.post("/api/v1/batch", json={"operations": [operation]}, headers=headers)
    again = client.post("/api/v1/products", json=operation["body"], headers={**headers, "Idempotency-Key": "p-1"})

    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert _count(Product, seller_id=seller.id) == 1


def test_a_batch_takes_at_most_100_operations_and_no_batch_inside(client, auth):
    seller = SellerFactory()
    headers = auth(seller.owner)
    operation = {"method": "POST", "path": "/api/v1/batch", "body": {"operations": []}}

    too_many = client.post("/api/v1/batch", json={"operations": [operation] * 101}, headers=headers)
    nested = client.post("/api/v1/batch", json={"operations": [operation]}, headers=headers)

    assert too_many.status_code == 422
    assert nested.status_code == 200 and nested.get_json()["results"][0]["status"] == 422


def test_a_batch_needs_a_token(client):
    response = client.post("/api/v1/batch", json={"operations": [
        {"method": "POST", "path": "/api/v1/products", "body": {}}]})

    assert response.status_code == 401


# --- client-chosen ids ----------------------------------------------------------------------


def test_a_create_takes_the_id_the_client_chose(client, auth):
    seller = SellerFactory()
    chosen = new_id().upper()

    response = client.post("/api/v1/products", json={"id": chosen, "name": "Soap", "price": "5", "currency": "TRY"},
                           headers=auth(seller.owner))

    assert response.status_code == 201
    assert response.get_json()["id"] == chosen.lower()


def test_a_chosen_id_that_is_not_a_ulid_is_422(client, auth):
    seller = SellerFactory()

    response = client.post("/api/v1/customers", json={"id": "not-a-ulid", "name": "Nour"}, headers=auth(seller.owner))

    assert response.status_code == 422
    assert "id" in response.get_json()["errors"]


def test_the_same_id_with_another_body_is_409_id_reused(client, auth):
    seller = SellerFactory()
    headers = auth(seller.owner)
    chosen = new_id()
    client.post("/api/v1/customers", json={"id": chosen, "name": "Nour"}, headers=headers)

    response = client.post("/api/v1/customers", json={"id": chosen, "name": "Hiba"}, headers=headers)

    assert response.status_code == 409
    assert response.get_json()["code"] == "id-reused"


def test_an_id_another_row_has_is_409_id_taken(client, auth):
    customer = CustomerFactory()
    other = SellerFactory()
    headers = auth(customer.seller.owner)

    taken_by_row = client.post("/api/v1/customers", json={"id": customer.id, "name": "Nour"}, headers=headers)
    chosen = new_id()
    client.post("/api/v1/customers", json={"id": chosen, "name": "Nour"}, headers=headers)
    taken_by_user = client.post("/api/v1/customers", json={"id": chosen, "name": "Nour"}, headers=auth(other.owner))

    assert taken_by_row.status_code == 409 and taken_by_row.get_json()["code"] == "id-taken"
    assert taken_by_user.status_code == 409 and taken_by_user.get_json()["code"] == "id-taken"


def test_a_typed_in_customer_keeps_the_id_the_client_chose(client, auth):
    product = ProductFactory()
    chosen = new_id()

    response = client.post("/api/v1/orders", json={"customer": {"id": chosen, "name": "Hiba"},
                                                   "lines": [{"product_id": product.id, "quantity": 1}]},
                           headers=auth(product.seller.owner))

    assert response.status_code == 201
    assert response.get_json()["customer"]["id"] == chosen


def test_payments_and_market_runs_take_chosen_ids(client, auth):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    order = client.post("/api/v1/orders", json={"customer": {"name": "Hiba"}, "lines": [
        {"product_id": product.id, "quantity": 1}]}, headers=headers).get_json()
    client.patch(f"/api/v1/orders/{order['id']}", json={"status": "confirmed"}, headers=headers)
    payment_id, refund_id, run_id = new_id(), new_id(), new_id()

    payment = client.post(f"/api/v1/orders/{order['id']}/payments", json={"id": payment_id, "amount": "50"},
                          headers=headers)
    refund = client.post(f"/api/v1/orders/{order['id']}/refunds", json={"id": refund_id, "amount": "10",
                                                                         "reason": "correction"},
                         headers=headers)
    run = client.post("/api/v1/market-runs", json={"id": run_id, "run_date": "2026-11-26"}, headers=headers)
    seller = client.post("/api/v1/sellers", json={"id": (seller_id := new_id()), "name": "Second shop"},
                         headers=headers)

    assert [payment.get_json()["id"], refund.get_json()["id"], run.get_json()["id"], seller.get_json()["id"]] == [
        payment_id, refund_id, run_id, seller_id]


def test_an_operation_may_not_reuse_the_batchs_own_idempotency_key(client, auth):
    seller = SellerFactory()
    headers = auth(seller.owner, **{"Idempotency-Key": "k-1"})

    response = client.post("/api/v1/batch", headers=headers, json={"operations": [
        {"method": "POST", "path": "/api/v1/products", "idempotency_key": "k-1",
         "body": {"name": "Soap", "price": "5", "currency": "TRY"}}]})

    assert response.status_code == 200
    assert response.get_json()["results"][0]["body"]["errors"] == {
        "idempotency_key": ["must differ from the batch's own Idempotency-Key"]}


def test_an_atomic_batch_that_failed_under_an_idempotency_key_runs_afresh_when_fixed(client, auth):
    product = ProductFactory()
    headers = {**auth(product.seller.owner), "Idempotency-Key": "week-push-1"}
    _customer_id, _order_id, operations = _offline_week(product.id)
    operations[0]["idempotency_key"] = "customer-1"
    operations.append({"method": "PATCH", "path": f"/api/v1/products/{product.id}", "body": {"price": "-1"}})

    failed = client.post("/api/v1/batch", json={"operations": operations, "atomic": True}, headers=headers)
    operations[-1]["body"]["price"] = "120"
    fixed = client.post("/api/v1/batch", json={"operations": operations, "atomic": True}, headers=headers)

    assert failed.status_code == 200 and failed.get_json()["applied"] is False
    assert fixed.status_code == 200 and fixed.get_json()["applied"] is True
    assert "Idempotent-Replayed" not in fixed.headers
    assert _count(Customer, seller_id=product.seller_id) == 1 and _count(Order, seller_id=product.seller_id) == 1
