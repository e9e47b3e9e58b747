"""Market runs: planning the weekly trip, its shopping list, costs, margin, marking it bought."""
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.extensions import db
from shared.models import (
    MarketRun, MarketRunCost, MarketRunLumpSum, MarketRunStatus, Order, OrderEvent, OrderStatus, Product, Role, Seller,
)
from shared.services import market_runs
from shared.services.order_status import apply_transition
from tests.factories import (
    MarketRunFactory, ProductFactory, SellerFactory, UserFactory, order_with_lines,
)

URL = "/api/v1/market-runs"
CONFIRMED = OrderStatus.confirmed


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def products(seller):
    """Three products of the seller: rice 10.00, oil 25.00, tea 7.50 TRY."""
    return [ProductFactory(seller=seller, name=name, price=Decimal(price))
            for name, price in (("Rice", "10.00"), ("Oil", "25.00"), ("Tea", "7.50"))]


def plan(client, auth, user, **body):
    return client.post(URL, json={"run_date": "2025-05-16", **body}, headers=auth(user))


def costs(product, amount) -> dict:
    """A PATCH body recording what was paid for one product."""
    return {"costs": [{"product_id": product.id, "cost": amount}]}


def lump(amount, currency="TRY") -> dict:
    """A PATCH body recording what was paid in a currency without splitting it by product."""
    return {"lump_sums": [{"currency": currency, "amount": amount}]}


def figures(body, currency="TRY") -> dict:
    """The run's figures in one currency."""
    return next(c for c in body["currencies"] if c["currency"] == currency)


def reloaded(obj):
    db.session.refresh(obj)
    return obj


# --- the shopping list ----------------------------------------------------------------


def test_shopping_list_sums_products_over_orders_and_leaves_out_cancelled(client, auth, seller, products):
    rice, oil, tea = products
    orders = [order_with_lines(seller, [(rice, 2), (oil, 1)], status=CONFIRMED),
              order_with_lines(seller, [(rice, 3)], status=CONFIRMED),
              order_with_lines(seller, [(tea, 4)], status=CONFIRMED),
              order_with_lines(seller, [(oil, 6), (tea, 1)], status=CONFIRMED)]
    order_with_lines(seller, [(oil, 9)], status=OrderStatus.cancelled)
    run_id = plan(client, auth, seller.owner).json["id"]
    apply_transition(orders[3], OrderStatus.cancelled, seller.owner)  # cancelled after planning
    db.session.commit()

    response = client.get(f"{URL}/{run_id}/shopping-list", headers=auth(seller.owner))

    assert response.status_code == 200
    assert response.json == {"market_run_id": run_id, "currencies": [{
        "currency": "TRY",
        "items": [
            {"product_id": oil.id, "name": "Oil", "quantity": 1, "sale_value": "25.00", "cost": None},
            {"product_id": rice.id, "name": "Rice", "quantity": 5, "sale_value": "50.00", "cost": None},
            {"product_id": tea.id, "name": "Tea", "quantity": 4, "sale_value": "30.00", "cost": None},
        ],
        "sale_value": "105.00", "lump_sum": None, "cost": None,
    }]}


def test_shopping_list_names_products_as_now_or_as_ordered_when_deleted(client, auth, seller, products):
    rice, oil, _ = products
    run = MarketRunFactory(seller=seller)
    order = order_with_lines(seller, [(rice, 1), (oil, 2)], status=CONFIRMED, market_run_id=run.id)
    rice.name = "Basmati rice"
    db.session.delete(oil)
    db.session.commit()

    response = client.get(f"{URL}/{run.id}/shopping-list", headers=auth(seller.owner))

    assert response.status_code == 200
    assert [(i["product_id"], i["name"], i["quantity"])
            for i in response.json["currencies"][0]["items"]] == [(rice.id, "Basmati rice", 1), (None, "Oil", 2)]
    assert order.lines[1].product_name == "Oil"


def test_shopping_list_is_one_grouped_query_whatever_the_orders(app, client, auth, seller, products,
                                                                count_queries):
    counts = []
    headers = auth(seller.owner)
    ids = [seller.id, products[0].id, products[1].id]
    for size in (1, 10):
        shop, rice, oil = (db.session.get(model, i) for model, i in zip((Seller, Product, Product), ids))
        run = MarketRunFactory(seller=shop)
        for _ in range(size):
            order_with_lines(shop, [(rice, 1), (oil, 2)], status=CONFIRMED, market_run_id=run.id)
        url = f"{URL}/{run.id}/shopping-list"
        client.get(url, headers=headers)  # the token and shops, remembered (shared/principals.py)
        with count_queries() as q, app.app_context():  # a fresh context: nothing cached in g
            assert client.get(url, headers=headers).status_code == 200
        counts.append(q.count)
    # The run with its orders, costs and lump sums (selectin), the run's three figures, the
    # list (the token is remembered: shared/principals.py).
    assert counts == [8, 8]


# --- planning: which orders ------------------------------------------------------------


def test_plan_takes_every_confirmed_order_in_no_other_run(client, auth, seller, products):
    rice = products[0]
    free = order_with_lines(seller, [(rice, 1)], status=CONFIRMED)
    order_with_lines(seller, [(rice, 1)], status=OrderStatus.pending)
    order_with_lines(seller, [(rice, 1)], status=CONFIRMED, market_run_id=MarketRunFactory(seller=seller).id)
    other = SellerFactory()
    order_with_lines(other, [(ProductFactory(seller=other), 1)], status=CONFIRMED)

    response = plan(client, auth, seller.owner, note="Friday")

    assert response.status_code == 201
    assert response.json["order_ids"] == [free.id]
    assert response.json["status"] == "planned"
    assert response.json["seller_id"] == seller.id
    assert response.json["note"] == "Friday"
    assert reloaded(free).market_run_id == response.json["id"]


def test_one_run_takes_the_orders_of_every_currency(client, auth, seller, products):
    """One market day, one run: lira and dollar orders together, figures per currency."""
    lira = order_with_lines(seller, [(products[0], 2)], status=CONFIRMED)
    perfume = ProductFactory(seller=seller, name="Perfume", price=Decimal("45.00"), currency="USD")
    dollar = order_with_lines(seller, [(perfume, 1)], status=CONFIRMED)
    headers = auth(seller.owner)

    response = plan(client, auth, seller.owner)
    run_id = response.json["id"]
    listed = client.get(f"{URL}/{run_id}/shopping-list", headers=headers)
    bought = client.post(f"{URL}/{run_id}/bought", headers=headers, json={
        "costs": [{"product_id": products[0].id, "cost": "15.00"}, {"product_id": perfume.id, "cost": "30.00"}],
        "lump_sums": [{"currency": "TRY", "amount": "2.50"}]})

    assert response.status_code == 201
    assert set(response.json["order_ids"]) == {lira.id, dollar.id}
    assert [(c["currency"], c["order_count"], c["revenue"]) for c in response.json["currencies"]] == [
        ("TRY", 1, "20.00"), ("USD", 1, "45.00")]
    assert listed.status_code == 200
    assert [(c["currency"], [i["name"] for i in c["items"]], c["sale_value"])
            for c in listed.json["currencies"]] == [("TRY", ["Rice"], "20.00"), ("USD", ["Perfume"], "45.00")]
    assert bought.status_code == 200
    assert [(c["currency"], c["revenue"], c["cost"], c["margin"]) for c in bought.json["currencies"]] == [
        ("TRY", "20.00", "17.50", "2.50"), ("USD", "45.00", "30.00", "15.00")]
    assert bought.json["order_count"] == 2


def test_plan_in_a_currency_takes_only_its_orders(client, auth, seller, products):
    order_with_lines(seller, [(products[0], 1)], status=CONFIRMED)
    usd = order_with_lines(seller, [(ProductFactory(seller=seller, currency="USD"), 1)], status=CONFIRMED)

    response = plan(client, auth, seller.owner, currency="usd")

    assert response.status_code == 201
    assert response.json["order_ids"] == [usd.id]
    assert [c["currency"] for c in response.json["currencies"]] == ["USD"]


def test_plan_with_nothing_to_buy_creates_nothing(client, auth, seller, products):
    order_with_lines(seller, [(products[0], 1)], status=OrderStatus.pending)

    response = plan(client, auth, seller.owner)

    assert response.status_code == 422
    assert "no confirmed orders" in response.json["detail"]
    assert db.session.scalar(sa.select(sa.func.count(MarketRun.id))) == 0


def test_plan_with_named_orders_takes_just_those(client, auth, seller, products):
    first, _second = (order_with_lines(seller, [(products[0], 1)], status=CONFIRMED) for _ in range(2))

    response = plan(client, auth, seller.owner, order_ids=[first.id])

    assert response.status_code == 201
    assert response.json["order_ids"] == [first.id]


def test_plan_refuses_a_named_order_that_is_not_confirmed(client, auth, seller, products):
    pending = order_with_lines(seller, [(products[0], 1)], status=OrderStatus.pending)

    response = plan(client, auth, seller.owner, order_ids=[pending.id])

    assert response.status_code == 409
    assert f"Order {pending.number} is pending" in response.json["detail"]
    assert (response.json["order_number"], response.json["order_status"]) == (pending.number, "pending")


def test_plan_refuses_an_order_of_another_shop_as_not_found(client, auth, seller, products):
    other = SellerFactory()
    foreign = order_with_lines(other, [(ProductFactory(seller=other), 1)], status=CONFIRMED)

    response = plan(client, auth, seller.owner, order_ids=[foreign.id])

    assert response.status_code == 404
    assert foreign.id in response.json["detail"]


def test_plan_refuses_an_order_already_in_a_run(client, auth, seller, products):
    taken = order_with_lines(seller, [(products[0], 1)], status=CONFIRMED,
                             market_run_id=MarketRunFactory(seller=seller).id)

    response = plan(client, auth, seller.owner, order_ids=[taken.id])

    assert response.status_code == 409
    assert "already in another market run" in response.json["detail"]


def test_plan_takes_named_orders_in_two_currencies(client, auth, seller, products):
    try_order = order_with_lines(seller, [(products[0], 1)], status=CONFIRMED)
    usd_order = order_with_lines(seller, [(ProductFactory(seller=seller, currency="USD"), 1)],
                                 status=CONFIRMED)

    response = plan(client, auth, seller.owner, order_ids=[try_order.id, usd_order.id])

    assert response.status_code == 201
    assert response.json["order_ids"] == [try_order.id, usd_order.id]


def test_plan_needs_a_seller_when_working_for_several(client, auth):
    coordinator = UserFactory(role=Role.coordinator)
    SellerFactory(coordinator=coordinator, owner=None)
    SellerFactory(coordinator=coordinator, owner=None)

    response = plan(client, auth, coordinator)

    assert response.status_code == 422
    assert "seller_id" in response.json["errors"]


def test_plan_retried_with_the_same_idempotency_key_creates_one_run(client, auth, seller, products):
    order_with_lines(seller, [(products[0], 1)], status=CONFIRMED)
    headers = auth(seller.owner, **{"Idempotency-Key": "run-1"})
    body = {"run_date": "2025-05-16"}

    first = client.post(URL, json=body, headers=headers)
    again = client.post(URL, json=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json["id"] == first.json["id"]
    assert db.session.scalar(sa.select(sa.func.count(MarketRun.id))) == 1


# --- costs and margin ------------------------------------------------------------------


@pytest.fixture
def run_with_orders(seller, products):
    """A planned run over two orders: rice x2 + oil x1 (45.00), rice x3 (30.00); revenue 75.00."""
    rice, oil, _ = products
    run = MarketRunFactory(seller=seller)
    order_with_lines(seller, [(rice, 2), (oil, 1)], status=CONFIRMED, market_run_id=run.id)
    order_with_lines(seller, [(rice, 3)], status=CONFIRMED, market_run_id=run.id)
    return run


def test_new_run_has_revenue_but_no_cost_or_margin(client, auth, seller, run_with_orders):
    response = client.get(f"{URL}/{run_with_orders.id}", headers=auth(seller.owner))

    assert response.status_code == 200
    assert response.json["order_count"] == 2
    assert response.json["currencies"] == [
        {"currency": "TRY", "order_count": 2, "revenue": "75.00", "cost": None, "margin": None}]


def test_costs_per_product_and_the_lump_sum_add_up_to_the_cost(client, auth, seller, products,
                                                                run_with_orders):
    rice, oil, _ = products
    body = {**lump("5.00"), "costs": [{"product_id": rice.id, "cost": "40.00"},
                                      {"product_id": oil.id, "cost": "20.50"}]}

    response = client.patch(f"{URL}/{run_with_orders.id}", json=body, headers=auth(seller.owner))

    assert response.status_code == 200
    assert response.json["lump_sums"] == [{"currency": "TRY", "amount": "5.00"}]
    assert figures(response.json) == {"currency": "TRY", "order_count": 2, "revenue": "75.00",
                                      "cost": "65.50", "margin": "9.50"}


def test_recorded_costs_show_on_the_shopping_list(client, auth, seller, products, run_with_orders):
    rice, oil, _ = products
    headers = auth(seller.owner)
    client.patch(f"{URL}/{run_with_orders.id}", json=costs(rice, "40.00"), headers=headers)

    response = client.get(f"{URL}/{run_with_orders.id}/shopping-list", headers=headers)

    assert response.status_code == 200
    (group,) = response.json["currencies"]
    assert [(i["name"], i["cost"]) for i in group["items"]] == [("Oil", None), ("Rice", "40.00")]
    assert (group["lump_sum"], group["cost"]) == (None, "40.00")


def test_recording_a_product_cost_again_replaces_it(client, auth, seller, products, run_with_orders):
    rice = products[0]
    headers = auth(seller.owner)
    url = f"{URL}/{run_with_orders.id}"
    client.patch(url, json=costs(rice, "40.00"), headers=headers)

    response = client.patch(url, json=costs(rice, "35.00"), headers=headers)

    assert response.status_code == 200
    assert response.json["costs"] == [{"product_id": rice.id, "currency": "TRY", "cost": "35.00"}]
    assert figures(response.json)["cost"] == "35.00"


def test_a_null_product_cost_removes_it(client, auth, seller, products, run_with_orders):
    rice = products[0]
    headers = auth(seller.owner)
    url = f"{URL}/{run_with_orders.id}"
    client.patch(url, json=costs(rice, "40.00"), headers=headers)

    response = client.patch(url, json=costs(rice, None), headers=headers)

    assert response.status_code == 200
    assert (response.json["costs"], figures(response.json)["cost"]) == ([], None)


def test_a_cost_for_a_product_not_on_the_list_is_refused(client, auth, seller, products, run_with_orders):
    tea = products[2]

    response = client.patch(f"{URL}/{run_with_orders.id}",
                            json={"costs": [{"product_id": tea.id, "cost": "9.00"}]},
                            headers=auth(seller.owner))

    assert response.status_code == 422
    assert "costs" in response.json["errors"]


def test_a_run_cost_above_revenue_gives_a_negative_margin(client, auth, seller, run_with_orders):
    response = client.patch(f"{URL}/{run_with_orders.id}", json=lump("80.25"),
                            headers=auth(seller.owner))

    assert response.status_code == 200
    assert (figures(response.json)["cost"], figures(response.json)["margin"]) == ("80.25", "-5.25")


def test_a_lump_sum_in_a_currency_without_orders_is_its_own_cost(client, auth, seller, run_with_orders):
    response = client.patch(f"{URL}/{run_with_orders.id}", json=lump("3.00", "USD"),
                            headers=auth(seller.owner))

    assert response.status_code == 200
    assert figures(response.json, "USD") == {"currency": "USD", "order_count": 0, "revenue": "0.00",
                                             "cost": "3.00", "margin": "-3.00"}
    assert figures(response.json)["cost"] is None


def test_a_null_lump_sum_removes_it(client, auth, seller, run_with_orders):
    url, headers = f"{URL}/{run_with_orders.id}", auth(seller.owner)
    client.patch(url, json=lump("3.00"), headers=headers)

    response = client.patch(url, json=lump(None), headers=headers)

    assert response.status_code == 200
    assert (response.json["lump_sums"], figures(response.json)["cost"]) == ([], None)


def test_a_product_on_the_list_in_two_currencies_needs_the_cost_currency(client, auth, seller, products,
                                                                        run_with_orders):
    """Its price changed currency between two orders: two items, one cost each."""
    rice = products[0]
    in_dollars = order_with_lines(seller, [(rice, 1)], status=CONFIRMED, market_run_id=run_with_orders.id)
    db.session.execute(sa.update(Order).where(Order.id == in_dollars.id).values(currency="USD"))
    db.session.commit()
    url, headers = f"{URL}/{run_with_orders.id}", auth(seller.owner)

    unsaid = client.patch(url, json=costs(rice, "9.00"), headers=headers)
    said = client.patch(url, json={"costs": [{"product_id": rice.id, "cost": "2.00", "currency": "USD"}]},
                        headers=headers)

    assert unsaid.status_code == 422
    assert unsaid.json["currencies"] == ["TRY", "USD"]
    assert said.status_code == 200
    assert said.json["costs"] == [{"product_id": rice.id, "currency": "USD", "cost": "2.00"}]


def test_a_cancelled_order_leaves_revenue(client, auth, seller, products, run_with_orders):
    bigger = next(order for order in run_with_orders.orders if order.total == Decimal("45.00"))
    apply_transition(bigger, OrderStatus.cancelled, seller.owner)
    db.session.commit()

    response = client.get(f"{URL}/{run_with_orders.id}", headers=auth(seller.owner))

    assert response.status_code == 200
    assert (response.json["order_count"], figures(response.json)["revenue"]) == (1, "30.00")


def test_the_run_date_and_note_can_change(client, auth, seller, run_with_orders):
    response = client.patch(f"{URL}/{run_with_orders.id}", json={"run_date": "2025-05-23", "note": "next week"},
                            headers=auth(seller.owner))

    assert response.status_code == 200
    assert (response.json["run_date"], response.json["note"]) == ("2025-05-23", "next week")


def test_amounts_may_be_typed_in_arabic_indic_digits(client, auth, seller, run_with_orders):
    response = client.patch(f"{URL}/{run_with_orders.id}", json=lump("٧٠٫٥٠"),
                            headers=auth(seller.owner))

    assert response.status_code == 200
    assert (figures(response.json)["cost"], figures(response.json)["margin"]) == ("70.50", "4.50")


def test_a_stale_if_match_is_refused(client, auth, seller, run_with_orders):
    headers = auth(seller.owner)
    etag = client.get(f"{URL}/{run_with_orders.id}", headers=headers).headers["ETag"]
    client.patch(f"{URL}/{run_with_orders.id}", json={"note": "first"}, headers=headers)

    response = client.patch(f"{URL}/{run_with_orders.id}", json={"note": "second"},
                            headers={**headers, "If-Match": etag})

    assert response.status_code == 412


# --- marking bought ----------------------------------------------------------------------


def test_marking_bought_moves_confirmed_orders_to_purchased_with_history(client, auth, seller,
                                                                         run_with_orders):
    orders = list(run_with_orders.orders)

    response = client.post(f"{URL}/{run_with_orders.id}/bought", headers=auth(seller.owner))

    assert response.status_code == 200
    assert response.json["status"] == "bought"
    assert response.json["bought_at"] is not None
    assert [reloaded(order).status for order in orders] == [OrderStatus.purchased] * 2
    events = db.session.scalars(
        sa.select(OrderEvent).where(OrderEvent.order_id.in_([o.id for o in orders]))).all()
    assert {(e.from_status, e.to_status, e.actor_id) for e in events} == {
        (OrderStatus.confirmed, OrderStatus.purchased, seller.owner.id)}
    assert len(events) == 2


def test_marking_bought_skips_cancelled_orders(client, auth, seller, run_with_orders):
    cancelled = run_with_orders.orders[0]
    apply_transition(cancelled, OrderStatus.cancelled, seller.owner)
    db.session.commit()

    response = client.post(f"{URL}/{run_with_orders.id}/bought", headers=auth(seller.owner))

    assert response.status_code == 200
    assert reloaded(cancelled).status == OrderStatus.cancelled


def test_marking_bought_writes_over_orders_as_they_are_now(auth, seller, run_with_orders):
    run = run_with_orders  # its orders are loaded in this session
    changed = run.orders[0]
    with Session(db.engine) as other:  # someone adds a note after they were loaded
        other.get(Order, changed.id).note = "ring twice"
        other.commit()

    market_runs.mark_bought(db.session, seller.owner, run)

    assert (reloaded(changed).status, changed.note) == (OrderStatus.purchased, "ring twice")


def test_marking_bought_records_the_costs_and_time_given(client, auth, seller, products, run_with_orders):
    body = {"costs": [{"product_id": products[0].id, "cost": "45.00"}], **lump("15.00"),
            "bought_at": "2025-05-16T09:30:00+03:00"}

    response = client.post(f"{URL}/{run_with_orders.id}/bought", json=body, headers=auth(seller.owner))

    assert response.status_code == 200
    assert response.json["bought_at"] == "2025-05-16T06:30:00+00:00"
    assert (figures(response.json)["cost"], figures(response.json)["margin"]) == ("60.00", "15.00")


def test_marking_bought_with_a_cost_off_the_list_buys_nothing(client, auth, seller, products,
                                                              run_with_orders):
    body = {"costs": [{"product_id": products[2].id, "cost": "5.00"}]}

    response = client.post(f"{URL}/{run_with_orders.id}/bought", json=body, headers=auth(seller.owner))

    assert response.status_code == 422
    assert reloaded(run_with_orders).status == MarketRunStatus.planned


def test_marking_bought_twice_is_a_conflict(client, auth, seller, run_with_orders):
    headers = auth(seller.owner)
    client.post(f"{URL}/{run_with_orders.id}/bought", headers=headers)

    response = client.post(f"{URL}/{run_with_orders.id}/bought", headers=headers)

    assert response.status_code == 409
    assert "already marked bought" in response.json["detail"]


# --- deleting, adding and removing orders ----------------------------------------------


def test_deleting_a_planned_run_frees_its_orders(client, auth, seller, run_with_orders):
    orders = list(run_with_orders.orders)

    response = client.delete(f"{URL}/{run_with_orders.id}", headers=auth(seller.owner))

    assert response.status_code == 204
    assert [reloaded(order).market_run_id for order in orders] == [None, None]
    assert db.session.get(MarketRun, run_with_orders.id) is None


def test_a_bought_run_cannot_be_deleted(client, auth, seller, run_with_orders):
    headers = auth(seller.owner)
    client.post(f"{URL}/{run_with_orders.id}/bought", headers=headers)

    response = client.delete(f"{URL}/{run_with_orders.id}", headers=headers)

    assert response.status_code == 409


def test_orders_can_be_added_to_a_planned_run(client, auth, seller, products, run_with_orders):
    extra = order_with_lines(seller, [(products[2], 2)], status=CONFIRMED)

    response = client.post(f"{URL}/{run_with_orders.id}/orders", json={"order_ids": [extra.id]},
                           headers=auth(seller.owner))

    assert response.status_code == 200
    assert extra.id in response.json["order_ids"]
    assert (response.json["order_count"], figures(response.json)["revenue"]) == (3, "90.00")


def test_an_order_can_be_removed_from_a_planned_run(client, auth, seller, run_with_orders):
    order = run_with_orders.orders[0]

    response = client.delete(f"{URL}/{run_with_orders.id}/orders/{order.id}", headers=auth(seller.owner))

    assert response.status_code == 204
    assert reloaded(order).market_run_id is None


def test_adding_an_order_already_in_the_run_changes_nothing(client, auth, seller, run_with_orders):
    order = run_with_orders.orders[0]

    response = client.post(f"{URL}/{run_with_orders.id}/orders", json={"order_ids": [order.id]},
                           headers=auth(seller.owner))

    assert response.status_code == 200
    assert (response.json["order_count"], figures(response.json)["revenue"]) == (2, "75.00")


def test_removing_an_order_not_in_the_run_is_not_found(client, auth, seller, products, run_with_orders):
    elsewhere = order_with_lines(seller, [(products[0], 1)], status=CONFIRMED)

    response = client.delete(f"{URL}/{run_with_orders.id}/orders/{elsewhere.id}", headers=auth(seller.owner))

    assert response.status_code == 404


def test_orders_cannot_be_added_to_a_bought_run(client, auth, seller, products, run_with_orders):
    headers = auth(seller.owner)
    client.post(f"{URL}/{run_with_orders.id}/bought", headers=headers)
    extra = order_with_lines(seller, [(products[2], 2)], status=CONFIRMED)

    response = client.post(f"{URL}/{run_with_orders.id}/orders", json={"order_ids": [extra.id]},
                           headers=headers)

    assert response.status_code == 409


# --- lists -------------------------------------------------------------------------------


def test_list_is_newest_first_and_filters_by_status(client, auth, seller):
    older, newer = MarketRunFactory(seller=seller), MarketRunFactory(seller=seller)
    MarketRunFactory(seller=seller, status=MarketRunStatus.bought)
    older.created_at = newer.created_at.replace(year=2024)
    db.session.commit()

    response = client.get(f"{URL}?status=planned", headers=auth(seller.owner))

    assert response.status_code == 200
    assert [run["id"] for run in response.json] == [newer.id, older.id]


def test_list_figures_take_the_same_queries_for_1_or_20_runs(app, client, auth, seller, products,
                                                             count_queries):
    headers = auth(seller.owner)

    def statements_for_list():
        client.get(f"{URL}?limit=100", headers=headers)  # the token and shops, remembered (shared/principals.py)
        with count_queries() as q, app.app_context():  # a fresh context: nothing cached in g
            response = client.get(f"{URL}?limit=100", headers=headers)
        assert response.status_code == 200
        return q.count, len(response.json)

    shop_id, rice_id = seller.id, products[0].id

    def add_runs(count):
        shop, rice = db.session.get(Seller, shop_id), db.session.get(Product, rice_id)
        for _ in range(count):
            run = MarketRunFactory(seller=shop)
            order_with_lines(shop, [(rice, 1)], status=CONFIRMED, market_run_id=run.id)
            db.session.add(MarketRunCost(market_run=run, product=rice, currency="TRY", cost=Decimal("2.00")))
            db.session.add(MarketRunLumpSum(market_run=run, currency="TRY", amount=Decimal("1.00")))
        db.session.commit()

    add_runs(1)
    one = statements_for_list()
    add_runs(19)
    twenty = statements_for_list()

    assert (one[1], twenty[1]) == (1, 20)
    assert one[0] == twenty[0]


# --- who may see what ----------------------------------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("get", ""), ("get", "/shopping-list"), ("patch", ""), ("delete", ""), ("post", "/bought"),
])
def test_another_seller_gets_404_for_the_run(client, auth, run_with_orders, method, path):
    stranger = SellerFactory().owner
    body = {"note": "mine now"} if method == "patch" else None

    response = getattr(client, method)(f"{URL}/{run_with_orders.id}{path}", json=body, headers=auth(stranger))

    assert response.status_code == 404
    assert response.json["detail"] == f"No market run with id {run_with_orders.id!r} in your account."


def test_another_seller_cannot_add_a_sellers_orders_to_its_run(client, auth, seller, products):
    mine = order_with_lines(seller, [(products[0], 1)], status=CONFIRMED)
    stranger_shop = SellerFactory()
    their_run = MarketRunFactory(seller=stranger_shop)

    response = client.post(f"{URL}/{their_run.id}/orders", json={"order_ids": [mine.id]},
                           headers=auth(stranger_shop.owner))

    assert response.status_code == 404
    assert reloaded(mine).market_run_id is None


def test_another_seller_cannot_plan_a_run_for_a_shop(client, auth, seller, products):
    order_with_lines(seller, [(products[0], 1)], status=CONFIRMED)

    response = plan(client, auth, SellerFactory().owner, seller_id=seller.id)

    assert response.status_code == 404


def test_a_coordinator_sees_only_its_clients_runs(client, auth):
    coordinator = UserFactory(role=Role.coordinator)
    client_run = MarketRunFactory(seller=SellerFactory(coordinator=coordinator, owner=None))
    MarketRunFactory()

    response = client.get(URL, headers=auth(coordinator))

    assert response.status_code == 200
    assert [run["id"] for run in response.json] == [client_run.id]


# --- two taps at the same moment ---------------------------------------------------


def _at_once(app, count, send):
    """Run `send(client)` from `count` threads released together; return the responses."""
    import threading

    db.session.remove()
    barrier, results = threading.Barrier(count), []

    def worker():
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            results.append(send(client))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_marking_bought_twice_at_once_buys_once(app, auth, seller, products):
    run = MarketRunFactory(seller=seller)
    order = order_with_lines(seller, [(products[0], 1)], status=CONFIRMED, market_run_id=run.id)
    headers, url, order_id = auth(seller.owner), f"{URL}/{run.id}/bought", order.id

    responses = _at_once(app, 4, lambda c: c.post(url, json={}, headers=headers))

    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    events = db.session.get(Order, order_id).events
    assert [e.to_status for e in events].count(OrderStatus.purchased) == 1


def test_recording_the_same_cost_at_once_never_fails_the_server(app, auth, seller, products):
    run = MarketRunFactory(seller=seller)
    order_with_lines(seller, [(products[0], 1)], status=CONFIRMED, market_run_id=run.id)
    headers, body, url = auth(seller.owner), costs(products[0], "9.00"), f"{URL}/{run.id}"

    responses = _at_once(app, 4, lambda c: c.patch(url, json=body, headers=headers))

    assert {r.status_code for r in responses} <= {200, 409}
    assert 200 in {r.status_code for r in responses}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MarketRunCost)) == 1
