"""Products: money as decimal strings, Arabic-Indic digits, Arabic-folded search."""
from decimal import Decimal

import pytest

from tests.factories import ProductFactory, SellerFactory


def create(client, headers, **fields):
    body = {"name": "كريم", "price": "150.00", "currency": "TRY", **fields}
    return client.post("/api/v1/products", json=body, headers=headers)


def test_create_product_in_my_only_shop_without_naming_it(client, headers, shop):
    response = create(client, headers)

    assert response.status_code == 201
    assert response.json["seller_id"] == shop.id
    assert response.json["price"] == "150.00" and response.json["currency"] == "TRY"


def test_a_user_with_several_shops_must_say_which(client, headers, shop):
    SellerFactory(owner=shop.owner)

    response = create(client, headers)

    assert response.status_code == 422
    assert "seller_id" in response.json["errors"]


@pytest.mark.parametrize("typed, stored", [
    ("١٥٠", "150.00"),
    ("١٥٠٫٥", "150.50"),
    ("١٥٠.٥", "150.50"),
    ("۱۲۰", "120.00"),
    ("0.5", "0.50"),
    ("0", "0.00"),
    ("9999999999.99", "9999999999.99"),
])
def test_price_accepts_arabic_indic_digits_and_the_arabic_point(client, headers, typed, stored):
    response = create(client, headers, price=typed)

    assert response.status_code == 201
    assert response.json["price"] == stored


@pytest.mark.parametrize("price, message", [
    ("-1", "Must not be negative."),
    ("abc", "Not a valid amount"),
    ("1.005", "at most two decimal places"),
    ("12345678901", "Too large"),
    ("NaN", "Not a valid amount"),
    (None, "may not be null"),
    (True, "Not a valid amount"),
    # One way to write an amount, the one the pattern in the OpenAPI document shows:
    (99.9, "Not a valid amount"),  # a JSON number: a float may have lost cents on the way
    (150, "Not a valid amount"),
    ("1e3", "Not a valid amount"),
    ("+5", "Not a valid amount"),
    ("  75 ", "Not a valid amount"),
    ("٢٬٥٠٠", "Not a valid amount"),
    ("1,500", "Not a valid amount"),
    ("0150", "Not a valid amount"),
    ("5.", "Not a valid amount"),
    (".5", "Not a valid amount"),
    ("5\n", "Not a valid amount"),
])
def test_bad_price_is_422_problem(client, headers, price, message):
    response = create(client, headers, price=price)

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert message in response.json["errors"]["price"][0]
    assert "price" in response.json["detail"]


def test_unknown_currency_is_422(client, headers):
    response = create(client, headers, currency="BTC")

    assert response.status_code == 422
    assert "currency" in response.json["errors"]


def test_currency_is_case_insensitive(client, headers):
    assert create(client, headers, currency="usd").json["currency"] == "USD"


def test_unknown_field_is_refused(client, headers):
    response = create(client, headers, colour="red")

    assert response.status_code == 422
    assert "colour" in response.json["errors"]


def test_update_changes_only_sent_fields(client, headers, shop):
    product = ProductFactory(seller=shop, name="Lipstick", price=Decimal("85.00"))

    response = client.patch(f"/api/v1/products/{product.id}", json={"price": "٩٠"}, headers=headers)

    assert response.status_code == 200
    assert response.json["price"] == "90.00"
    assert response.json["name"] == "Lipstick"


def test_delete_product(client, headers, shop):
    product = ProductFactory(seller=shop)

    assert client.delete(f"/api/v1/products/{product.id}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/products/{product.id}", headers=headers).status_code == 404


@pytest.mark.parametrize("query, expected", [
    ("مرطب", {"كريم مرطّب للوجه"}),          # shadda in the stored name
    ("احمر", {"أحمر شفاه"}),                 # hamza on alef
    ("أحمر", {"أحمر شفاه"}),
    ("مدرسه", {"حقيبة مدرسة"}),              # ta marbuta
    ("مستشفي", {"عطر مستشفى"}),              # alef maqsura
    ("كريم", {"كريم مرطّب للوجه", "كــريم يدين"}),  # tatweel
    ("LIPSTICK", {"Red lipstick"}),
    ("crème", {"Crème de jour"}),
    ("creme", {"Crème de jour"}),
    ("100%", set()),                           # LIKE wildcards are literal
])
def test_search_folds_arabic_and_latin(client, headers, shop, query, expected):
    for name in ["كريم مرطّب للوجه", "أحمر شفاه", "حقيبة مدرسة", "عطر مستشفى", "كــريم يدين",
                 "Red lipstick", "Crème de jour"]:
        ProductFactory(seller=shop, name=name)

    response = client.get("/api/v1/products", query_string={"q": query}, headers=headers)

    assert response.status_code == 200
    assert {p["name"] for p in response.json} == expected


def test_search_finds_words_in_the_description(client, headers, shop):
    ProductFactory(seller=shop, name="Serum", description="فيتامين سي")

    response = client.get("/api/v1/products", query_string={"q": "فيتامين"}, headers=headers)

    assert [p["name"] for p in response.json] == ["Serum"]


def test_filter_available(client, headers, shop):
    ProductFactory(seller=shop, name="in stock")
    ProductFactory(seller=shop, name="sold out", available=False)

    response = client.get("/api/v1/products?available=false", headers=headers)

    assert [p["name"] for p in response.json] == ["sold out"]


def test_photo_url_must_be_http(client, headers):
    response = create(client, headers, photo_url="javascript:alert(1)")

    assert response.status_code == 422
    assert "photo_url" in response.json["errors"]


def test_product_list_runs_the_same_queries_for_1_and_50_items(client, auth, count_queries):
    small, big = SellerFactory(), SellerFactory()
    ProductFactory(seller=small)
    ProductFactory.create_batch(50, seller=big)
    small_headers, big_headers = auth(small.owner), auth(big.owner)

    with count_queries() as one:
        assert len(client.get("/api/v1/products?limit=100", headers=small_headers).json) == 1
    with count_queries() as fifty:
        assert len(client.get("/api/v1/products?limit=100", headers=big_headers).json) == 50

    assert one.count == fifty.count


def test_an_ordered_product_cannot_be_deleted_but_can_be_hidden(client, headers, shop):
    from tests.factories import order_with_lines

    product = ProductFactory(seller=shop)
    order_with_lines(shop, [(product, 1)])

    refused = client.delete(f"/api/v1/products/{product.id}", headers=headers)
    hidden = client.patch(f"/api/v1/products/{product.id}", json={"available": False}, headers=headers)

    assert refused.status_code == 409
    assert "Mark it unavailable" in refused.json["detail"]
    assert hidden.status_code == 200 and hidden.json["available"] is False
