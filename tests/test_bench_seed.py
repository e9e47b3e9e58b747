"""`flask bench-seed`: the benchmark's shop, inserted in bulk, is one the app would have made."""
import sqlalchemy as sa

from shared.bench_seed import EMAIL
from shared.extensions import db
from shared.models import Change, Customer, Order, Payment, Seller, TenantCounter, User


def test_bench_seed_makes_a_shop_the_app_would_have_made(runner, client, auth):
    result = runner.invoke(args=["bench-seed", "--orders", "30", "--products", "5"])
    assert result.exit_code == 0, result.output

    owner = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    shop = db.session.scalar(sa.select(Seller).where(Seller.owner_id == owner.id))
    numbers = db.session.scalars(sa.select(Order.number).where(Order.seller_id == shop.id)
                                 .order_by(Order.created_at)).all()
    assert numbers == list(range(1, 31))  # in time order, from the shop's counter
    assert db.session.get(TenantCounter, shop.id).last_order_number == 30
    logged = db.session.execute(sa.select(Change.kind, Change.row_id).where(Change.tenant_id == shop.id)).all()
    order_ids = set(db.session.scalars(sa.select(Order.id).where(Order.seller_id == shop.id)))
    assert {row for kind, row in logged if kind == "orders"} == order_ids  # each order in the log once
    assert len([1 for kind, _ in logged if kind == "orders"]) == 30
    assert {row for kind, row in logged if kind == "payments"} == set(db.session.scalars(sa.select(Payment.id)))
    assert {row for kind, row in logged if kind == "customers"} == set(
        db.session.scalars(sa.select(Customer.id).where(Customer.seller_id == shop.id)))
    seqs = db.session.scalars(sa.select(Change.seq).where(Change.tenant_id == shop.id).order_by(Change.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))

    headers = auth(owner)
    page = client.get("/api/v1/orders?limit=5", headers=headers)
    assert [o["number"] for o in page.json] == [30, 29, 28, 27, 26]
    paid = [o for o in client.get("/api/v1/orders?limit=30", headers=headers).json if o["payment_status"] == "paid"]
    assert paid and all(o["balance_due"] == "0.00" and o["amount_paid"] == o["total"] for o in paid)
    product = client.get("/api/v1/products?limit=1", headers=headers).json[0]
    customer = page.json[0]["customer"]["id"]
    placed = client.post("/api/v1/orders", headers=headers,
                         json={"customer_id": customer, "lines": [{"product_id": product["id"], "quantity": 1}]})
    assert placed.status_code == 201 and placed.json["number"] == 31
    assert client.get("/api/v1/sync?limit=100", headers=headers).status_code == 200

    again = runner.invoke(args=["bench-seed", "--orders", "1"])
    assert again.exit_code != 0 and "exists already" in again.output
