"""Benchmark: Tawasi's API endpoints against a bare Flask JSON endpoint, in one run.

Runs in-process through the WSGI test client (no network noise) on a temporary
SQLite database migrated with Alembic and seeded like a busy shop. Reports the median
time per request and the ratio to the bare endpoint, which calibrates for the
machine: the ratios are what to compare between runs.

    make bench            # or: .venv/bin/python scripts/bench.py --rounds 300
"""
import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, jsonify  # noqa: E402


def bare_app() -> Flask:
    app = Flask("bare")
    items = [{"id": f"{i:026d}", "name": f"Product {i}", "price": "150.00", "currency": "TRY"}
             for i in range(20)]

    @app.get("/items")
    def items_view():
        return jsonify(items)

    return app


def seed(session, n_products: int, n_orders: int):
    """A shop with products, customers and orders (three lines each), inserted in bulk."""
    import sqlalchemy as sa

    from shared.models import Customer, Order, OrderLine, Product, Role, Seller, User, new_id
    from shared.services.accounts import hash_password

    owner = User(email="bench@example.com", role=Role.seller, password_hash=hash_password("benchmark"))
    shop = Seller(name="Bench shop", owner=owner)
    session.add_all([owner, shop])
    products = [Product(seller=shop, name=f"كريم مرطّب {i}", description="للبشرة",
                        price=Decimal("150.00"), currency="TRY") for i in range(n_products)]
    session.add_all(products)
    session.commit()
    customers = [{"id": new_id(), "seller_id": shop.id, "name": f"زبونة {i}", "phone": f"+9639440{i:05d}",
                  "search_key": f"زبونه {i}"} for i in range(200)]
    session.execute(sa.insert(Customer), customers)
    orders, lines = [], []
    for i in range(n_orders):
        order_id = new_id()
        orders.append({"id": order_id, "seller_id": shop.id, "number": i + 1, "currency": "TRY",
                       "customer_id": customers[i % len(customers)]["id"], "total": Decimal("450.00")})
        lines += [{"id": new_id(), "order_id": order_id, "position": p, "product_id": products[p].id,
                   "product_name": products[p].name, "unit_price": Decimal("150.00"), "quantity": 1}
                  for p in range(3)]
    session.execute(sa.insert(Order), orders)
    session.execute(sa.insert(OrderLine), lines)
    session.commit()
    return owner


def measure(client, method, url, rounds, **kwargs) -> float:
    """Median seconds per request after a warm-up; fails loudly on a non-2xx answer."""
    for _ in range(10):
        client.open(url, method=method, **kwargs)
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.open(url, method=method, **kwargs)
        timings.append(time.perf_counter() - start)
        if response.status_code >= 300:
            raise SystemExit(f"{method} {url} answered {response.status_code}: {response.data[:200]!r}")
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--orders", type=int, default=5000)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from shared.extensions import db
    from shared.services.accounts import issue_token
    from wsgi import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            owner = seed(db.session, args.products, args.orders)
            from datetime import timedelta
            token, _ = issue_token(db.session, owner, timedelta(days=1))
            product_id = db.session.execute(db.select(db.text("id")).select_from(db.text("products"))
                                            .limit(1)).scalar()
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        cases = [
            ("GET", "/api/v1/products?limit=20", {}),
            ("GET", "/api/v1/products?limit=100", {}),
            ("GET", "/api/v1/products?q=مرطب&limit=20", {}),
            ("GET", f"/api/v1/products/{product_id}", {}),
            ("POST", "/api/v1/products", {"json": {"name": "x", "price": "1", "currency": "TRY"}}),
            ("GET", "/api/v1/orders?limit=20", {}),
            ("GET", "/api/v1/orders?limit=20&q=زبونه", {}),
            ("GET", "/api/v1/customers?limit=20", {}),
            ("GET", "/api/v1/reports/sales", {}),
        ]
        baseline = measure(bare_app().test_client(), "GET", "/items", args.rounds)
        print(f"{'endpoint':48} {'median ms':>10} {'x bare':>8}")
        print(f"{'bare Flask GET /items (20 items)':48} {baseline * 1000:10.2f} {1:8.1f}")
        for method, url, kwargs in cases:
            with app.app_context():
                seconds = measure(client, method, url, args.rounds, headers=headers, **kwargs)
            print(f"{method + ' ' + url:48} {seconds * 1000:10.2f} {seconds / baseline:8.1f}")


if __name__ == "__main__":
    main()
