"""How the domain core is built: rules that keep both faces honest."""
import ast
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from shared.extensions import db
from shared.models import Customer, Seller
from shared.money import allocate, prorate, to_cents
from shared.schemas.customers import Customer as CustomerSchema
from shared.services import customers, products, sellers
from tests.factories import CustomerFactory, ProductFactory, SellerFactory

ROOT = Path(__file__).parent.parent
SERVICES = sorted((ROOT / "shared" / "services").glob("*.py"))


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            yield node


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_services_never_commit_and_never_spread_a_payload(path):
    for call in _calls(path):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        assert name not in ("commit", "rollback"), f"{path.name}:{call.lineno} ends the transaction"
        assert name != "setattr", f"{path.name}:{call.lineno} sets fields it does not name"
        spread = any(keyword.arg is None for keyword in call.keywords)
        assert not (spread and name[:1].isupper()), f"{path.name}:{call.lineno} spreads a payload into {name}"


def test_an_extra_field_can_never_move_a_row_to_another_shop():
    product, other = ProductFactory(), SellerFactory()

    products.update_product(db.session, product, {"seller_id": other.id, "name": "Kohl"})
    customer = customers.create_customer(db.session, product.seller.owner, {
        "seller_id": product.seller_id, "name": "Nour", "version": 7, "owner_id": "x",
    }, phone_region="SY")
    db.session.commit()

    assert (product.seller_id, product.name) == (product.seller.id, "Kohl")
    assert customer.row.version == 1


def test_a_seller_update_sets_only_the_fields_it_names():
    seller, intruder = SellerFactory(), SellerFactory()

    sellers.update_seller(db.session, seller, {"area": "Dana", "owner_id": intruder.owner_id})
    db.session.commit()

    assert db.session.get(Seller, seller.id).owner_id != intruder.owner_id


def test_figures_come_back_with_the_row_and_a_bare_row_refuses_to_dump():
    customer = CustomerFactory()

    shown = customers.get_customer(db.session, customer.seller.owner, customer.id)

    assert CustomerSchema().dump(shown)["balances"] == []
    with pytest.raises(AttributeError, match="balances"):
        CustomerSchema().dump(db.session.get(Customer, customer.id))


@pytest.mark.parametrize("amount, part, whole, expected", [
    ("300.00", 500, 1000, "150.00"), ("300.00", 1000, 1000, "300.00"), ("300.00", 0, 1000, "0.00"),
    ("100.00", 1, 3, "33.33"), ("200.00", 1, 3, "66.67"), ("0.05", 1, 2, "0.03"),
])
def test_prorate_rounds_once_half_up(amount, part, whole, expected):
    assert prorate(Decimal(amount), part, whole) == Decimal(expected)


@pytest.mark.parametrize("amount, weights, expected", [
    ("100.00", [1, 1, 1], ["33.34", "33.33", "33.33"]),
    ("0.02", [1, 1, 1], ["0.01", "0.01", "0.00"]),
    ("10.00", [3, 1], ["7.50", "2.50"]),
    ("150.00", [2, 0, 1], ["100.00", "0.00", "50.00"]),
    ("1.00", [1, 2, 3, 4, 5, 6], ["0.05", "0.09", "0.14", "0.19", "0.24", "0.29"]),
])
def test_allocate_splits_exactly_by_largest_remainder(amount, weights, expected):
    shares = allocate(Decimal(amount), weights)
    assert shares == [Decimal(e) for e in expected]
    assert sum(shares) == Decimal(amount)


def test_one_rounding_rule():
    assert to_cents(Decimal("0.125")) == Decimal("0.13")
    assert to_cents(Decimal("-0.125")) == Decimal("-0.13")
    with pytest.raises(ValueError):
        allocate(Decimal("1"), [0, 0])
    with pytest.raises(ValueError):
        prorate(Decimal("1"), 1, 0)


def test_import_contracts_hold():
    """shared/ knows no face; the API and the admin never import each other (.importlinter)."""
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
