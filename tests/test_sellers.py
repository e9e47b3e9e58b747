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
