import threading
from datetime import datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.errors import Invalid
from shared.extensions import db
from shared.models import Order, OrderStatus, Payment, User
from shared.services import orders
from shared.money import MAX_AMOUNT
from shared.services.payments import add_payment, add_refund
from tests.factories import ProductFactory, order_with_lines

URL = "/api/v1/orders/{}/{}"


@pytest.fixture
def order():
    """A pending order of 300.00 TRY."""
    product = ProductFactory(price=Decimal("150.00"))
    return order_with_lines(product.seller, [(product, 2)])


@pytest.fixture
def headers(order, auth):
    return auth(order.seller.owner)


def pay(client, order_id, headers, amount, **extra):
    return client.post(URL.format(order_id, "payments"), json={"amount": amount, **extra}, headers=headers)


def refund(client, order_id, headers, amount):
    return client.post(URL.format(order_id, "refunds"), json={"amount": amount}, headers=headers)


def order_json(client, order_id, headers):
    response = client.get(f"/api/v1/orders/{order_id}", headers=headers)
    assert response.status_code == 200
    return response.json


def test_payment_is_recorded(client, order, headers):
    response = pay(client, order.id, headers, "100.00", method="transfer",
                   paid_at="2025-03-01T10:00:00+03:00")
    assert response.status_code == 201
    body = response.json
    assert (body["kind"], body["amount"], body["currency"], body["method"]) == ("payment", "100.00", "TRY", "transfer")
    assert body["paid_at"].startswith("2025-03-01T07:00:00")
    assert body["order_id"] == order.id


def test_paid_at_defaults_to_now(client, order, headers):
    before = datetime.now(timezone.utc)
    response = pay(client, order.id, headers, "1.00")
    assert response.status_code == 201
    assert datetime.fromisoformat(response.json["paid_at"]) >= before.replace(microsecond=0)


@pytest.mark.parametrize("amounts, paid, due, status", [
    ([], "0.00", "300.00", "unpaid"),
    (["100.00"], "100.00", "200.00", "partially_paid"),
    (["100.00", "200.00"], "300.00", "0.00", "paid"),
    (["٣٥٠"], "350.00", "-50.00", "paid"),
])
def test_payments_update_the_order(client, order, headers, amounts, paid, due, status):
    for amount in amounts:
        assert pay(client, order.id, headers, amount).status_code == 201
    body = order_json(client, order.id, headers)
    assert (body["amount_paid"], body["balance_due"], body["payment_status"]) == (paid, due, status)


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.234", "abc", 10.5, "1e3", "+5"])
def test_bad_payment_amount_is_422(client, order, headers, amount):
    response = pay(client, order.id, headers, amount)

    assert response.status_code == 422
    assert "amount" in response.json["errors"]


def test_payments_are_listed_oldest_first_with_refunds_negative(client, order, headers):
    pay(client, order.id, headers, "300.00", paid_at="2025-03-01T10:00:00Z")
    refund(client, order.id, headers, "50.00")
    response = client.get(URL.format(order.id, "payments"), headers=headers)
    assert response.status_code == 200
    assert [(p["kind"], p["amount"]) for p in response.json] == [("payment", "300.00"), ("refund", "-50.00")]


def test_full_refund_makes_the_order_refunded(client, order, headers):
    pay(client, order.id, headers, "300.00")
    response = refund(client, order.id, headers, "300.00")
    assert response.status_code == 201
    body = order_json(client, order.id, headers)
    assert (body["amount_paid"], body["payment_status"]) == ("0.00", "refunded")


def test_partial_refund_is_partially_paid(client, order, headers):
    pay(client, order.id, headers, "300.00")
    refund(client, order.id, headers, "100.00")
    body = order_json(client, order.id, headers)
    assert (body["amount_paid"], body["payment_status"]) == ("200.00", "partially_paid")


def test_refund_more_than_paid_is_422(client, order, headers):
    pay(client, order.id, headers, "100.00")
    response = refund(client, order.id, headers, "100.01")
    assert response.status_code == 422
    assert "100.00" in response.json["detail"]
    assert db.session.get(Order, order.id).amount_paid == Decimal("100.00")


def test_cancelled_order_takes_no_new_payment(client, order, headers):
    order.status = OrderStatus.cancelled
    db.session.commit()
    response = pay(client, order.id, headers, "10.00")
    assert response.status_code == 409
    assert "cancelled" in response.json["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 0


def test_cancelled_order_can_be_refunded(client, order, headers):
    pay(client, order.id, headers, "100.00")
    assert client.patch(f"/api/v1/orders/{order.id}", json={"status": "cancelled"}, headers=headers).status_code == 200
    response = refund(client, order.id, headers, "100.00")
    assert response.status_code == 201
    assert order_json(client, order.id, headers)["payment_status"] == "refunded"


def test_order_with_payments_cannot_be_deleted(client, order, headers):
    pay(client, order.id, headers, "10.00")
    response = client.delete(f"/api/v1/orders/{order.id}", headers=headers)
    assert response.status_code == 409


def test_lower_total_after_line_edit_turns_partial_payment_into_paid(client, order, headers):
    pay(client, order.id, headers, "150.00")
    product_id = order.lines[0].product_id
    response = client.patch(f"/api/v1/orders/{order.id}", json={"lines": [{"product_id": product_id, "quantity": 1}]},
                            headers=headers)
    assert response.status_code == 200
    assert (response.json["total"], response.json["payment_status"]) == ("150.00", "paid")


def test_overpayment_shows_as_customer_credit(client, order, headers):
    pay(client, order.id, headers, "350.00")
    for status in ("confirmed", "purchased", "delivered"):
        client.patch(f"/api/v1/orders/{order.id}", json={"status": status}, headers=headers)
    response = client.get(f"/api/v1/customers/{order.customer_id}", headers=headers)
    assert response.status_code == 200
    assert response.json["balances"] == [{"currency": "TRY", "amount": "-50.00"}]


def test_delivered_unpaid_order_is_owed_by_the_customer(client, order, headers):
    for status in ("confirmed", "purchased", "delivered"):
        client.patch(f"/api/v1/orders/{order.id}", json={"status": status}, headers=headers)
    pay(client, order.id, headers, "100.00")
    response = client.get(f"/api/v1/customers/{order.customer_id}", headers=headers)
    assert response.status_code == 200
    assert response.json["balances"] == [{"currency": "TRY", "amount": "200.00"}]


def test_payment_by_idempotency_key_is_recorded_once(client, order, auth):
    headers = auth(order.seller.owner, **{"Idempotency-Key": "cash-1"})
    first = pay(client, order.id, headers, "100.00")
    again = pay(client, order.id, headers, "100.00")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json["id"] == first.json["id"]
    assert db.session.get(Order, order.id).amount_paid == Decimal("100.00")


def test_concurrent_payments_are_all_counted(app, order, headers):
    order_id, threads_count = order.id, 10
    db.session.remove()
    barrier = threading.Barrier(threads_count)
    statuses = []

    def send():
        with app.app_context():  # its own context, so its own session and connection
            test_client = app.test_client()
            barrier.wait()
            statuses.append(pay(test_client, order_id, headers, "10.00").status_code)
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * threads_count
    payments = db.session.scalars(sa.select(Payment.amount).where(Payment.order_id == order_id)).all()
    assert len(payments) == threads_count
    assert db.session.get(Order, order_id).amount_paid == sum(payments) == Decimal("100.00")


def test_refund_is_checked_against_what_is_paid_now_not_what_was_loaded(client, order, headers):
    pay(client, order.id, headers, "100.00")
    loaded = db.session.get(Order, order.id)
    assert loaded.amount_paid == Decimal("100.00")
    with db.engine.begin() as other:  # another request refunds everything meanwhile
        other.execute(sa.update(Order).where(Order.id == order.id).values(amount_paid=Decimal("0.00")))

    with pytest.raises(Invalid) as refused:
        add_refund(db.session, loaded.seller.owner, loaded, amount=Decimal("100.00"))
    db.session.rollback()  # as the face does on a domain error

    assert refused.value.extra["amount_paid"] == "0.00"
    assert db.session.get(Order, order.id).amount_paid == Decimal("0.00")


def test_payment_taking_what_was_paid_past_the_maximum_is_422(client, order, headers):
    assert pay(client, order.id, headers, str(MAX_AMOUNT)).status_code == 201

    response = pay(client, order.id, headers, "0.01")

    assert response.status_code == 422
    assert response.json["errors"]["amount"][0].startswith("too large")
    assert db.session.get(Order, order.id).amount_paid == MAX_AMOUNT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 1


def test_payment_too_large_for_the_database_is_422_not_500(client, order, headers):
    response = pay(client, order.id, headers, "100000000000000000000.00")

    assert response.status_code == 422
    assert "amount" in response.json["errors"]


def test_the_service_itself_refuses_an_amount_beyond_the_maximum(order):
    """The schema refuses it first on the API; the CLI, the admin and jobs reach the service directly."""
    with pytest.raises(Invalid):
        add_payment(db.session, order.seller.owner, order, amount=MAX_AMOUNT + Decimal("0.01"))

    assert db.session.get(Order, order.id).amount_paid == Decimal("0.00")


def test_line_edit_loaded_before_a_payment_is_409(client, order, headers, monkeypatch,
                                                  without_row_locks):
    assert pay(client, order.id, headers, "100.00").status_code == 201
    update_order = orders.update_order

    def paid_meanwhile(session, user, loaded, changes):
        """A payment that leaves payment_status as it was lands after this request loaded the order."""
        with Session(db.engine) as other:
            add_payment(other, other.get(User, user.id), other.get(Order, loaded.id), amount=Decimal("50.00"))
            other.commit()
        return update_order(session, user, loaded, changes)

    monkeypatch.setattr(orders, "update_order", paid_meanwhile)
    response = client.patch(f"/api/v1/orders/{order.id}",
                            json={"lines": [{"product_id": order.lines[0].product_id, "quantity": 1}]},
                            headers=headers)
    assert response.status_code == 409
    reloaded = db.session.get(Order, order.id)
    assert (reloaded.total, reloaded.amount_paid) == (Decimal("300.00"), Decimal("150.00"))
