"""The week offline: how many requests and how many gzip bytes a phone needs to catch up.

A seller with 200 products and 100 orders syncs in full, goes offline; meanwhile 30
products are edited, 10 deleted, and 20 orders placed or changed (10 new, 10 confirmed).
The phone then catches up with GET /api/v1/sync?since=<cursor>. The issue's budget: at
most 2 requests, at most 50 KB gzip, every deletion included. tests/test_sync.py asserts
the same scenario on SQLite and PostgreSQL; this prints the figures (make bench).

    .venv/bin/python scripts/bench_sync.py
"""
import gzip
import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET_REQUESTS, BUDGET_BYTES = 2, 50 * 1024


@dataclass
class Shop:
    owner_id: str
    product_ids: list[str]
    customer_ids: list[str]
    order_ids: list[str]


def seed(session, n_products: int = 200, n_orders: int = 100) -> Shop:
    """A shop with products, 50 customers and orders (two lines each), inserted in bulk.

    Orders use the first 20 products only, so the last ones may be deleted.
    """
    import sqlalchemy as sa

    from shared.changelog import next_order_number
    from shared.models import Customer, Order, OrderLine, Product, Role, Seller, User, new_id

    owner = User(email=f"week-{new_id()}@example.com", role=Role.seller, password_hash="x", name="Reem")
    shop = Seller(name="ريم للتجميل", owner=owner, area="Idlib")
    session.add_all([owner, shop])
    session.flush()
    products = [{"id": new_id(), "seller_id": shop.id, "name": f"كريم مرطّب {i}", "description": "للبشرة 50 مل",
                 "price": Decimal("150.00"), "currency": "TRY", "search_key": f"كريم مرطب {i}"}
                for i in range(n_products)]
    customers = [{"id": new_id(), "seller_id": shop.id, "name": f"زبونة {i}", "phone": f"+9639441{i:05d}",
                  "search_key": f"زبونه {i}"} for i in range(50)]
    session.execute(sa.insert(Product), products)
    session.execute(sa.insert(Customer), customers)
    last = next_order_number(session, shop.id, n_orders)
    orders, lines = [], []
    for i in range(n_orders):
        order_id = new_id()
        orders.append({"id": order_id, "seller_id": shop.id, "number": last - n_orders + 1 + i, "currency": "TRY",
                       "customer_id": customers[i % len(customers)]["id"], "total": Decimal("300.00")})
        lines += [{"id": new_id(), "order_id": order_id, "position": p, "product_id": products[(i + p) % 20]["id"],
                   "product_name": products[(i + p) % 20]["name"], "unit_price": Decimal("150.00"),
                   "quantity": 1} for p in range(2)]
    session.execute(sa.insert(Order), orders)
    session.execute(sa.insert(OrderLine), lines)
    session.commit()
    return Shop(owner.id, [p["id"] for p in products], [c["id"] for c in customers], [o["id"] for o in orders])


def sync_all(client, headers, cursor=None) -> tuple[str, list[dict], list[int]]:
    """Pull until nothing more waits: the last cursor, each answer, and each answer's gzip size."""
    answers, sizes = [], []
    while True:
        url = "/api/v1/sync" + (f"?since={cursor}" if cursor else "")
        response = client.get(url, headers={**headers, "Accept-Encoding": "gzip"})
        assert response.status_code == 200, response.get_data()[:300]
        body = response.get_data()
        sizes.append(len(body))
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        answer = json.loads(body)
        answers.append(answer)
        cursor = answer["cursor"]
        if not answer["has_more"]:
            return cursor, answers, sizes


def week_offline(client, headers, shop: Shop) -> set[str]:
    """What happens while the phone is offline; returns the ids of the deleted products."""
    def ok(response):
        assert response.status_code < 300, response.get_data()[:300]

    for product_id in shop.product_ids[20:50]:
        ok(client.patch(f"/api/v1/products/{product_id}", json={"price": "175.00"}, headers=headers))
    deleted = set(shop.product_ids[-10:])
    for product_id in deleted:
        ok(client.delete(f"/api/v1/products/{product_id}", headers=headers))
    for i in range(10):
        ok(client.post("/api/v1/orders", headers=headers, json={
            "customer_id": shop.customer_ids[i], "lines": [{"product_id": shop.product_ids[i], "quantity": 2}]}))
    for order_id in shop.order_ids[:10]:
        ok(client.patch(f"/api/v1/orders/{order_id}", json={"status": "confirmed"}, headers=headers))
    return deleted


def main() -> None:
    from flask_migrate import upgrade

    from shared.extensions import db
    from shared.models import User
    from shared.services.accounts import issue_token
    from wsgi import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/sync.db",
                          "RATELIMIT_ENABLED": False, "HUEY_STORAGE": "memory"})
        with app.app_context():
            upgrade()
            shop = seed(db.session)
            token, _ = issue_token(db.session, db.session.get(User, shop.owner_id), timedelta(days=1))
            db.session.commit()
            client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
            cursor, first, first_sizes = sync_all(client, headers)
            deleted = week_offline(client, headers, shop)
            _, answers, sizes = sync_all(client, headers, cursor)
        got = {row_id for answer in answers for row_id in answer["changes"]["products"]["deleted"]}
        print("The week offline: 200 products, 100 orders; 30 products edited, 10 deleted, 20 orders placed or changed")
        print(f"  first sync:   {len(first)} request(s), {sum(first_sizes) / 1024:.1f} KB gzip")
        print(f"  catching up:  {len(answers)} request(s) (budget {BUDGET_REQUESTS}), "
              f"{sum(sizes) / 1024:.1f} KB gzip (budget {BUDGET_BYTES // 1024} KB)")
        print(f"  deletions:    {len(got & deleted)} of {len(deleted)} included")


if __name__ == "__main__":
    main()
