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
from tests.factories import CustomerFactory, ProductFactory, SellerFactory, order_with_lines

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


def refund(client, order_id, headers, amount, reason="overpaid", **extra):
    return client.post(URL.format(order_id, "refunds"), json={"amount": amount, "reason": reason, **extra},
                       headers=headers)


def move(client, order_id, headers, status):
    """Walk the order along its statuses up to `status`."""
    for step in ("confirmed", "purchased", "delivered")[:("confirmed", "purchased", "delivered").index(status) + 1]:
        assert client.patch(f"/api/v1/orders/{order_id}", json={"status": step}, headers=headers).status_code == 200


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
    pay(client, order.id, headers, "350.00", paid_at="2025-03-01T10:00:00Z")
    refund(client, order.id, headers, "50.00", note="paid too much")
    response = client.get(URL.format(order.id, "payments"), headers=headers)
    assert response.status_code == 200
    assert [(p["kind"], p["amount"], p["order_amount"], p["reason"], p["note"]) for p in response.json] == [
        ("payment", "350.00", "350.00", None, ""), ("refund", "-50.00", "-50.00", "overpaid", "paid too much")]


def test_a_cancelled_paid_order_owes_nothing_and_shows_what_to_refund(client, order, headers):
    pay(client, order.id, headers, "91.00")
    client.patch(f"/api/v1/orders/{order.id}", json={"status": "cancelled"}, headers=headers)

    body = order_json(client, order.id, headers)

    assert (body["balance_due"], body["refundable"]) == ("-91.00", "91.00")


def test_cancelled_order_fully_refunded_is_refunded_and_settled(client, order, headers):
    pay(client, order.id, headers, "300.00")
    client.patch(f"/api/v1/orders/{order.id}", json={"status": "cancelled"}, headers=headers)

    response = refund(client, order.id, headers, "300.00", reason="cancelled")

    assert response.status_code == 201
    body = order_json(client, order.id, headers)
    assert (body["amount_paid"], body["payment_status"]) == ("0.00", "refunded")
    assert (body["balance_due"], body["refundable"]) == ("0.00", "0.00")


def test_giving_back_an_overpayment_leaves_the_order_paid(client, order, headers):
    pay(client, order.id, headers, "350.00")
    refund(client, order.id, headers, "50.00")
    body = order_json(client, order.id, headers)
    assert (body["amount_paid"], body["payment_status"], body["balance_due"]) == ("300.00", "paid", "0.00")


@pytest.mark.parametrize("paid, status", [("100.00", "confirmed"), ("300.00", "delivered")])
def test_a_refund_may_not_turn_into_a_debt(client, order, headers, paid, status):
    """Money given back beyond what the order is worth now would be asked for again."""
    pay(client, order.id, headers, paid)
    move(client, order.id, headers, status)

    response = refund(client, order.id, headers, "0.01", reason="returned")

    assert response.status_code == 422
    assert response.json["refundable"] == "0.00"
    assert "record the return first" in response.json["detail"]
    assert db.session.get(Order, order.id).amount_paid == Decimal(paid)


def test_a_payment_recorded_by_mistake_is_taken_back_with_a_correction(client, order, headers):
    pay(client, order.id, headers, "300.00")

    response = refund(client, order.id, headers, "300.00", reason="correction")

    assert response.status_code == 201
    assert order_json(client, order.id, headers)["balance_due"] == "300.00"


def test_a_correction_takes_back_at_most_what_was_paid(client, order, headers):
    pay(client, order.id, headers, "100.00")
    response = refund(client, order.id, headers, "100.01", reason="correction")
    assert response.status_code == 422
    assert "100.00" in response.json["detail"]
    assert db.session.get(Order, order.id).amount_paid == Decimal("100.00")


def test_a_refund_needs_a_reason(client, order, headers):
    pay(client, order.id, headers, "350.00")
    response = client.post(URL.format(order.id, "refunds"), json={"amount": "1.00"}, headers=headers)
    assert response.status_code == 422
    assert "reason" in response.json["errors"]


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
    response = refund(client, order.id, headers, "100.00", reason="cancelled")
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


def balance(client, customer_id, headers) -> dict:
    response = client.get(f"/api/v1/customers/{customer_id}", headers=headers)
    assert response.status_code == 200
    (found,) = response.json["balances"]
    return found


def test_overpayment_shows_as_customer_credit(client, order, headers):
    pay(client, order.id, headers, "350.00")
    move(client, order.id, headers, "delivered")
    assert balance(client, order.customer_id, headers) == {
        "currency": "TRY", "owed": "0.00", "deposits": "0.00", "credit": "50.00", "amount": "-50.00"}


def test_delivered_unpaid_order_is_owed_by_the_customer(client, order, headers):
    move(client, order.id, headers, "delivered")
    pay(client, order.id, headers, "100.00")
    assert balance(client, order.customer_id, headers) == {
        "currency": "TRY", "owed": "200.00", "deposits": "0.00", "credit": "0.00", "amount": "200.00"}


def test_half_paid_before_delivery_is_a_deposit_not_credit(client, order, headers):
    move(client, order.id, headers, "purchased")
    pay(client, order.id, headers, "150.00")
    body = order_json(client, order.id, headers)
    assert (body["balance_due"], body["refundable"]) == ("150.00", "0.00")
    assert balance(client, order.customer_id, headers) == {
        "currency": "TRY", "owed": "0.00", "deposits": "150.00", "credit": "0.00", "amount": "0.00"}


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


# --- money in another currency ---------------------------------------------------------------


@pytest.fixture
def dollar_order():
    """A pending order of 45.00 USD."""
    perfume = ProductFactory(price=Decimal("45.00"), currency="USD")
    return order_with_lines(perfume.seller, [(perfume, 1)])


def test_a_dollar_order_paid_in_lira_at_a_typed_rate_is_exact(client, dollar_order, auth):
    headers = auth(dollar_order.seller.owner)

    response = pay(client, dollar_order.id, headers, "١٥٣٠", currency="TRY", rate="٣٤", rate_per="USD")

    assert response.status_code == 201
    assert {k: response.json[k] for k in ("amount", "currency", "rate", "rate_per", "order_amount")} == {
        "amount": "1530.00", "currency": "TRY", "rate": "34", "rate_per": "USD", "order_amount": "45.00"}
    body = order_json(client, dollar_order.id, headers)
    assert (body["amount_paid"], body["balance_due"], body["payment_status"]) == ("45.00", "0.00", "paid")


@pytest.mark.parametrize("amount, currency, rate, rate_per, counted", [
    ("1000.00", "TRY", "34.25", "USD", "29.20"),   # 29.1970... rounds half-up to the cent
    ("100.01", "TRY", "2", "USD", "50.01"),        # 50.005: the half goes up
    ("10.00", "EUR", "1.08", "EUR", "10.80"),      # one euro is worth 1.08 dollars
])
def test_converted_amounts_round_once_half_up(client, dollar_order, auth, amount, currency, rate,
                                              rate_per, counted):
    response = pay(client, dollar_order.id, auth(dollar_order.seller.owner), amount, currency=currency,
                   rate=rate, rate_per=rate_per)

    assert response.status_code == 201
    assert response.json["order_amount"] == counted
    assert db.session.get(Order, dollar_order.id).amount_paid == Decimal(counted)


@pytest.mark.parametrize("extra, field", [
    ({"currency": "TRY"}, "rate"),                                     # no rate: never summed unconverted
    ({"currency": "TRY", "rate": "34"}, "rate"),                       # a rate without its unit
    ({"currency": "TRY", "rate": "34", "rate_per": "EUR"}, "rate"),    # neither currency
    ({"rate": "34", "rate_per": "USD"}, "rate"),                       # the order's own currency
    ({"currency": "TRY", "rate": "0", "rate_per": "USD"}, "rate"),
    ({"currency": "TRY", "rate": "34.1234567", "rate_per": "USD"}, "rate"),
    ({"currency": "SYP", "rate": "13000", "rate_per": "USD", "amount": "1"}, "amount"),  # under a cent
])
def test_money_in_another_currency_needs_a_rate_that_makes_sense(client, dollar_order, auth, extra, field):
    body = {"amount": "100.00", **extra}

    response = client.post(URL.format(dollar_order.id, "payments"), json=body,
                           headers=auth(dollar_order.seller.owner))

    assert response.status_code == 422
    assert field in response.json["errors"]
    assert db.session.get(Order, dollar_order.id).amount_paid == Decimal("0.00")


def test_a_refund_in_another_currency_is_converted_too(client, dollar_order, auth):
    headers = auth(dollar_order.seller.owner)
    pay(client, dollar_order.id, headers, "50.00")
    client.patch(f"/api/v1/orders/{dollar_order.id}", json={"status": "cancelled"}, headers=headers)

    response = refund(client, dollar_order.id, headers, "1700.00", reason="cancelled", currency="TRY",
                      rate="34", rate_per="USD")

    assert response.status_code == 201
    assert (response.json["amount"], response.json["order_amount"]) == ("-1700.00", "-50.00")
    assert order_json(client, dollar_order.id, headers)["amount_paid"] == "0.00"


# --- credit moved to another order -------------------------------------------------------------


@pytest.fixture
def two_orders():
    """A customer's two delivered orders of 300.00 TRY: the first paid 350.00, the second nothing."""
    product = ProductFactory(price=Decimal("150.00"))
    customer = CustomerFactory(seller=product.seller)
    first, second = (order_with_lines(product.seller, [(product, 2)], status=OrderStatus.delivered,
                                      customer=customer) for _ in range(2))
    add_payment(db.session, product.seller.owner, first, amount=Decimal("350.00"))
    db.session.commit()
    return first, second


def test_credit_pays_another_order_of_the_customer(client, auth, two_orders):
    first, second = two_orders
    headers = auth(first.seller.owner)

    response = client.post(URL.format(second.id, "credit"), json={}, headers=headers)

    assert response.status_code == 200
    assert (response.json["amount_paid"], response.json["balance_due"]) == ("50.00", "250.00")
    assert order_json(client, first.id, headers)["refundable"] == "0.00"
    moved = client.get(URL.format(second.id, "payments"), headers=headers).json
    assert [(p["method"], p["amount"], p["linked_order_id"]) for p in moved] == [("credit", "50.00", first.id)]
    back = client.get(URL.format(first.id, "payments"), headers=headers).json[-1]
    assert (back["reason"], back["amount"], back["linked_order_id"]) == ("moved", "-50.00", second.id)
    customer = client.get(f"/api/v1/customers/{first.customer_id}", headers=headers).json
    assert customer["balances"][0]["amount"] == "250.00"


def test_credit_moves_only_as_much_as_asked_and_left_to_pay(client, auth, two_orders):
    first, second = two_orders
    headers = auth(first.seller.owner)

    too_much = client.post(URL.format(second.id, "credit"), json={"amount": "60.00"}, headers=headers)
    some = client.post(URL.format(second.id, "credit"), json={"amount": "20.00", "from_order_id": first.id},
                       headers=headers)

    assert too_much.status_code == 422
    assert some.status_code == 200
    assert some.json["amount_paid"] == "20.00"


def test_a_deposit_never_moves_as_credit(client, auth):
    product = ProductFactory(price=Decimal("100.00"))
    customer = CustomerFactory(seller=product.seller)
    held = order_with_lines(product.seller, [(product, 1)], status=OrderStatus.confirmed, customer=customer)
    owed = order_with_lines(product.seller, [(product, 1)], status=OrderStatus.delivered, customer=customer)
    add_payment(db.session, product.seller.owner, held, amount=Decimal("60.00"))
    db.session.commit()

    response = client.post(URL.format(owed.id, "credit"), json={}, headers=auth(product.seller.owner))

    assert response.status_code == 422
    assert "no credit" in response.json["detail"]


def test_credit_of_another_customer_is_refused(client, auth, two_orders):
    first, _ = two_orders
    stranger = order_with_lines(first.seller, [(first.lines[0].product, 1)], status=OrderStatus.delivered)

    response = client.post(URL.format(stranger.id, "credit"), json={"from_order_id": first.id},
                           headers=auth(first.seller.owner))

    assert response.status_code == 422
    assert "from_order_id" in response.json["errors"]


def test_credit_from_another_shops_order_is_not_found(client, auth, two_orders):
    first, second = two_orders
    foreign = order_with_lines(SellerFactory(), [(ProductFactory(), 1)], status=OrderStatus.delivered)

    response = client.post(URL.format(second.id, "credit"), json={"from_order_id": foreign.id},
                           headers=auth(first.seller.owner))

    assert response.status_code == 404
    assert db.session.get(Order, second.id).amount_paid == Decimal("0.00")
