from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest

from shared.extensions import db
from shared.models import Language, OrderStatus, Role
from shared.services import whatsapp
from tests.factories import (
    CustomerFactory, ProductFactory, SellerFactory, UserFactory, order_with_lines,
)


def _order(language=Language.ar, phone="+963944111222", **kwargs):
    seller = SellerFactory(name="ريم للتجميل")
    cream = ProductFactory(seller=seller, name="كريم مرطّب", price=Decimal("150.00"))
    soap = ProductFactory(seller=seller, name="Soap", price=Decimal("20.50"))
    customer = CustomerFactory(seller=seller, name="أم أحمد", phone=phone, language=language)
    return order_with_lines(seller, [(cream, 2), (soap, 1)], customer=customer, number=12, **kwargs)


def test_arabic_order_confirmation(client, auth):
    order = _order()
    response = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(order.seller.owner))
    assert response.status_code == 200
    text = response.json["text"]
    assert text.startswith("مرحباً أم أحمد،")
    assert "*ريم للتجميل*" in text
    assert "رقم الطلب: 12" in text
    assert "• 2 × كريم مرطّب: 300.00 ل.ت (150.00 ل.ت للقطعة)" in text
    assert "• 1 × Soap: 20.50 ل.ت" in text
    assert "المجموع: *320.50 ل.ت*" in text


def test_english_order_confirmation(client, auth):
    order = _order(language=Language.en)
    response = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(order.seller.owner))
    assert response.status_code == 200
    text = response.json["text"]
    assert text.startswith("Hello أم أحمد,")
    assert "Order no. 12" in text
    assert "• 2 × كريم مرطّب: 300.00 TRY (150.00 TRY each)" in text
    assert "Total: *320.50 TRY*" in text


def test_confirmation_shows_what_is_left_to_pay(client, auth):
    order = _order(language=Language.en, amount_paid=Decimal("100.00"))
    response = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(order.seller.owner))
    assert response.status_code == 200
    assert "Paid: 100.00 TRY\nLeft to pay: 220.50 TRY" in response.json["text"]


def test_url_opens_a_chat_with_the_customer_and_the_text(client, auth):
    order = _order()
    response = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(order.seller.owner))
    assert response.status_code == 200
    url = urlparse(response.json["url"])
    assert (url.scheme, url.netloc, url.path) == ("https", "wa.me", "/963944111222")
    assert parse_qs(url.query)["text"] == [response.json["text"]]


def test_customer_without_phone_has_no_url(client, auth):
    order = _order(phone=None)
    response = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(order.seller.owner))
    assert response.status_code == 200
    assert response.json["url"] is None
    assert response.json["text"]


@pytest.mark.parametrize("lang, expected", [
    ("ar", "*ريم للتجميل* — قائمة الأسعار\n\n• Soap: 20.50 ل.ت\n• كريم: 150.00 ل.ت\n\n"
           "للطلب أرسل اسم المنتج والكمية."),
    ("en", "*ريم للتجميل* — price list\n\n• Soap: 20.50 TRY\n• كريم: 150.00 TRY\n\n"
           "To order, reply with the product name and quantity."),
])
def test_catalogue_text_lists_available_products_with_prices(client, auth, lang, expected):
    seller = SellerFactory(name="ريم للتجميل")
    ProductFactory(seller=seller, name="كريم", price=Decimal("150.00"))
    ProductFactory(seller=seller, name="Soap", price=Decimal("20.50"))
    ProductFactory(seller=seller, name="Sold out", available=False)
    response = client.get(f"/api/v1/sellers/{seller.id}/catalogue/whatsapp", query_string={"lang": lang},
                          headers=auth(seller.owner))
    assert response.status_code == 200
    assert response.json["text"] == expected


def test_empty_catalogue_says_so(client, auth):
    seller = SellerFactory(name="Shop")
    response = client.get(f"/api/v1/sellers/{seller.id}/catalogue/whatsapp?lang=en", headers=auth(seller.owner))
    assert response.status_code == 200
    assert "No products are available" in response.json["text"]


def test_catalogue_message_is_the_whole_answer_with_no_url():
    seller = SellerFactory(name="Shop")
    message = whatsapp.catalogue_message(db.session, seller.owner, seller.id, Language.en)
    assert message == {"text": whatsapp.catalogue_text(seller, [], Language.en), "url": None}


def test_unknown_language_is_422(client, auth):
    seller = SellerFactory()
    response = client.get(f"/api/v1/sellers/{seller.id}/catalogue/whatsapp?lang=fr", headers=auth(seller.owner))
    assert response.status_code == 422


@pytest.mark.parametrize("what", ["order", "catalogue"])
def test_another_shop_cannot_read_the_texts(client, auth, what):
    order = _order()
    url = (f"/api/v1/orders/{order.id}/whatsapp" if what == "order"
           else f"/api/v1/sellers/{order.seller_id}/catalogue/whatsapp")
    response = client.get(url, headers=auth(SellerFactory().owner))
    assert response.status_code == 404


def test_coordinator_reads_its_clients_order_text(client, auth):
    coordinator = UserFactory(role=Role.coordinator)
    order = _order()
    order.seller.coordinator = coordinator
    db.session.commit()
    response = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(coordinator))
    assert response.status_code == 200


@pytest.mark.parametrize("status, lang, phrase", [
    (OrderStatus.pending, Language.ar, None),
    (OrderStatus.confirmed, Language.ar, "طلبك مؤكد"),
    (OrderStatus.cancelled, Language.ar, "تم إلغاء هذا الطلب"),
    (OrderStatus.delivered, Language.en, "was delivered"),
])
def test_message_says_where_the_order_is(client, auth, status, lang, phrase):
    product = ProductFactory()
    order = order_with_lines(product.seller, [(product, 1)], status=status,
                             customer=CustomerFactory(seller=product.seller, language=lang))

    response = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(product.seller.owner))

    assert response.status_code == 200
    text = response.json["text"]
    if phrase:
        assert phrase in text
    else:
        assert not any(mark in text for mark in ("✅", "🛍️", "📦", "❌"))


def test_a_cancelled_paid_order_asks_for_nothing_and_says_what_goes_back(client, auth):
    order = _order(language=Language.en, status=OrderStatus.cancelled, amount_paid=Decimal("91.00"))

    response = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(order.seller.owner))

    assert response.status_code == 200
    text = response.json["text"]
    assert "Left to pay" not in text
    assert "Paid: 91.00 TRY\nTo give back to you: 91.00 TRY" in text


def test_an_overpaid_order_shows_the_customers_credit(client, auth):
    order = _order(amount_paid=Decimal("350.00"), status=OrderStatus.delivered)

    text = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(order.seller.owner)).json["text"]

    assert "رصيدك لدينا: 29.50 ل.ت" in text and "المتبقي" not in text


def test_names_stored_before_cleaning_lose_their_bidi_overrides_in_the_text(client, auth):
    """A row written before the schemas cleaned names: the text is cleaned on the way out too."""
    seller = SellerFactory(name="ريم\u202e للتجميل")
    product = ProductFactory(seller=seller, name="كريم\u202e 300.00", price=Decimal("10.00"))
    customer = CustomerFactory(seller=seller, name="Nour\u2066\x07")
    order = order_with_lines(seller, [(product, 1)], customer=customer)

    text = client.get(f"/api/v1/orders/{order.id}/whatsapp", headers=auth(seller.owner)).json["text"]

    assert not {"\u202e", "\u2066", "\x07"} & set(text)
    assert "كريم 300.00" in text and "ريم للتجميل" in text
