import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.extensions import db
from shared.models import (
    Customer, Order, OrderEvent, OrderLine, OrderStatus, Role, User, new_id,
)
from shared.services import orders
from shared.services.order_status import ALLOWED, apply_transition
from tests.factories import (
    CustomerFactory, ProductFactory, SellerFactory, UserFactory, order_with_lines,
)

URL = "/api/v1/orders"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _place(client, headers, **body):
    return client.post(URL, json=body, headers=headers)


# --- placing -----------------------------------------------------------------------


def order_line_id(body) -> str:
    (line,) = body["lines"]
    assert len(line["id"]) == 26
    return line["id"]


def test_place_order_with_existing_customer(client, auth):
    product = ProductFactory(name="كريم", price=Decimal("150.00"))
    customer = CustomerFactory(seller=product.seller, name="أم أحمد")
    response = _place(client, auth(product.seller.owner), customer_id=customer.id,
                      lines=[{"product_id": product.id, "quantity": 2}], note="after 4")
    assert response.status_code == 201
    body = response.json
    assert body["number"] == 1
    assert body["status"] == "pending"
    assert body["channel"] == "whatsapp"
    assert body["customer"] == {"id": customer.id, "name": "أم أحمد", "phone": customer.phone}
    assert body["lines"] == [{"id": order_line_id(body), "product_id": product.id, "product_name": "كريم",
                              "quantity": 2, "returned_quantity": 0, "unit_price": "150.00",
                              "line_total": "300.00"}]
    assert (body["currency"], body["total"], body["amount_paid"], body["balance_due"]) == \
        ("TRY", "300.00", "0.00", "300.00")
    assert (body["refundable"], body["returned_total"]) == ("0.00", "0.00")
    assert body["payment_status"] == "unpaid"
    assert body["seller_id"] == product.seller_id
    assert body["market_run_id"] is None and body["delivered_at"] is None


def test_total_is_exact_to_the_cent(client, auth):
    seller = SellerFactory()
    a = ProductFactory(seller=seller, price=Decimal("33.33"))
    b = ProductFactory(seller=seller, price=Decimal("0.01"))
    response = _place(client, auth(seller.owner), customer={"name": "X"},
                      lines=[{"product_id": a.id, "quantity": 3}, {"product_id": b.id, "quantity": "١"}])
    assert response.status_code == 201
    assert response.json["total"] == "100.00"


def test_order_total_too_large_to_keep_is_422(client, auth):
    product = ProductFactory(price=Decimal("90000000000000000.00"))
    response = _place(client, auth(product.seller.owner), customer={"name": "X"},
                      lines=[{"product_id": product.id, "quantity": 1000}])
    assert response.status_code == 422
    assert response.json["errors"]["lines"][0].startswith("the order total would be too large")
    assert _count(Order) == 0


def test_numbers_run_per_shop(app, client, auth):
    one, other = ProductFactory(), ProductFactory()
    for product, expected in ((one, 1), (one, 2), (other, 1)):
        headers, product_id = auth(product.seller.owner), product.id
        with app.app_context():  # a new request context per user, as in production
            response = _place(client, headers, customer={"name": "X"},
                              lines=[{"product_id": product_id, "quantity": 1}])
        assert response.status_code == 201
        assert response.json["number"] == expected


def test_concurrent_orders_in_one_shop_get_distinct_consecutive_numbers(app, auth):
    """Numbers come from the shop's counter under its lock: no two orders can take one."""
    product = ProductFactory()
    body = {"customer_id": CustomerFactory(seller=product.seller).id,
            "lines": [{"product_id": product.id, "quantity": 1}]}
    headers = auth(product.seller.owner)
    count = 48  # the figure: 48 concurrent creates, 48 × 201, 48 consecutive numbers
    db.session.remove()
    barrier, results = threading.Barrier(count), []

    def send():
        with app.app_context():  # its own context, so its own session and connection
            test_client = app.test_client()
            barrier.wait()
            response = test_client.post(URL, json=body, headers=headers)
            db.session.remove()
        results.append((response.status_code, (response.get_json() or {}).get("number")))

    threads = [threading.Thread(target=send) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in results) == [201] * count
    assert sorted(number for _, number in results) == list(range(1, count + 1))


def test_inline_customer_is_created_with_normalised_phone(client, auth):
    product = ProductFactory()
    response = _place(client, auth(product.seller.owner),
                      customer={"name": "Layla", "phone": "0944 111 222", "language": "en"},
                      lines=[{"product_id": product.id, "quantity": 1}])
    assert response.status_code == 201
    assert response.json["customer"]["phone"] == "+963944111222"
    assert db.session.scalars(sa.select(Customer.language)).one().value == "en"


def test_inline_customer_with_known_phone_reuses_the_customer(client, auth):
    product = ProductFactory()
    known = CustomerFactory(seller=product.seller, name="أم أحمد", phone="+963944111222")
    response = _place(client, auth(product.seller.owner),
                      customer={"name": "Umm Ahmad", "phone": "+٩٦٣ ٩٤٤ ١١١ ٢٢٢"},
                      lines=[{"product_id": product.id, "quantity": 1}])
    assert response.status_code == 201
    assert response.json["customer"]["id"] == known.id
    assert _count(Customer) == 1


def test_inline_customer_with_invalid_phone_is_422(client, auth):
    product = ProductFactory()
    response = _place(client, auth(product.seller.owner), customer={"name": "X", "phone": "abc"},
                      lines=[{"product_id": product.id, "quantity": 1}])
    assert response.status_code == 422
    assert "customer.phone" in response.json["errors"]
    assert _count(Order) == 0


@pytest.mark.parametrize("body, field", [
    ({"lines": []}, "lines"),
    ({"lines": [{"product_id": "P", "quantity": 0}]}, "lines"),
    ({"customer": None, "customer_id": None}, "customer_id"),
    ({"customer_id": "C", "customer": {"name": "X"}}, "customer_id"),
    ({"channel": "telegram"}, "channel"),
])
def test_bad_order_body_is_422(client, auth, body, field):
    product = ProductFactory()
    full = {"customer": {"name": "X"}, "lines": [{"product_id": product.id, "quantity": 1}], **body}
    full = {k: v for k, v in full.items() if not (k == "customer" and v is None)}
    response = client.post(URL, json=full, headers=auth(product.seller.owner))
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_product_of_another_shop_is_422_naming_it(client, auth):
    mine, theirs = ProductFactory(), ProductFactory()
    response = _place(client, auth(mine.seller.owner), customer={"name": "X"},
                      lines=[{"product_id": mine.id, "quantity": 1}, {"product_id": theirs.id, "quantity": 1}])
    assert response.status_code == 422
    assert theirs.id in response.json["detail"]
    assert response.json["product_id"] == theirs.id


def test_customer_of_another_shop_is_422(client, auth):
    product = ProductFactory()
    theirs = CustomerFactory()
    response = _place(client, auth(product.seller.owner), customer_id=theirs.id,
                      lines=[{"product_id": product.id, "quantity": 1}])
    assert response.status_code == 422
    assert "customer_id" in response.json["errors"]


def test_unavailable_product_is_422(client, auth):
    product = ProductFactory(name="Rose water", available=False)
    response = _place(client, auth(product.seller.owner), customer={"name": "X"},
                      lines=[{"product_id": product.id, "quantity": 1}])
    assert response.status_code == 422
    assert "Rose water" in response.json["detail"]


def test_product_in_another_currency_is_422(client, auth):
    seller = SellerFactory()
    lira = ProductFactory(seller=seller, currency="TRY")
    dollar = ProductFactory(seller=seller, name="Perfume", currency="USD")
    response = _place(client, auth(seller.owner), customer={"name": "X"},
                      lines=[{"product_id": lira.id, "quantity": 1}, {"product_id": dollar.id, "quantity": 1}])
    assert response.status_code == 422
    assert "Perfume" in response.json["detail"] and "USD" in response.json["detail"]


def test_same_product_twice_is_one_line(client, auth):
    product = ProductFactory(price=Decimal("10.00"))
    response = _place(client, auth(product.seller.owner), customer={"name": "X"},
                      lines=[{"product_id": product.id, "quantity": 1}, {"product_id": product.id, "quantity": 2}])
    assert response.status_code == 201
    assert [(l["quantity"], l["line_total"]) for l in response.json["lines"]] == [(3, "30.00")]


def test_price_change_never_changes_a_placed_order(client, auth):
    product = ProductFactory(name="Cream", price=Decimal("150.00"))
    headers = auth(product.seller.owner)
    placed = _place(client, headers, customer={"name": "X"}, lines=[{"product_id": product.id, "quantity": 2}])
    changed = client.patch(f"/api/v1/products/{product.id}", json={"price": "175.00", "name": "New cream"},
                           headers=headers)
    assert changed.status_code == 200
    response = client.get(f"{URL}/{placed.json['id']}", headers=headers)
    assert response.status_code == 200
    assert response.json["lines"][0]["unit_price"] == "150.00"
    assert response.json["lines"][0]["product_name"] == "Cream"
    assert response.json["total"] == "300.00"


def test_creation_is_the_first_history_event(client, auth):
    product = ProductFactory()
    owner = product.seller.owner
    owner_id = owner.id
    before = datetime.now(timezone.utc)
    placed = _place(client, auth(owner), customer={"name": "X"}, lines=[{"product_id": product.id, "quantity": 1}])
    response = client.get(f"{URL}/{placed.json['id']}/history", headers=auth(owner))
    assert response.status_code == 200
    [event] = response.json
    assert (event["from_status"], event["to_status"], event["actor_id"]) == (None, "pending", owner_id)
    assert datetime.fromisoformat(event["at"]) >= before - timedelta(seconds=1)


# --- idempotency -------------------------------------------------------------------


def test_retry_with_same_idempotency_key_returns_the_same_order(client, auth):
    product = ProductFactory()
    headers = auth(product.seller.owner, **{"Idempotency-Key": "order-1"})
    body = {"customer": {"name": "X"}, "lines": [{"product_id": product.id, "quantity": 1}]}
    first = client.post(URL, json=body, headers=headers)
    again = client.post(URL, json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"]
    assert _count(Order) == 1


def test_twenty_concurrent_requests_with_one_key_create_one_order(app, auth):
    product = ProductFactory()
    headers = auth(product.seller.owner, **{"Idempotency-Key": "burst"})
    body = {"customer": {"name": "X", "phone": "0944111222"},
            "lines": [{"product_id": product.id, "quantity": 1}]}
    db.session.remove()
    barrier = threading.Barrier(20)
    results = []

    def send():
        with app.app_context():  # its own context, so its own session and connection
            test_client = app.test_client()
            barrier.wait()
            response = test_client.post(URL, json=body, headers=headers)
            db.session.remove()
        results.append((response.status_code, response.headers.get("Idempotent-Replayed"),
                        response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20
    assert _count(Order) == 1
    created = [r for r in results if r[0] == 201 and r[1] is None]
    replayed = [r for r in results if r[0] == 201 and r[1] == "true"]
    in_progress = [r for r in results if r[0] == 409]
    assert len(created) == 1
    assert len(created) + len(replayed) + len(in_progress) == 20
    assert all(r[2]["id"] == created[0][2]["id"] for r in replayed)


# --- status ------------------------------------------------------------------------

MATRIX = [(a, b) for a in OrderStatus for b in OrderStatus]


@pytest.mark.parametrize("current, target", MATRIX, ids=[f"{a.value}->{b.value}" for a, b in MATRIX])
def test_status_transition_matrix(client, auth, current, target):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)], status=current)
    response = client.patch(f"{URL}/{order.id}", json={"status": target.value},
                            headers=auth(product.seller.owner))
    if target in ALLOWED[current]:
        assert response.status_code == 200
        assert response.json["status"] == target.value
    elif target == current:  # a retry of a change that went through: nothing changes
        assert response.status_code == 200
        assert response.json["status"] == current.value
        assert db.session.get(Order, order.id).events == []
    else:
        assert response.status_code == 409
        assert response.content_type == "application/problem+json"
        assert response.json["current"] == current.value
        assert response.json["allowed"] == [s.value for s in ALLOWED[current]]
        assert db.session.get(Order, order.id).status == current


def test_refused_transition_says_what_is_allowed(client, auth):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)])
    response = client.patch(f"{URL}/{order.id}", json={"status": "delivered"}, headers=auth(product.seller.owner))
    assert response.status_code == 409
    assert "confirmed, cancelled" in response.json["detail"]


def test_history_records_who_when_from_to(app, client, auth):
    product = ProductFactory()
    coordinator = UserFactory(role=Role.coordinator)
    product.seller.coordinator = coordinator
    db.session.commit()
    owner_id, coordinator_id = product.seller.owner_id, coordinator.id
    owner, boss = auth(product.seller.owner), auth(coordinator)
    placed = _place(client, owner, customer={"name": "X"}, lines=[{"product_id": product.id, "quantity": 1}])
    order_id = placed.json["id"]
    for headers, status in ((owner, "confirmed"), (boss, "purchased"), (owner, "delivered")):
        with app.app_context():  # a new request context per user, as in production
            assert client.patch(f"{URL}/{order_id}", json={"status": status}, headers=headers).status_code == 200
    with app.app_context():
        response = client.get(f"{URL}/{order_id}/history", headers=boss)
    assert response.status_code == 200
    assert [(e["from_status"], e["to_status"], e["actor_id"]) for e in response.json] == [
        (None, "pending", owner_id), ("pending", "confirmed", owner_id),
        ("confirmed", "purchased", coordinator_id), ("purchased", "delivered", owner_id),
    ]
    stamps = [e["at"] for e in response.json]
    assert stamps == sorted(stamps)


def test_delivery_sets_delivered_at(client, auth):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)], status=OrderStatus.purchased)
    response = client.patch(f"{URL}/{order.id}", json={"status": "delivered"}, headers=auth(product.seller.owner))
    assert response.status_code == 200
    assert response.json["delivered_at"] is not None


def test_stale_if_match_is_412(client, auth):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)])
    headers = auth(product.seller.owner)
    etag = client.get(f"{URL}/{order.id}", headers=headers).headers["ETag"]
    assert client.patch(f"{URL}/{order.id}", json={"note": "first"}, headers=headers).status_code == 200
    response = client.patch(f"{URL}/{order.id}", json={"note": "second"}, headers={**headers, "If-Match": etag})
    assert response.status_code == 412


def test_current_if_match_is_accepted(client, auth):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)])
    headers = auth(product.seller.owner)
    etag = client.get(f"{URL}/{order.id}", headers=headers).headers["ETag"]
    response = client.patch(f"{URL}/{order.id}", json={"note": "ok", "channel": "phone"},
                            headers={**headers, "If-Match": etag})
    assert response.status_code == 200
    assert (response.json["note"], response.json["channel"]) == ("ok", "phone")


def test_status_change_on_an_order_changed_meanwhile_is_409(client, auth, monkeypatch,
                                                             without_row_locks):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)], status=OrderStatus.confirmed)
    update_order = orders.update_order

    def cancelled_meanwhile(session, user, loaded, changes):
        """Someone else cancels the order after this request loaded it, before it writes."""
        with Session(db.engine) as other:
            apply_transition(other.get(Order, loaded.id), OrderStatus.cancelled, None)
            other.commit()
        return update_order(session, user, loaded, changes)

    monkeypatch.setattr(orders, "update_order", cancelled_meanwhile)
    response = client.patch(f"{URL}/{order.id}", json={"status": "purchased"},
                            headers=auth(product.seller.owner))
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert "Someone else changed this" in response.json["detail"]
    assert db.session.get(Order, order.id).status == OrderStatus.cancelled


# --- lines -------------------------------------------------------------------------


def test_replacing_lines_keeps_old_prices_and_prices_new_products_today(client, auth):
    seller = SellerFactory()
    kept = ProductFactory(seller=seller, name="Cream", price=Decimal("150.00"))
    added = ProductFactory(seller=seller, name="Soap", price=Decimal("20.00"))
    order = order_with_lines(seller, [(kept, 1)])
    kept.price = Decimal("999.00")
    db.session.commit()
    response = client.patch(f"{URL}/{order.id}",
                            json={"lines": [{"product_id": kept.id, "quantity": 2},
                                            {"product_id": added.id, "quantity": 3}]},
                            headers=auth(seller.owner))
    assert response.status_code == 200
    assert [(l["product_name"], l["unit_price"], l["line_total"]) for l in response.json["lines"]] == [
        ("Cream", "150.00", "300.00"), ("Soap", "20.00", "60.00")]
    assert response.json["total"] == "360.00"
    assert _count(OrderLine) == 2


@pytest.mark.parametrize("status", [OrderStatus.purchased, OrderStatus.delivered, OrderStatus.cancelled])
def test_lines_cannot_change_once_purchased(client, auth, status):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)], status=status)
    response = client.patch(f"{URL}/{order.id}", json={"lines": [{"product_id": product.id, "quantity": 5}]},
                            headers=auth(product.seller.owner))
    assert response.status_code == 409
    assert status.value in response.json["detail"]
    assert db.session.get(Order, order.id).lines[0].quantity == 1


def test_new_lines_making_the_total_too_large_are_422(client, auth):
    product = ProductFactory(price=Decimal("9999999999.99"))
    order = order_with_lines(product.seller, [(product, 1)])
    response = client.patch(f"{URL}/{order.id}", json={"lines": [{"product_id": product.id, "quantity": 2}]},
                            headers=auth(product.seller.owner))
    assert response.status_code == 422
    assert response.json["errors"]["lines"][0].startswith("the order total would be too large")
    assert db.session.get(Order, order.id).lines[0].quantity == 1


def test_line_edit_on_an_order_whose_lines_changed_meanwhile_is_409(client, auth, monkeypatch,
                                                                   without_row_locks):
    seller = SellerFactory()
    cream, soap = (ProductFactory(seller=seller, price=Decimal("100.00")) for _ in range(2))
    order = order_with_lines(seller, [(cream, 2)])
    update_order = orders.update_order

    def edited_meanwhile(session, user, loaded, changes):
        """Someone else replaces the lines (same total) after this request loaded the order."""
        with Session(db.engine) as other:
            update_order(other, other.get(User, user.id), other.get(Order, loaded.id),
                         {"lines": [{"product_id": soap.id, "quantity": 2}]})
            other.commit()
        return update_order(session, user, loaded, changes)

    monkeypatch.setattr(orders, "update_order", edited_meanwhile)
    response = client.patch(f"{URL}/{order.id}", json={"lines": [{"product_id": cream.id, "quantity": 1},
                                                                 {"product_id": soap.id, "quantity": 1}]},
                            headers=auth(seller.owner))
    assert response.status_code == 409
    lines = db.session.scalars(sa.select(OrderLine).where(OrderLine.order_id == order.id)).all()
    assert [(line.product_id, line.quantity) for line in lines] == [(soap.id, 2)]


def test_lines_and_confirmation_in_one_request(client, auth):
    product = ProductFactory(price=Decimal("10.00"))
    order = order_with_lines(product.seller, [(product, 1)])
    response = client.patch(f"{URL}/{order.id}", json={"lines": [{"product_id": product.id, "quantity": 4}],
                                                      "status": "confirmed"},
                            headers=auth(product.seller.owner))
    assert response.status_code == 200
    assert (response.json["status"], response.json["total"]) == ("confirmed", "40.00")


# --- delete ------------------------------------------------------------------------


def test_delete_pending_order(client, auth):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)])
    response = client.delete(f"{URL}/{order.id}", headers=auth(product.seller.owner))
    assert response.status_code == 204
    assert (_count(Order), _count(OrderLine), _count(OrderEvent)) == (0, 0, 0)


@pytest.mark.parametrize("status", [s for s in OrderStatus if s != OrderStatus.pending])
def test_delete_past_pending_is_409(client, auth, status):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)], status=status)
    response = client.delete(f"{URL}/{order.id}", headers=auth(product.seller.owner))
    assert response.status_code == 409
    assert "cancel" in response.json["detail"].lower()
    assert _count(Order) == 1


# --- listing -----------------------------------------------------------------------


def test_list_filters(client, auth):
    seller = SellerFactory()
    product = ProductFactory(seller=seller)
    layla = CustomerFactory(seller=seller, name="ليلى")
    pending = order_with_lines(seller, [(product, 1)], customer=layla)
    confirmed = order_with_lines(seller, [(product, 1)], status=OrderStatus.confirmed)
    headers = auth(seller.owner)

    def ids(**params):
        response = client.get(URL, query_string=params, headers=headers)
        assert response.status_code == 200
        return [o["id"] for o in response.json]

    assert ids() == [confirmed.id, pending.id]
    assert ids(status="confirmed") == [confirmed.id]
    assert ids(customer_id=layla.id) == [pending.id]
    assert ids(payment_status="unpaid") == [confirmed.id, pending.id]
    assert ids(payment_status="paid") == []
    assert ids(seller_id=seller.id) == [confirmed.id, pending.id]


@pytest.mark.parametrize("q", ["ليلي", "ليلى", "لِيلى", "944 000"])
def test_list_q_searches_customer_name_arabic_folded_and_phone(client, auth, q):
    seller = SellerFactory()
    product = ProductFactory(seller=seller)
    layla = CustomerFactory(seller=seller, name="ليلى", phone="+963944000123")
    wanted = order_with_lines(seller, [(product, 1)], customer=layla)
    order_with_lines(seller, [(product, 1)], customer=CustomerFactory(seller=seller, name="Maya",
                                                                    phone="+963955999999"))
    response = client.get(URL, query_string={"q": q}, headers=auth(seller.owner))
    assert response.status_code == 200
    assert [o["id"] for o in response.json] == [wanted.id]


@pytest.mark.parametrize("q", ["19", "#19", "١٩"])
def test_an_order_is_found_by_its_number(client, auth, q):
    """A short number is an order's number, or the last digits of its customer's phone."""
    seller = SellerFactory()
    product = ProductFactory(seller=seller)
    customer = CustomerFactory(seller=seller, phone="+963944000123")
    wanted = order_with_lines(seller, [(product, 1)], customer=customer, number=19)
    order_with_lines(seller, [(product, 1)], customer=customer, number=20)
    order_with_lines(seller, [(product, 1)], customer=customer, number=119)
    middle = CustomerFactory(seller=seller, phone="+963944190123")  # 19 inside, not at the end
    order_with_lines(seller, [(product, 1)], customer=middle, number=21)

    response = client.get(URL, query_string={"q": q}, headers=auth(seller.owner))

    assert response.status_code == 200
    assert [o["id"] for o in response.json] == [wanted.id]


@pytest.mark.parametrize("q", ["0532 111 22 33", "+90 532 111 2233", "٠٥٣٢١١١٢٢٣٣", "22 33"])
def test_an_order_is_found_by_its_customers_phone_in_any_writing(client, auth, q):
    seller = SellerFactory(phone_region="TR")
    product = ProductFactory(seller=seller)
    wanted = order_with_lines(seller, [(product, 1)],
                              customer=CustomerFactory(seller=seller, phone="+905321112233"))
    order_with_lines(seller, [(product, 1)], customer=CustomerFactory(seller=seller, phone="+905329990000"))

    response = client.get(URL, query_string={"q": q}, headers=auth(seller.owner))

    assert response.status_code == 200
    assert [o["id"] for o in response.json] == [wanted.id]


# --- limits that hold -------------------------------------------------------------------


def test_the_same_product_on_200_lines_is_refused_past_the_per_product_cap(client, auth):
    """Each line is within 100,000, but merged they would be one line of 20,000,000."""
    product = ProductFactory()
    lines = [{"product_id": product.id, "quantity": 100_000}] * 200

    response = _place(client, auth(product.seller.owner), customer={"name": "X"}, lines=lines)

    assert response.status_code == 422
    assert "20000000" in response.json["detail"]
    assert response.json["max_quantity"] == 100_000
    assert _count(Order) == 0


def test_lines_merged_up_to_the_cap_are_fine(client, auth):
    product = ProductFactory(price=Decimal("0.01"))
    lines = [{"product_id": product.id, "quantity": 50_000}] * 2

    response = _place(client, auth(product.seller.owner), customer={"name": "X"}, lines=lines)

    assert response.status_code == 201
    assert [line["quantity"] for line in response.json["lines"]] == [100_000]


def test_a_line_edit_is_capped_after_merging_too(client, auth):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)])

    response = client.patch(f"{URL}/{order.id}", json={"lines": [{"product_id": product.id, "quantity": 60_000}] * 2},
                            headers=auth(product.seller.owner))

    assert response.status_code == 422


@pytest.mark.parametrize("typed, stored", [
    ("Umm\u202e Ahmad", "Umm Ahmad"),                         # a right-to-left override
    ("\u2066Nour\u2069", "Nour"),                             # an isolate
    ("Hiba\x07\x1b[31m", "Hiba[31m"),                         # bell and escape
    ("Layla\nSalma", "Layla Salma"),                           # a name has one line
    ("أم أحمد 🌸\u200f", "أم أحمد 🌸\u200f"),                  # Arabic, emoji, RLM: as typed
    ("👩\u200d👩\u200d👧 عائلة", "👩\u200d👩\u200d👧 عائلة"),  # a ZWJ emoji sequence
])
def test_names_lose_control_and_bidi_override_characters_and_nothing_else(client, auth, typed, stored):
    product = ProductFactory()

    response = _place(client, auth(product.seller.owner), customer={"name": typed},
                      lines=[{"product_id": product.id, "quantity": 1}], note=f"{typed}\nsecond line")

    assert response.status_code == 201
    assert response.json["customer"]["name"] == stored
    assert response.json["note"].endswith("\nsecond line")
    assert "\u202e" not in response.json["note"] and "\x07" not in response.json["note"]


def test_a_name_of_nothing_but_invisible_characters_is_refused(client, auth):
    product = ProductFactory()

    response = _place(client, auth(product.seller.owner), customer={"name": "\u202e\u202c"},
                      lines=[{"product_id": product.id, "quantity": 1}])

    assert response.status_code == 422
    assert "customer" in response.json["errors"]


def test_list_date_range_uses_local_calendar_days(client, auth):
    """Damascus is UTC+3: 22:30 UTC on 1 March is already 2 March there."""
    seller = SellerFactory()
    product = ProductFactory(seller=seller)
    late = order_with_lines(seller, [(product, 1)], created_at=datetime(2025, 3, 1, 22, 30, tzinfo=timezone.utc))
    early = order_with_lines(seller, [(product, 1)], created_at=datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc))
    headers = auth(seller.owner)

    def ids(**params):
        response = client.get(URL, query_string=params, headers=headers)
        assert response.status_code == 200
        return [o["id"] for o in response.json]

    assert ids(**{"from": "2025-03-02"}) == [late.id]
    assert ids(to="2025-03-01") == [early.id]
    assert ids(**{"from": "2025-03-01", "to": "2025-03-02"}) == [late.id, early.id]


def test_from_after_to_is_422(client, auth):
    seller = SellerFactory()
    response = client.get(URL, query_string={"from": "2025-03-05", "to": "2025-03-01"}, headers=auth(seller.owner))
    assert response.status_code == 422


def _seed_orders(seller_id: str, how_many: int) -> None:
    """Bulk-insert `how_many` orders (one line, one customer each) in three statements."""
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    customers, orders, lines = [], [], []
    for n in range(how_many):
        customer_id, order_id = new_id(), new_id()
        stamp = start + timedelta(minutes=n)
        customers.append({"id": customer_id, "seller_id": seller_id, "name": f"Customer {n}",
                          "phone": f"+9639{n:08d}", "area": "", "notes": "", "language": "ar",
                          "search_key": f"customer {n}", "created_at": stamp, "updated_at": stamp})
        orders.append({"id": order_id, "seller_id": seller_id, "number": n + 1, "customer_id": customer_id,
                       "channel": "whatsapp", "note": "", "status": "pending", "currency": "TRY",
                       "total": Decimal("10.00"), "amount_paid": Decimal("0.00"), "payment_status": "unpaid",
                       "created_at": stamp, "updated_at": stamp})
        lines.append({"id": new_id(), "order_id": order_id, "position": 0, "product_id": None,
                      "product_name": "Soap", "unit_price": Decimal("10.00"), "quantity": 1})
    db.session.execute(sa.insert(Customer), customers)
    db.session.execute(sa.insert(Order), orders)
    db.session.execute(sa.insert(OrderLine), lines)
    db.session.commit()


@pytest.mark.slow
def test_order_list_runs_the_same_queries_per_page_for_5000_orders(app, client, auth, count_queries):
    big, small = SellerFactory(), SellerFactory()
    _seed_orders(big.id, 5000)
    product = ProductFactory(seller=small)
    order_with_lines(small, [(product, 1)])
    big_headers, small_headers = auth(big.owner), auth(small.owner)

    def run(url, headers, expected_items):
        with app.app_context(), count_queries() as counter:  # a new request context, as in production
            response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert len(response.json) == expected_items
        return counter.count, response

    # Each worker remembers a token's user and shops for a few seconds (shared/principals.py):
    # one request each first, so every counted one finds them remembered alike.
    run(f"{URL}?limit=1", big_headers, 1), run(f"{URL}?limit=1", small_headers, 1)
    first, response = run(f"{URL}?limit=100", big_headers, 100)
    next_url = response.headers["Link"].split(";")[0].strip("<>")
    for _ in range(3):
        later, response = run(next_url, big_headers, 100)
        next_url = response.headers["Link"].split(";")[0].strip("<>")
    single, _ = run(f"{URL}?limit=100", small_headers, 1)
    assert first == later == single
    assert first <= 6


# --- tenancy -----------------------------------------------------------------------

ORDER_URLS = [
    ("get", "{id}", None),
    ("patch", "{id}", {"status": "confirmed"}),
    ("patch", "{id}", {"note": "mine"}),
    ("delete", "{id}", None),
    ("get", "{id}/history", None),
    ("get", "{id}/payments", None),
    ("post", "{id}/payments", {"amount": "10.00"}),
    ("post", "{id}/refunds", {"amount": "1.00", "reason": "overpaid"}),
    ("get", "{id}/returns", None),
    ("post", "{id}/returns", {"lines": [{"product_id": "x", "quantity": 1}]}),
    ("post", "{id}/credit", {}),
    ("get", "{id}/whatsapp", None),
]


@pytest.mark.parametrize("method, path, body", ORDER_URLS)
def test_another_shop_cannot_touch_an_order(client, auth, method, path, body):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)], amount_paid=Decimal("5.00"))
    stranger = SellerFactory().owner
    kwargs = {"json": body} if body is not None else {}
    response = getattr(client, method)(f"{URL}/{path.format(id=order.id)}", headers=auth(stranger), **kwargs)
    assert response.status_code == 404
    assert db.session.get(Order, order.id).status == OrderStatus.pending


def test_another_shop_does_not_list_the_orders(client, auth):
    product = ProductFactory()
    order_with_lines(product.seller, [(product, 1)])
    response = client.get(URL, headers=auth(SellerFactory().owner))
    assert response.status_code == 200
    assert response.json == []


def test_another_shop_cannot_order_into_this_shop(client, auth):
    product = ProductFactory()
    response = _place(client, auth(SellerFactory().owner), seller_id=product.seller_id,
                      customer={"name": "X"}, lines=[{"product_id": product.id, "quantity": 1}])
    assert response.status_code == 404


def test_coordinator_sees_only_its_clients_orders(client, auth):
    coordinator = UserFactory(role=Role.coordinator)
    client_shop = SellerFactory(owner=None, coordinator=coordinator)
    product = ProductFactory(seller=client_shop)
    mine = order_with_lines(client_shop, [(product, 1)])
    other = ProductFactory()
    theirs = order_with_lines(other.seller, [(other, 1)])
    headers = auth(coordinator)
    listed = client.get(URL, headers=headers)
    assert listed.status_code == 200
    assert [o["id"] for o in listed.json] == [mine.id]
    assert client.get(f"{URL}/{mine.id}", headers=headers).status_code == 200
    assert client.get(f"{URL}/{theirs.id}", headers=headers).status_code == 404


def test_coordinator_places_order_for_its_only_client(client, auth):
    coordinator = UserFactory(role=Role.coordinator)
    client_shop = SellerFactory(owner=None, coordinator=coordinator)
    product = ProductFactory(seller=client_shop)
    response = _place(client, auth(coordinator), customer={"name": "X"},
                      lines=[{"product_id": product.id, "quantity": 1}])
    assert response.status_code == 201
    assert response.json["seller_id"] == client_shop.id
