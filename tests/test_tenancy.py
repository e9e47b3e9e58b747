"""Tenancy: a principal never sees or changes another tenant's sellers and products."""
import pytest
import sqlalchemy as sa

from shared.extensions import db
from shared.models import Product, Role, Seller
from tests.factories import ProductFactory, SellerFactory, UserFactory


@pytest.fixture
def reem_shop():
    return SellerFactory(name="Reem beauty")


@pytest.fixture
def other_seller():
    return UserFactory(role=Role.seller)


def test_second_seller_lists_nothing_of_the_first(client, auth, reem_shop, other_seller):
    ProductFactory(seller=reem_shop)

    sellers = client.get("/api/v1/sellers", headers=auth(other_seller))
    products = client.get("/api/v1/products", headers=auth(other_seller))

    assert sellers.status_code == products.status_code == 200
    assert sellers.json == [] and products.json == []


def test_filtering_by_another_sellers_id_shows_nothing(client, auth, reem_shop, other_seller):
    ProductFactory(seller=reem_shop)

    response = client.get(f"/api/v1/products?seller_id={reem_shop.id}", headers=auth(other_seller))

    assert response.status_code == 200
    assert response.json == []


@pytest.mark.parametrize("method, path, body", [
    ("get", "/api/v1/sellers/{seller}", None),
    ("patch", "/api/v1/sellers/{seller}", {"name": "mine now"}),
    ("delete", "/api/v1/sellers/{seller}", None),
    ("get", "/api/v1/products/{product}", None),
    ("patch", "/api/v1/products/{product}", {"price": "1.00"}),
    ("delete", "/api/v1/products/{product}", None),
    ("post", "/api/v1/products", {"seller_id": "{seller}", "name": "x", "price": "1", "currency": "TRY"}),
])
def test_second_seller_cannot_touch_the_first_sellers_shop(client, auth, reem_shop, other_seller,
                                                         method, path, body):
    product = ProductFactory(seller=reem_shop, price="50.00")
    ids = {"seller": reem_shop.id, "product": product.id}
    if body:
        body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()}

    response = getattr(client, method)(path.format(**ids), json=body, headers=auth(other_seller))

    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    db.session.expire_all()
    assert db.session.get(Seller, reem_shop.id).name == "Reem beauty"
    assert db.session.scalars(sa.select(Product.price)).all() == [product.price]


def test_coordinator_sees_only_her_clients(client, auth):
    zeina = UserFactory(role=Role.coordinator)
    other = UserFactory(role=Role.coordinator)
    mine = SellerFactory(owner=None, coordinator=zeina)
    SellerFactory(owner=None, coordinator=other)
    SellerFactory()  # a seller's own shop

    response = client.get("/api/v1/sellers", headers=auth(zeina))

    assert response.status_code == 200
    assert [s["id"] for s in response.json] == [mine.id]


def test_coordinator_creates_client_sellers_she_manages(client, auth):
    zeina = UserFactory(role=Role.coordinator)

    response = client.post("/api/v1/sellers", json={"name": "فلافل الشام", "category": "food"},
                           headers=auth(zeina))

    assert response.status_code == 201
    assert response.json["coordinator_id"] == zeina.id
    assert response.json["owner_id"] is None


def test_seller_user_owns_the_shop_it_creates(client, auth):
    reem = UserFactory(role=Role.seller)

    response = client.post("/api/v1/sellers", json={"name": "ريم"}, headers=auth(reem))

    assert response.status_code == 201
    assert response.json["owner_id"] == reem.id


def test_admin_sees_every_seller(client, auth):
    SellerFactory.create_batch(2)

    response = client.get("/api/v1/sellers", headers=auth(UserFactory(role=Role.admin)))

    assert response.status_code == 200
    assert len(response.json) == 2


def test_promoter_cannot_create_a_seller(client, auth):
    response = client.post("/api/v1/sellers", json={"name": "x"},
                           headers=auth(UserFactory(role=Role.promoter)))

    assert response.status_code == 403
    assert response.content_type == "application/problem+json"


def test_coordinator_manages_her_clients_products(client, auth):
    zeina = UserFactory(role=Role.coordinator)
    client_shop = SellerFactory(owner=None, coordinator=zeina)

    response = client.post("/api/v1/products", headers=auth(zeina), json={
        "seller_id": client_shop.id, "name": "شاورما", "price": "40", "currency": "TRY"})

    assert response.status_code == 201
    assert response.json["seller_id"] == client_shop.id
