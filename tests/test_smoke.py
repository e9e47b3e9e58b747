from tests.factories import ProductFactory


def test_owner_lists_own_products(client, auth):
    product = ProductFactory()
    response = client.get("/api/v1/products", headers=auth(product.seller.owner))
    assert response.status_code == 200
    assert [p["id"] for p in response.json] == [product.id]
