"""Sellers: WhatsApp phones normalised, a shop with books cannot be deleted."""
import pytest

from shared.models import Role
from tests.factories import ProductFactory, SellerFactory, UserFactory, order_with_lines


@pytest.mark.parametrize("typed, stored", [
    ("0944 111 222", "+963944111222"),
    ("+٩٠ ٥٣٢ ١١١ ٢٢ ٣٣", "+905321112233"),
    (None, None),
])
def test_whatsapp_phone_is_normalised(client, auth, typed, stored):
    response = client.post("/api/v1/sellers", json={"name": "ريم", "whatsapp_phone": typed},
                           headers=auth(UserFactory(role=Role.seller)))

    assert response.status_code == 201
    assert response.json["whatsapp_phone"] == stored


def test_garbage_whatsapp_phone_is_422(client, auth):
    shop = SellerFactory()

    response = client.patch(f"/api/v1/sellers/{shop.id}", json={"whatsapp_phone": "garbage"},
                            headers=auth(shop.owner))

    assert response.status_code == 422
    assert "whatsapp_phone" in response.json["errors"]


def test_a_shop_with_orders_cannot_be_deleted(client, auth):
    product = ProductFactory()
    order_with_lines(product.seller, [(product, 1)])

    response = client.delete(f"/api/v1/sellers/{product.seller.id}", headers=auth(product.seller.owner))

    assert response.status_code == 409
    assert "1 order" in response.json["detail"]
    assert client.get(f"/api/v1/sellers/{product.seller.id}",
                      headers=auth(product.seller.owner)).status_code == 200


def test_a_shop_without_orders_is_deleted_with_its_catalogue(client, auth):
    product = ProductFactory()
    headers, shop_id, product_id = auth(product.seller.owner), product.seller.id, product.id

    response = client.delete(f"/api/v1/sellers/{shop_id}", headers=headers)

    assert response.status_code == 204
    assert client.get(f"/api/v1/sellers/{shop_id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/products/{product_id}", headers=headers).status_code == 404


@pytest.mark.parametrize("q", ["ابو خليل", "أبو", "sarmada", "0944 200 001", "٠٩٤٤٢٠٠٠٠١"])
def test_sellers_are_found_by_name_area_or_whatsapp_number(client, auth, q):
    zeina = UserFactory(role=Role.coordinator)
    found = SellerFactory(owner=None, coordinator=zeina, name="مطعم أبو خليل", area="Sarmada",
                          whatsapp_phone="+963944200001")
    SellerFactory(owner=None, coordinator=zeina, name="بوتيك ياسمين", area="Azaz", whatsapp_phone="+963944200003")

    response = client.get("/api/v1/sellers", query_string={"q": q}, headers=auth(zeina))

    assert response.status_code == 200
    assert [seller["id"] for seller in response.json] == [found.id]


def test_a_renamed_shop_is_found_by_its_new_name(client, auth):
    seller = SellerFactory(name="Old name")
    headers = auth(seller.owner)
    client.patch(f"/api/v1/sellers/{seller.id}", json={"name": "حلويات السعادة"}, headers=headers)

    response = client.get("/api/v1/sellers", query_string={"q": "السعاده"}, headers=headers)

    assert [found["id"] for found in response.json] == [seller.id]


# --- the country a shop reads phone numbers in ----------------------------------------------


def test_a_new_shop_reads_phones_in_the_servers_country_unless_it_says(client, auth):
    headers = auth(UserFactory(role=Role.seller))

    default = client.post("/api/v1/sellers", json={"name": "ريم"}, headers=headers)
    turkish = client.post("/api/v1/sellers", json={"name": "Hiba", "phone_region": "tr",
                                                   "whatsapp_phone": "0532 123 45 67"}, headers=headers)

    assert (default.status_code, default.json["phone_region"]) == (201, "SY")
    assert turkish.status_code == 201
    assert (turkish.json["phone_region"], turkish.json["whatsapp_phone"]) == ("TR", "+905321234567")


def test_the_default_country_comes_from_the_configuration(app, client, auth):
    app.config["DEFAULT_PHONE_REGION"] = "TR"
    try:
        response = client.post("/api/v1/sellers", json={"name": "Gaziantep shop"},
                               headers=auth(UserFactory(role=Role.seller)))
    finally:
        app.config["DEFAULT_PHONE_REGION"] = "SY"

    assert response.json["phone_region"] == "TR"


def test_a_shop_can_move_to_another_country_for_new_numbers(client, auth):
    shop = SellerFactory(whatsapp_phone="+963944111222")

    response = client.patch(f"/api/v1/sellers/{shop.id}", json={"phone_region": "TR",
                                                                "whatsapp_phone": "0532 123 45 67"},
                            headers=auth(shop.owner))

    assert response.status_code == 200
    assert (response.json["phone_region"], response.json["whatsapp_phone"]) == ("TR", "+905321234567")


@pytest.mark.parametrize("region", ["XX", "Turkey", "", "9"])
def test_an_unknown_country_is_422(client, auth, region):
    shop = SellerFactory()

    response = client.patch(f"/api/v1/sellers/{shop.id}", json={"phone_region": region},
                            headers=auth(shop.owner))

    assert response.status_code == 422
    assert "phone_region" in response.json["errors"]
