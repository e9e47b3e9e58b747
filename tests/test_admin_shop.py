"""Reem's own books in the admin, through Flask's test client: products, customers and the
sales report, with the API's scoping (another shop's rows are a 404 page)."""
from decimal import Decimal

import pytest

from shared.extensions import db
from shared.models import Language, OrderStatus, Product, Role
from tests.factories import CustomerFactory, ProductFactory, SellerFactory, UserFactory, order_with_lines
from tests.test_admin import HTMX, csrf_token, log_in


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def reem(client):
    owner = UserFactory(role=Role.seller, language=Language.en)
    seller = SellerFactory(owner=owner, name="ريم للتجميل")
    product = ProductFactory(seller=seller, name="كريم مرطّب", price=Decimal("150.00"))
    customer = CustomerFactory(seller=seller, name="أم أحمد", phone="+963944111301")
    order_with_lines(seller, [(product, 2)], customer=customer, status=OrderStatus.confirmed)
    assert log_in(client, owner).status_code == 303
    return {"seller": seller, "product": product, "customer": customer}


def test_reem_sees_her_products_and_finds_one_as_she_types(client, reem):
    other = ProductFactory(name="زيت زيتون")

    html = _html(client.get("/admin/products"))
    assert "كريم مرطّب" in html and "زيت زيتون" not in html
    rows = _html(client.get("/admin/products?q=مرطب", headers={**HTMX, "HX-Target": "rows"}))
    assert rows.lstrip().startswith('<ul class="rows" id="rows"') and "كريم مرطّب" in rows
    assert client.get(f"/admin/products/{other.id}").status_code == 404


def test_reem_adds_and_reprices_a_product_without_javascript(client, reem):
    token = csrf_token(client, "/admin/products/new")
    refused = client.post("/admin/products/new", data={"csrf_token": token, "name": "صابون", "price": "abc",
                                                       "currency": "TRY", "available": "true"})
    assert refused.status_code == 422 and 'id="price-error"' in _html(refused)

    created = client.post("/admin/products/new", data={"csrf_token": token, "name": "صابون غار",
                                                       "price": "٤٥٫٥٠", "currency": "TRY", "available": "true"})
    assert created.status_code == 303
    product = db.session.scalars(db.select(Product).where(Product.name == "صابون غار")).one()
    assert product.price == Decimal("45.50") and product.seller_id == reem["seller"].id

    changed = client.post(f"/admin/products/{product.id}", data={
        "csrf_token": token, "version": str(product.version), "name": "صابون غار", "price": "50",
        "currency": "TRY", "available": "false", "description": ""})
    assert changed.status_code == 303
    db.session.expire_all()
    assert db.session.get(Product, product.id).price == Decimal("50.00")
    assert db.session.get(Product, product.id).available is False


def test_reem_sees_her_customers_with_what_they_owe(client, reem):
    other = CustomerFactory(name="أبو سمير")

    html = _html(client.get("/admin/customers"))
    assert "أم أحمد" in html and "أبو سمير" not in html
    assert "944111301" in _html(client.get("/admin/customers?q=0944 111 301", headers={**HTMX, "HX-Target": "rows"}))
    assert client.get(f"/admin/customers/{other.id}").status_code == 404
    assert client.get(f"/admin/customers/{reem['customer'].id}").status_code == 200


def test_a_customer_with_a_taken_phone_is_refused_at_the_top_of_the_form(client, reem):
    token = csrf_token(client, "/admin/customers/new")

    response = client.post("/admin/customers/new", data={"csrf_token": token, "name": "سلمى",
                                                         "phone": "0944 111 301", "language": "ar"})

    assert response.status_code == 409
    assert "أم أحمد" in _html(response)


def test_the_sales_report_shows_her_shops_figures_per_currency(client, reem):
    html = _html(client.get("/admin/reports"))

    assert "300.00 TRY" in html and "كريم مرطّب" in html
    refused = client.get("/admin/reports?from=2026-11-20&to=2026-11-01")
    assert refused.status_code == 422 and "swap them" in _html(refused)


def test_the_sellers_menu_has_her_books(client, reem):
    html = _html(client.get("/admin/"))

    for path in ("/admin/products", "/admin/customers", "/admin/reports"):
        assert f'href="{path}"' in html
