from tests.factories import ProductFactory


def test_owner_lists_own_products(client, auth):
    product = ProductFactory()
    response = client.get("/api/v1/products", headers=auth(product.seller.owner))
    assert response.status_code == 200
    assert [p["id"] for p in response.json] == [product.id]


def test_order_factory_builds_an_order_with_total():
    from decimal import Decimal

    from tests.factories import order_with_lines

    product = ProductFactory(price=Decimal("12.50"))
    order = order_with_lines(product.seller, [(product, 3)])
    assert order.total == Decimal("37.50")
    assert order.customer.seller_id == product.seller_id
