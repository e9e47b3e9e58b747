from decimal import Decimal

import pytest
import sqlalchemy as sa

from shared.extensions import db
from shared.models import Customer, OrderStatus, Role
from tests.factories import (
    CustomerFactory, ProductFactory, SellerFactory, UserFactory, order_with_lines,
)

URL = "/api/v1/customers"


@pytest.mark.parametrize("typed, stored", [
    ("+٩٦٣ ٩٤٤ ١١١ ٢٢٢", "+963944111222"),
    ("+90 532 111 22 33", "+905321112233"),
    ("0944 111 222", "+963944111222"),
    ("(0944) 111-222", "+963944111222"),
])
def test_phone_is_stored_in_e164(client, auth, typed, stored):
    seller = SellerFactory()
    response = client.post(URL, json={"name": "Umm Ahmad", "phone": typed}, headers=auth(seller.owner))
    assert response.status_code == 201
    assert response.json["phone"] == stored


@pytest.mark.parametrize("typed", ["not a phone", "123", "+963 1"])
def test_invalid_phone_is_422(client, auth, typed):
    seller = SellerFactory()
    response = client.post(URL, json={"name": "Umm Ahmad", "phone": typed}, headers=auth(seller.owner))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "phone" in response.json["errors"]


def test_customer_without_phone_is_allowed(client, auth):
    seller = SellerFactory()
    response = client.post(URL, json={"name": "Walk-in"}, headers=auth(seller.owner))
    assert response.status_code == 201
    assert response.json["phone"] is None


def test_duplicate_phone_is_409_naming_the_existing_customer(client, auth):
    existing = CustomerFactory(name="أم أحمد", phone="+963944111222")
    response = client.post(URL, json={"name": "Someone", "phone": "0944-111-222"},
                           headers=auth(existing.seller.owner))
    assert response.status_code == 409
    assert "أم أحمد" in response.json["detail"]
    assert response.json["existing_customer_id"] == existing.id


def test_same_phone_in_another_shop_is_fine(client, auth):
    CustomerFactory(phone="+963944111222")
    seller = SellerFactory()
    response = client.post(URL, json={"name": "X", "phone": "+963944111222"}, headers=auth(seller.owner))
    assert response.status_code == 201


def test_duplicate_phone_race_on_commit_is_409(auth, monkeypatch):
    """The check passed (a concurrent insert not yet visible), then the constraint fired."""
    from shared.errors import Conflict
    from shared.services import customers

    existing = CustomerFactory(phone="+963944111222")
    existing_id, owner = existing.id, existing.seller.owner
    monkeypatch.setattr(customers, "_check_phone_free", lambda *a, **k: None)
    with pytest.raises(Conflict) as caught:
        customers.create_customer(db.session, owner, {"name": "Late", "phone": "0944111222"})
    db.session.rollback()  # as the face does on a domain error
    assert caught.value.extra["existing_customer_id"] == existing_id


def test_patch_to_a_phone_another_customer_has_is_409(client, auth):
    first = CustomerFactory(phone="+963944111222")
    second = CustomerFactory(seller=first.seller, phone="+963944111333")
    response = client.patch(f"{URL}/{second.id}", json={"phone": "0944 111 222"},
                            headers=auth(first.seller.owner))
    assert response.status_code == 409
    assert response.json["existing_customer_id"] == first.id


def test_patch_normalises_phone(client, auth):
    customer = CustomerFactory()
    response = client.patch(f"{URL}/{customer.id}", json={"phone": "+90 532 111 22 33", "language": "en"},
                            headers=auth(customer.seller.owner))
    assert response.status_code == 200
    assert (response.json["phone"], response.json["language"]) == ("+905321112233", "en")


def test_list_is_newest_first_with_cursor_pages(client, auth):
    seller = SellerFactory()
    made = [CustomerFactory(seller=seller) for _ in range(3)]
    response = client.get(f"{URL}?limit=2", headers=auth(seller.owner))
    assert response.status_code == 200
    assert [c["id"] for c in response.json] == [made[2].id, made[1].id]
    next_url = response.headers["Link"].split(";")[0].strip("<>")
    response = client.get(next_url, headers=auth(seller.owner))
    assert [c["id"] for c in response.json] == [made[0].id]
    assert "Link" not in response.headers


@pytest.mark.parametrize("q", ["احمد", "أحمد", "ام احمد", "AHMAD", "0944 111", "944111"])
def test_search_by_arabic_name_or_phone(client, auth, q):
    seller = SellerFactory()
    wanted = CustomerFactory(seller=seller, name="أمّ أحمد Ahmad", phone="+963944111222")
    CustomerFactory(seller=seller, name="Layla", phone="+963955000000")
    response = client.get(URL, query_string={"q": q}, headers=auth(seller.owner))
    assert response.status_code == 200
    assert [c["id"] for c in response.json] == [wanted.id]


def test_balances_tell_owed_deposits_and_credit_apart_per_currency(client, auth):
    seller = SellerFactory()
    customer = CustomerFactory(seller=seller)
    lira = ProductFactory(seller=seller, price=Decimal("150.00"), currency="TRY")
    dollar = ProductFactory(seller=seller, price=Decimal("10.00"), currency="USD")
    order_with_lines(seller, [(lira, 2)], status=OrderStatus.delivered, customer=customer,
                     amount_paid=Decimal("100.00"))                    # owes 200 TRY
    order_with_lines(seller, [(lira, 1)], status=OrderStatus.pending, customer=customer,
                     amount_paid=Decimal("50.00"))                     # a deposit of 50 TRY
    order_with_lines(seller, [(lira, 1)], status=OrderStatus.cancelled, customer=customer,
                     amount_paid=Decimal("30.00"))                     # not refunded yet: credit
    order_with_lines(seller, [(dollar, 1)], status=OrderStatus.delivered, customer=customer,
                     amount_paid=Decimal("15.00"))                     # overpaid: 5 USD credit
    response = client.get(f"{URL}/{customer.id}", headers=auth(seller.owner))
    assert response.status_code == 200
    assert response.json["balances"] == [
        {"currency": "TRY", "owed": "200.00", "deposits": "50.00", "credit": "30.00", "amount": "170.00"},
        {"currency": "USD", "owed": "0.00", "deposits": "0.00", "credit": "5.00", "amount": "-5.00"},
    ]


def test_a_deposit_is_not_credit(client, auth):
    """Half paid on an order not yet delivered: held for that order, nothing owed, no credit."""
    seller = SellerFactory()
    customer = CustomerFactory(seller=seller)
    order_with_lines(seller, [(ProductFactory(seller=seller, price=Decimal("295.00")), 1)],
                     status=OrderStatus.purchased, customer=customer, amount_paid=Decimal("147.50"))

    response = client.get(f"{URL}/{customer.id}", headers=auth(seller.owner))

    assert response.status_code == 200
    assert response.json["balances"] == [
        {"currency": "TRY", "owed": "0.00", "deposits": "147.50", "credit": "0.00", "amount": "0.00"}]


def test_balances_of_a_page_take_one_query_and_match_each_orders_figures(client, auth, count_queries):
    """Summed per status and sign in SQL, they equal the sum of each order's own figures."""
    from shared.services import customers, orders

    seller = SellerFactory()
    product = ProductFactory(seller=seller, price=Decimal("100.00"))
    people = [CustomerFactory(seller=seller) for _ in range(3)]
    cases = [(OrderStatus.delivered, "30.00"), (OrderStatus.delivered, "130.00"),
             (OrderStatus.confirmed, "40.00"), (OrderStatus.confirmed, "250.00"),
             (OrderStatus.cancelled, "20.00"), (OrderStatus.pending, "0.00")]
    made = [order_with_lines(seller, [(product, 1)], status=status, customer=people[n % 3],
                             amount_paid=Decimal(paid)) for n, (status, paid) in enumerate(cases * 2)]
    each = [(o.customer_id, orders.with_figures(o).figures) for o in made]
    people_ids = [p.id for p in people]

    with count_queries() as queries:
        found = customers.balances_of(db.session, people_ids)

    assert queries.count == 1
    for person_id in people_ids:
        figures = [f for customer_id, f in each if customer_id == person_id]
        (balance,) = found[person_id]
        assert (balance.owed, balance.deposits, balance.credit) == (
            sum(f.owed for f in figures), sum(f.deposit for f in figures), sum(f.refundable for f in figures))


@pytest.mark.parametrize("q", ["22 33", "2233", "٢٢٣٣", "+90 532 111 22 33", "0532 111 2233",
                               "00905321112233"])
def test_customers_are_found_by_the_last_digits_or_any_writing_of_the_phone(client, auth, q):
    seller = SellerFactory(phone_region="TR")
    wanted = CustomerFactory(seller=seller, name="Hiba", phone="+905321112233")
    CustomerFactory(seller=seller, name="Layla", phone="+905329998877")
    response = client.get(URL, query_string={"q": q}, headers=auth(seller.owner))
    assert response.status_code == 200
    assert [c["id"] for c in response.json] == [wanted.id]


def test_customer_without_orders_has_no_balances(client, auth):
    customer = CustomerFactory()
    response = client.get(f"{URL}/{customer.id}", headers=auth(customer.seller.owner))
    assert response.status_code == 200
    assert response.json["balances"] == []


def test_list_balances_take_one_query_for_the_page(app, client, auth, count_queries):
    few, many = SellerFactory(), SellerFactory()
    for seller, customers in ((few, 1), (many, 20)):
        product = ProductFactory(seller=seller)
        for _ in range(customers):
            order_with_lines(seller, [(product, 1)], status=OrderStatus.delivered)
    counts = []
    for headers in (auth(few.owner), auth(many.owner)):
        with app.app_context(), count_queries() as counter:  # a new request context, as in production
            response = client.get(f"{URL}?limit=100", headers=headers)
        assert response.status_code == 200
        counts.append((len(response.json), counter.count))
    assert counts[0][0] == 1 and counts[1][0] == 20
    assert counts[0][1] == counts[1][1]


def test_delete_customer_without_orders(client, auth):
    customer = CustomerFactory()
    response = client.delete(f"{URL}/{customer.id}", headers=auth(customer.seller.owner))
    assert response.status_code == 204
    assert db.session.get(Customer, customer.id) is None


def test_delete_customer_with_orders_is_409(client, auth):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)])
    response = client.delete(f"{URL}/{order.customer_id}", headers=auth(product.seller.owner))
    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 1


def test_seller_id_required_when_working_for_several_shops(client, auth):
    coordinator = UserFactory(role=Role.coordinator)
    SellerFactory(owner=None, coordinator=coordinator)
    SellerFactory(owner=None, coordinator=coordinator)
    response = client.post(URL, json={"name": "X"}, headers=auth(coordinator))
    assert response.status_code == 422
    assert "seller_id" in response.json["errors"]


@pytest.mark.parametrize("method, suffix", [
    ("get", ""), ("patch", ""), ("delete", ""),
])
def test_other_shops_customers_are_404(client, auth, method, suffix):
    customer = CustomerFactory()
    stranger = SellerFactory().owner
    kwargs = {"json": {"name": "Mine now"}} if method == "patch" else {}
    response = getattr(client, method)(f"{URL}/{customer.id}{suffix}", headers=auth(stranger), **kwargs)
    assert response.status_code == 404


def test_other_shops_customers_are_not_listed(client, auth):
    CustomerFactory()
    stranger = SellerFactory().owner
    response = client.get(URL, headers=auth(stranger))
    assert response.status_code == 200
    assert response.json == []


def test_coordinator_sees_only_its_clients_customers(client, auth):
    coordinator = UserFactory(role=Role.coordinator)
    client_shop = SellerFactory(owner=None, coordinator=coordinator)
    mine = CustomerFactory(seller=client_shop)
    CustomerFactory()
    response = client.get(URL, headers=auth(coordinator))
    assert response.status_code == 200
    assert [c["id"] for c in response.json] == [mine.id]


# --- phones from two countries -------------------------------------------------------------


def test_a_local_turkish_number_in_a_turkish_shop_is_stored_in_full(client, auth):
    seller = SellerFactory(phone_region="TR")

    response = client.post(URL, json={"name": "Hiba", "phone": "0532 123 45 67"}, headers=auth(seller.owner))

    assert response.status_code == 201
    assert response.json["phone"] == "+905321234567"


def test_the_same_local_number_in_a_syrian_shop_is_refused_with_a_syrian_example(client, auth):
    seller = SellerFactory(phone_region="SY")

    response = client.post(URL, json={"name": "Hiba", "phone": "0532 123 45 67"}, headers=auth(seller.owner))

    assert response.status_code == 422
    assert "+963 944 567 890" in response.json["errors"]["phone"][0]


def test_an_error_shows_an_example_number_of_the_shops_country(client, auth):
    seller = SellerFactory(phone_region="TR")

    response = client.post(URL, json={"name": "Hiba", "phone": "not a phone"}, headers=auth(seller.owner))

    assert response.status_code == 422
    assert "+90 501 234 56 78" in response.json["errors"]["phone"][0]


def test_an_order_typed_with_a_local_turkish_number_finds_its_customer(client, auth):
    seller = SellerFactory(phone_region="TR")
    hiba = CustomerFactory(seller=seller, phone="+905321234567")
    product = ProductFactory(seller=seller)

    response = client.post("/api/v1/orders", headers=auth(seller.owner), json={
        "customer": {"name": "Hiba", "phone": "0532 123 45 67"},
        "lines": [{"product_id": product.id, "quantity": 1}]})

    assert response.status_code == 201
    assert response.json["customer"]["id"] == hiba.id


def test_a_customers_phone_change_is_read_in_the_shops_country(client, auth):
    customer = CustomerFactory(seller=SellerFactory(phone_region="TR"))

    response = client.patch(f"{URL}/{customer.id}", json={"phone": "0532 123 45 67"},
                            headers=auth(customer.seller.owner))

    assert response.status_code == 200
    assert response.json["phone"] == "+905321234567"

