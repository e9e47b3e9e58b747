"""The sales report: per currency, over local calendar days, for the shops the user works for."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from shared.extensions import db
from shared.models import MarketRunCost, MarketRunLumpSum, OrderStatus, RefundReason, Role
from shared.services.payments import add_payment, add_refund, apply_credit
from shared.services.returns import record_return
from tests.factories import (
    CustomerFactory, MarketRunFactory, ProductFactory, SellerFactory, UserFactory, order_with_lines,
)

URL = "/api/v1/reports/sales"
S = OrderStatus


def at(text: str) -> datetime:
    """A UTC instant: orders' created_at set explicitly, never the real clock."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def shop(seller):
    """Products of the seller: soap 10.00 TRY, cream 150.00 TRY, perfume 20.00 USD."""
    return {
        "soap": ProductFactory(seller=seller, name="Soap", price=Decimal("10.00")),
        "cream": ProductFactory(seller=seller, name="Cream", price=Decimal("150.00")),
        "perfume": ProductFactory(seller=seller, name="Perfume", price=Decimal("20.00"), currency="USD"),
    }


def paid(order, amount, when, **kwargs):
    """A payment recorded by the service, received at `when` (UTC)."""
    add_payment(db.session, order.seller.owner, order, amount=Decimal(amount), paid_at=at(when), **kwargs)
    db.session.commit()


EMPTY = {"refunded": "0.00", "returned": "0.00", "market_runs": 0, "market_cost": None,
         "market_margin": None}


def test_report_gives_each_currency_its_own_figures(client, auth, seller, shop):
    # Damascus is UTC+3: 2025-04-30T21:30Z is already 1 May there; 20:30Z is still 30 April.
    first = order_with_lines(seller, [(shop["soap"], 2), (shop["cream"], 1)], status=S.delivered,
                             created_at=at("2025-04-30T21:30:00"))
    paid(first, "170.00", "2025-05-02T10:00:00")
    second = order_with_lines(seller, [(shop["soap"], 5)], status=S.confirmed, created_at=at("2025-05-10T12:00:00"))
    paid(second, "20.00", "2025-05-10T12:00:00")
    order_with_lines(seller, [(shop["cream"], 9)], status=S.cancelled, created_at=at("2025-05-11T12:00:00"))
    order_with_lines(seller, [(shop["perfume"], 3)], status=S.pending, created_at=at("2025-05-31T20:59:00"))
    order_with_lines(seller, [(shop["soap"], 1)], status=S.delivered, created_at=at("2025-04-30T20:30:00"))
    order_with_lines(seller, [(shop["perfume"], 1)], status=S.delivered, created_at=at("2025-05-31T21:00:00"))

    response = client.get(f"{URL}?from=2025-05-01&to=2025-05-31", headers=auth(seller.owner))

    assert response.status_code == 200
    assert response.json == {"from": "2025-05-01", "to": "2025-05-31", "currencies": [
        {"currency": "TRY", "orders": 2, "revenue": "220.00", "delivered_revenue": "170.00",
         "collected": "190.00", **EMPTY, "top_products": [
             {"product_id": shop["soap"].id, "name": "Soap", "quantity": 7, "revenue": "70.00"},
             {"product_id": shop["cream"].id, "name": "Cream", "quantity": 1, "revenue": "150.00"},
         ]},
        {"currency": "USD", "orders": 1, "revenue": "60.00", "delivered_revenue": "0.00",
         "collected": "0.00", **EMPTY, "top_products": [
             {"product_id": shop["perfume"].id, "name": "Perfume", "quantity": 3, "revenue": "60.00"},
         ]},
    ]}


def test_collected_is_the_cash_received_in_the_period_whatever_the_order_date(client, auth, seller, shop):
    april = order_with_lines(seller, [(shop["cream"], 1)], status=S.delivered, created_at=at("2025-04-10T10:00:00"))
    paid(april, "150.00", "2025-05-03T10:00:00")          # an April order paid in May: May's cash
    may = order_with_lines(seller, [(shop["cream"], 1)], status=S.delivered, created_at=at("2025-05-10T10:00:00"))
    paid(may, "100.00", "2025-05-10T10:00:00")
    paid(may, "50.00", "2025-06-01T10:00:00")             # the rest came in June

    may_report = client.get(f"{URL}?from=2025-05-01&to=2025-05-31", headers=auth(seller.owner)).json
    june_report = client.get(f"{URL}?from=2025-06-01&to=2025-06-30", headers=auth(seller.owner)).json

    assert [(c["currency"], c["orders"], c["collected"]) for c in may_report["currencies"]] == [
        ("TRY", 1, "250.00")]
    assert [(c["currency"], c["orders"], c["collected"]) for c in june_report["currencies"]] == [
        ("TRY", 0, "50.00")]


def test_cash_in_another_currency_is_counted_in_the_currency_handed_over(client, auth, seller, shop):
    order = order_with_lines(seller, [(shop["perfume"], 1)], status=S.delivered, created_at=at("2025-05-10T10:00:00"))
    paid(order, "680.00", "2025-05-10T11:00:00", currency="TRY", rate=Decimal("34"), rate_per="USD")

    report = client.get(f"{URL}?from=2025-05-01&to=2025-05-31", headers=auth(seller.owner)).json

    assert [(c["currency"], c["revenue"], c["collected"]) for c in report["currencies"]] == [
        ("TRY", "0.00", "680.00"), ("USD", "20.00", "0.00")]


def test_returns_refunds_and_corrections_are_shown_and_credit_moves_are_not_cash(client, auth, seller, shop):
    customer = CustomerFactory(seller=seller)
    order = order_with_lines(seller, [(shop["cream"], 2)], status=S.delivered, customer=customer,
                             created_at=at("2025-05-02T10:00:00"))
    other = order_with_lines(seller, [(shop["soap"], 1)], status=S.delivered, customer=customer,
                             created_at=at("2025-05-02T10:00:00"))
    owner = seller.owner
    paid(order, "300.00", "2025-05-02T10:00:00")
    paid(other, "10.00", "2025-05-02T10:00:00")
    add_refund(db.session, owner, other, amount=Decimal("10.00"), reason=RefundReason.correction,
               paid_at=at("2025-05-03T10:00:00"))                      # recorded by mistake
    record_return(db.session, owner, order, lines=[{"product_id": shop["cream"].id, "quantity": 1}],
                  returned_at=at("2025-05-04T10:00:00"))
    add_refund(db.session, owner, order, amount=Decimal("100.00"), paid_at=at("2025-05-04T11:00:00"))
    apply_credit(db.session, owner, other)                               # 10.00 of the last 50 moves
    db.session.commit()

    report = client.get(URL, headers=auth(owner)).json

    (lira,) = report["currencies"]
    assert (lira["collected"], lira["refunded"], lira["returned"]) == ("300.00", "100.00", "150.00")
    assert (lira["revenue"], lira["top_products"][0]["quantity"]) == ("160.00", 1)


def test_market_runs_cost_and_margin_per_period(client, auth, seller, shop):
    may_run = MarketRunFactory(seller=seller, run_date=date(2025, 5, 16))
    order_with_lines(seller, [(shop["cream"], 2)], status=S.purchased, market_run_id=may_run.id)
    order_with_lines(seller, [(shop["perfume"], 1)], status=S.purchased, market_run_id=may_run.id)
    db.session.add_all([MarketRunCost(market_run=may_run, product=shop["cream"], currency="TRY",
                                      cost=Decimal("200.00")),
                        MarketRunLumpSum(market_run=may_run, currency="TRY", amount=Decimal("20.00"))])
    unpriced = MarketRunFactory(seller=seller, run_date=date(2025, 5, 23))
    order_with_lines(seller, [(shop["soap"], 1)], status=S.purchased, market_run_id=unpriced.id)
    june_run = MarketRunFactory(seller=seller, run_date=date(2025, 6, 1))
    db.session.add(MarketRunLumpSum(market_run=june_run, currency="TRY", amount=Decimal("99.00")))
    db.session.commit()

    report = client.get(f"{URL}?from=2025-05-01&to=2025-05-31", headers=auth(seller.owner)).json

    assert [(c["currency"], c["market_runs"], c["market_cost"], c["market_margin"])
            for c in report["currencies"]] == [("TRY", 2, "220.00", "80.00"), ("USD", 1, None, None)]


def test_report_without_dates_covers_every_order(client, auth, seller, shop):
    order_with_lines(seller, [(shop["soap"], 1)], created_at=at("2020-01-01T00:00:00"))
    order_with_lines(seller, [(shop["soap"], 1)], created_at=at("2030-01-01T00:00:00"))

    response = client.get(URL, headers=auth(seller.owner))

    assert response.status_code == 200
    assert (response.json["from"], response.json["to"]) == (None, None)
    assert [(c["currency"], c["orders"]) for c in response.json["currencies"]] == [("TRY", 2)]


def test_report_lists_the_five_products_sold_most(client, auth, seller):
    products = [ProductFactory(seller=seller, name=f"P{n}", price=Decimal("1.00")) for n in range(7)]
    order_with_lines(seller, [(product, n + 1) for n, product in enumerate(products)])

    response = client.get(URL, headers=auth(seller.owner))

    assert response.status_code == 200
    tops = response.json["currencies"][0]["top_products"]
    assert [(t["name"], t["quantity"]) for t in tops] == [
        ("P6", 7), ("P5", 6), ("P4", 5), ("P3", 4), ("P2", 3)]


def test_report_names_deleted_products_as_ordered_and_keeps_them_apart(client, auth, seller, shop):
    lotion = ProductFactory(seller=seller, name="Lotion", price=Decimal("5.00"))
    order_with_lines(seller, [(shop["soap"], 3), (shop["cream"], 2), (lotion, 1)])
    shop["cream"].name = "Night cream"
    db.session.delete(shop["soap"])
    db.session.delete(lotion)
    db.session.commit()

    response = client.get(URL, headers=auth(seller.owner))

    assert response.status_code == 200
    tops = response.json["currencies"][0]["top_products"]
    assert [(t["product_id"], t["name"], t["quantity"]) for t in tops] == [
        (None, "Soap", 3), (shop["cream"].id, "Night cream", 2), (None, "Lotion", 1)]


def test_report_refuses_from_after_to(client, auth, seller):
    response = client.get(f"{URL}?from=2025-06-01&to=2025-05-01", headers=auth(seller.owner))

    assert response.status_code == 422
    assert "to" in response.json["errors"]


def test_report_refuses_a_date_that_is_not_one(client, auth, seller):
    response = client.get(f"{URL}?from=yesterday", headers=auth(seller.owner))

    assert response.status_code == 422
    assert "from" in response.json["errors"]


def test_report_of_a_seller_excludes_other_sellers_orders(client, auth, seller, shop):
    other = SellerFactory()
    order_with_lines(other, [(ProductFactory(seller=other, price=Decimal("99.00")), 1)])
    order_with_lines(seller, [(shop["soap"], 1)])

    response = client.get(URL, headers=auth(seller.owner))

    assert response.status_code == 200
    assert [(c["orders"], c["revenue"]) for c in response.json["currencies"]] == [(1, "10.00")]


def test_report_of_a_shop_one_does_not_work_for_is_not_found(client, auth, seller):
    response = client.get(f"{URL}?seller_id={SellerFactory().id}", headers=auth(seller.owner))

    assert response.status_code == 404


@pytest.mark.parametrize("role, expected_orders", [(Role.coordinator, 1), (Role.admin, 2)])
def test_report_covers_the_shops_the_user_works_for(client, auth, role, expected_orders):
    user = UserFactory(role=role)
    client_shop = SellerFactory(coordinator=user, owner=None)
    order_with_lines(client_shop, [(ProductFactory(seller=client_shop), 1)])
    stranger = SellerFactory()
    order_with_lines(stranger, [(ProductFactory(seller=stranger), 1)])

    response = client.get(URL, headers=auth(user))

    assert response.status_code == 200
    assert [c["orders"] for c in response.json["currencies"]] == [expected_orders]


def test_report_for_one_client_of_a_coordinator(client, auth):
    coordinator = UserFactory(role=Role.coordinator)
    first, second = (SellerFactory(coordinator=coordinator, owner=None) for _ in range(2))
    order_with_lines(first, [(ProductFactory(seller=first, price=Decimal("5.00")), 1)])
    order_with_lines(second, [(ProductFactory(seller=second, price=Decimal("7.00")), 1)])

    response = client.get(f"{URL}?seller_id={second.id}", headers=auth(coordinator))

    assert response.status_code == 200
    assert [c["revenue"] for c in response.json["currencies"]] == ["7.00"]
