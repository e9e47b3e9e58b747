"""The change log: every write of a tenant's row leaves its change records, numbered in commit order.

The write operations are read from openapi.yaml: one that is not in EXPECTED fails, so
a new endpoint must say which change records it leaves.
"""
import threading
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from shared.changelog import changes_after
from shared.extensions import db
from shared.models import Change, MarketRun, Order, OrderStatus, Product
from tests.factories import (
    CustomerFactory, MarketRunFactory, ProductFactory, SellerFactory, order_with_lines,
)

SPEC = yaml.safe_load((Path(__file__).parent.parent / "openapi.yaml").read_text())
WRITES = sorted((method.upper(), path) for path, item in SPEC["paths"].items()
                for method in item if method in ("post", "put", "patch", "delete"))
U, D = "upsert", "delete"


@dataclass
class Scene:
    shop_id: str
    product_id: str
    spare_product_id: str  # never ordered: may be deleted
    customer_id: str
    spare_customer_id: str  # no orders: may be deleted
    pending_id: str
    confirmed_id: str  # confirmed, in no run
    run_id: str  # planned, with one confirmed order
    run_order_id: str
    delivered_id: str  # worth 100.00, paid 150.00: 50.00 of credit
    empty_shop_id: str  # no orders: may be deleted
    headers: dict
    auth: object = field(repr=False, default=None)
    tenants: set = field(default_factory=set)  # other tenants the operation may write to

    @cached_property
    def z(self) -> dict:
        """Zeina's work (tests.test_promotions_access._scene): ids, and `headers` of Zeina."""
        from tests.test_promotions_access import _scene as zeinas_scene

        built = zeinas_scene()
        self.tenants |= {built.ids["shop"], built.ids["team"], built.ids["spare_team"]}
        return {**built.ids, "headers": self.auth(built.users["coord"])}


def _scene(auth) -> Scene:
    shop = SellerFactory()
    other = SellerFactory(owner=shop.owner)
    product, spare = ProductFactory(seller=shop), ProductFactory(seller=shop)
    customer = CustomerFactory(seller=shop)
    run = MarketRunFactory(seller=shop)
    run_order = order_with_lines(shop, [(product, 1)], status=OrderStatus.confirmed, customer=customer)
    run_order.market_run = run
    delivered = order_with_lines(shop, [(product, 1)], status=OrderStatus.delivered, customer=customer,
                                 amount_paid=Decimal("150.00"))
    scene = Scene(
        shop_id=shop.id, product_id=product.id, spare_product_id=spare.id, customer_id=customer.id,
        spare_customer_id=CustomerFactory(seller=shop).id,
        pending_id=order_with_lines(shop, [(product, 2)], customer=customer).id,
        confirmed_id=order_with_lines(shop, [(product, 3)], status=OrderStatus.confirmed,
                                      customer=customer).id,
        run_id=run.id, run_order_id=run_order.id, delivered_id=delivered.id, empty_shop_id=other.id,
        headers=auth(shop.owner), auth=auth,
    )
    db.session.commit()
    return scene


def _new(response):
    return response.get_json()["id"]


def _payment_ids(*order_ids) -> list[str]:
    from shared.models import Payment

    return list(db.session.scalars(sa.select(Payment.id).where(Payment.order_id.in_(order_ids))))


def _subscription(scene: Scene) -> str:
    """A webhook subscription of the shop's owner (subscriptions are no shop's rows: never logged)."""
    from shared.models import Seller, WebhookSubscription

    owner_id = db.session.get(Seller, scene.shop_id).owner_id
    subscription = WebhookSubscription(owner_id=owner_id, url="https://93.184.215.14/hook",
                                       events=" order.created ", secret="whsec_c2VjcmV0c2VjcmV0c2VjcmV0")
    db.session.add(subscription)
    db.session.commit()
    return subscription.id


def _delivery(scene: Scene) -> tuple[str, str]:
    from shared.models import WebhookDelivery

    subscription_id = _subscription(scene)
    delivery = WebhookDelivery(subscription_id=subscription_id, event_id="01jd3m0a8b9c0d1e2f3g4h5j6k",
                               event_type="order.created", body="{}")
    db.session.add(delivery)
    db.session.commit()
    return subscription_id, delivery.id


def _replay(scene: Scene):
    subscription_id, delivery_id = _delivery(scene)
    return (f"/api/v1/webhooks/{subscription_id}/deliveries/{delivery_id}/replay", None, lambda r: set())


# (method, path) -> (url, body, expected {(kind, row_id, op)} given the scene and the response)
EXPECTED = {
    ("POST", "/api/v1/auth/tokens"): lambda s: (
        "/api/v1/auth/tokens", {"email": "x@example.com", "password": "wrong"}, lambda r: set()),
    ("DELETE", "/api/v1/auth/tokens/current"): lambda s: (
        "/api/v1/auth/tokens/current", None, lambda r: set()),
    ("POST", "/api/v1/sellers"): lambda s: (
        "/api/v1/sellers", {"name": "New shop"}, lambda r: {("sellers", _new(r), U)}),
    ("PATCH", "/api/v1/sellers/{seller_id}"): lambda s: (
        f"/api/v1/sellers/{s.shop_id}", {"area": "Sarmada"}, lambda r: {("sellers", s.shop_id, U)}),
    ("DELETE", "/api/v1/sellers/{seller_id}"): lambda s: (
        f"/api/v1/sellers/{s.empty_shop_id}", None, lambda r: {("sellers", s.empty_shop_id, D)}),
    ("POST", "/api/v1/products"): lambda s: (
        "/api/v1/products", {"seller_id": s.shop_id, "name": "Soap", "price": "5", "currency": "TRY"},
        lambda r: {("products", _new(r), U)}),
    ("PATCH", "/api/v1/products/{product_id}"): lambda s: (
        f"/api/v1/products/{s.product_id}", {"price": "7.50"}, lambda r: {("products", s.product_id, U)}),
    ("DELETE", "/api/v1/products/{product_id}"): lambda s: (
        f"/api/v1/products/{s.spare_product_id}", None, lambda r: {("products", s.spare_product_id, D)}),
    ("POST", "/api/v1/customers"): lambda s: (
        "/api/v1/customers", {"seller_id": s.shop_id, "name": "Nour"}, lambda r: {("customers", _new(r), U)}),
    ("PATCH", "/api/v1/customers/{customer_id}"): lambda s: (
        f"/api/v1/customers/{s.customer_id}", {"notes": "ring twice"},
        lambda r: {("customers", s.customer_id, U)}),
    ("DELETE", "/api/v1/customers/{customer_id}"): lambda s: (
        f"/api/v1/customers/{s.spare_customer_id}", None, lambda r: {("customers", s.spare_customer_id, D)}),
    ("POST", "/api/v1/orders"): lambda s: (
        "/api/v1/orders", {"seller_id": s.shop_id, "customer": {"name": "Hiba", "phone": "0944 555 111"},
                           "lines": [{"product_id": s.product_id, "quantity": 1}]},
        lambda r: {("orders", _new(r), U), ("customers", r.get_json()["customer"]["id"], U)}),
    ("PATCH", "/api/v1/orders/{order_id}"): lambda s: (
        f"/api/v1/orders/{s.pending_id}", {"status": "confirmed", "lines": [
            {"product_id": s.product_id, "quantity": 5}]}, lambda r: {("orders", s.pending_id, U)}),
    ("DELETE", "/api/v1/orders/{order_id}"): lambda s: (
        f"/api/v1/orders/{s.pending_id}", None, lambda r: {("orders", s.pending_id, D)}),
    ("POST", "/api/v1/orders/{order_id}/payments"): lambda s: (
        f"/api/v1/orders/{s.pending_id}/payments", {"amount": "50"},
        lambda r: {("payments", _new(r), U), ("orders", s.pending_id, U)}),
    ("POST", "/api/v1/orders/{order_id}/refunds"): lambda s: (
        f"/api/v1/orders/{s.delivered_id}/refunds", {"amount": "20", "reason": "overpaid"},
        lambda r: {("payments", _new(r), U), ("orders", s.delivered_id, U)}),
    ("POST", "/api/v1/orders/{order_id}/returns"): lambda s: (
        f"/api/v1/orders/{s.delivered_id}/returns", {"lines": [{"product_id": s.product_id, "quantity": 1}]},
        lambda r: {("returns", _new(r), U), ("orders", s.delivered_id, U)}),
    ("POST", "/api/v1/orders/{order_id}/credit"): lambda s: (
        f"/api/v1/orders/{s.pending_id}/credit", {},
        lambda r: {*(("payments", p, U) for p in _payment_ids(s.pending_id, s.delivered_id)),
                   ("orders", s.pending_id, U), ("orders", s.delivered_id, U)}),
    ("POST", "/api/v1/market-runs"): lambda s: (
        "/api/v1/market-runs", {"seller_id": s.shop_id, "run_date": "2026-11-26"},
        lambda r: {("market_runs", _new(r), U), ("orders", s.confirmed_id, U)}),
    ("PATCH", "/api/v1/market-runs/{run_id}"): lambda s: (
        f"/api/v1/market-runs/{s.run_id}", {"note": "Thursday", "costs": [
            {"product_id": s.product_id, "cost": "60"}]}, lambda r: {("market_runs", s.run_id, U)}),
    ("DELETE", "/api/v1/market-runs/{run_id}"): lambda s: (
        f"/api/v1/market-runs/{s.run_id}", None,
        lambda r: {("market_runs", s.run_id, D), ("orders", s.run_order_id, U)}),
    ("POST", "/api/v1/market-runs/{run_id}/bought"): lambda s: (
        f"/api/v1/market-runs/{s.run_id}/bought", {"lump_sums": [{"currency": "TRY", "amount": "10"}]},
        lambda r: {("market_runs", s.run_id, U), ("orders", s.run_order_id, U)}),
    ("POST", "/api/v1/market-runs/{run_id}/orders"): lambda s: (
        f"/api/v1/market-runs/{s.run_id}/orders", {"order_ids": [s.confirmed_id]},
        lambda r: {("market_runs", s.run_id, U), ("orders", s.confirmed_id, U)}),
    ("DELETE", "/api/v1/market-runs/{run_id}/orders/{order_id}"): lambda s: (
        f"/api/v1/market-runs/{s.run_id}/orders/{s.run_order_id}", None,
        lambda r: {("market_runs", s.run_id, U), ("orders", s.run_order_id, U)}),
    # Zeina's work: shop rows (pages, jobs and their children, client payments) go to the shop,
    # team rows (teams and members, contributions, payouts, contests and entries) to the team.
    ("POST", "/api/v1/pages"): lambda s: (
        "/api/v1/pages", {"seller_id": s.z["shop"], "platform": "tiktok", "url": "tiktok.com/@new"},
        lambda r: {("pages", _new(r), U)}, s.z["headers"]),
    ("PATCH", "/api/v1/pages/{page_id}"): lambda s: (
        f"/api/v1/pages/{s.z['page']}", {"name": "x"}, lambda r: {("pages", s.z["page"], U)}, s.z["headers"]),
    ("DELETE", "/api/v1/pages/{page_id}"): lambda s: (
        f"/api/v1/pages/{s.z['spare_page']}", None, lambda r: {("pages", s.z["spare_page"], D)}, s.z["headers"]),
    ("POST", "/api/v1/promotions"): lambda s: (
        "/api/v1/promotions", {"page_id": s.z["page"], "baseline_count": 0, "target_gain": 10,
                               "price": "3", "currency": "TRY"},
        lambda r: {("promotions", _new(r), U)}, s.z["headers"]),
    ("PATCH", "/api/v1/promotions/{job_id}"): lambda s: (
        f"/api/v1/promotions/{s.z['job']}", {"status": "completed"},
        lambda r: {("promotions", s.z["job"], U)}, s.z["headers"]),
    ("DELETE", "/api/v1/promotions/{job_id}"): lambda s: (
        f"/api/v1/promotions/{s.z['draft']}", None, lambda r: {("promotions", s.z["draft"], D)}, s.z["headers"]),
    ("POST", "/api/v1/promotions/{job_id}/progress"): lambda s: (
        f"/api/v1/promotions/{s.z['job']}/progress", {"count": 1600},
        lambda r: {("promotions", s.z["job"], U)}, s.z["headers"]),
    ("DELETE", "/api/v1/promotions/{job_id}/progress/{record_id}"): lambda s: (
        f"/api/v1/promotions/{s.z['job']}/progress/{s.z['record']}", None,
        lambda r: {("promotions", s.z["job"], U)}, s.z["headers"]),
    ("POST", "/api/v1/promotions/{job_id}/members"): lambda s: (
        f"/api/v1/promotions/{s.z['job']}/members", {"user_ids": [s.z["member"]]},
        lambda r: {("promotions", s.z["job"], U)}, s.z["headers"]),
    ("DELETE", "/api/v1/promotions/{job_id}/members/{user_id}"): lambda s: (
        f"/api/v1/promotions/{s.z['job']}/members/{s.z['assigned']}", None,
        lambda r: {("promotions", s.z["job"], U)}, s.z["headers"]),
    ("POST", "/api/v1/teams"): lambda s: (
        "/api/v1/teams", {"name": "x"}, lambda r: {("teams", _new(r), U)}, s.z["headers"]),
    ("PATCH", "/api/v1/teams/{team_id}"): lambda s: (
        f"/api/v1/teams/{s.z['team']}", {"coordinator_share": "10"},
        lambda r: {("teams", s.z["team"], U)}, s.z["headers"]),
    ("DELETE", "/api/v1/teams/{team_id}"): lambda s: (
        f"/api/v1/teams/{s.z['spare_team']}", None, lambda r: {("teams", s.z["spare_team"], D)}, s.z["headers"]),
    ("POST", "/api/v1/teams/{team_id}/members"): lambda s: (
        f"/api/v1/teams/{s.z['team']}/members", {"user_id": s.z["outsider"]},
        lambda r: {("teams", s.z["team"], U)}, s.z["headers"]),
    ("DELETE", "/api/v1/teams/{team_id}/members/{user_id}"): lambda s: (  # she leaves its running jobs
        f"/api/v1/teams/{s.z['team']}/members/{s.z['assigned']}", None,
        lambda r: {("teams", s.z["team"], U), ("promotions", s.z["job"], U), ("promotions", s.z["draft"], U)},
        s.z["headers"]),
    ("POST", "/api/v1/teams/{team_id}/accounts"): lambda s: (
        f"/api/v1/teams/{s.z['team']}/accounts", {"name": "رهف", "email": "rahaf@example.com"},
        lambda r: {("teams", s.z["team"], U), ("users", r.get_json()["user_id"], U)}, s.z["headers"]),
    ("POST", "/api/v1/contributions"): lambda s: (
        "/api/v1/contributions", {"job_id": s.z["job"], "user_id": s.z["assigned"], "kind": "likes",
                                  "quantity": 3},
        lambda r: {("contributions", _new(r), U)}, s.z["headers"]),
    ("PATCH", "/api/v1/contributions/{contribution_id}"): lambda s: (
        f"/api/v1/contributions/{s.z['contribution']}", {"status": "approved"},
        lambda r: {("contributions", s.z["contribution"], U)}, s.z["headers"]),
    ("DELETE", "/api/v1/contributions/{contribution_id}"): lambda s: (
        f"/api/v1/contributions/{s.z['contribution']}", None,
        lambda r: {("contributions", s.z["contribution"], D)}, s.z["headers"]),
    ("POST", "/api/v1/payout-sets"): lambda s: (
        "/api/v1/payout-sets", {"job_id": s.z["job"]},
        lambda r: {("payout_sets", _new(r), U)} | {("payouts", p["id"], U) for p in r.get_json()["payouts"]},
        s.z["headers"]),
    ("PATCH", "/api/v1/payouts/{payout_id}"): lambda s: (
        f"/api/v1/payouts/{s.z['payout']}", {"status": "paid"},
        lambda r: {("payouts", s.z["payout"], U)}, s.z["headers"]),
    ("POST", "/api/v1/client-payments"): lambda s: (
        "/api/v1/client-payments", {"seller_id": s.z["shop"], "amount": "5", "currency": "TRY"},
        lambda r: {("client_payments", _new(r), U)}, s.z["headers"]),
    ("DELETE", "/api/v1/client-payments/{payment_id}"): lambda s: (
        f"/api/v1/client-payments/{s.z['payment']}", None,
        lambda r: {("client_payments", s.z["payment"], D)}, s.z["headers"]),
    ("POST", "/api/v1/contests"): lambda s: (
        "/api/v1/contests", {"team_id": s.z["team"], "shop_name": "x", "title": "t", "prize_description": "p",
                             "starts_at": "2026-11-20T09:00:00Z", "ends_at": "2026-11-27T09:00:00Z"},
        lambda r: {("contests", _new(r), U)}, s.z["headers"]),
    ("PATCH", "/api/v1/contests/{contest_id}"): lambda s: (
        f"/api/v1/contests/{s.z['contest']}", {"title": "x"},
        lambda r: {("contests", s.z["contest"], U)}, s.z["headers"]),
    ("DELETE", "/api/v1/contests/{contest_id}"): lambda s: (
        f"/api/v1/contests/{s.z['contest']}", None, lambda r: {("contests", s.z["contest"], D)}, s.z["headers"]),
    ("POST", "/api/v1/contests/{contest_id}/entries"): lambda s: (
        f"/api/v1/contests/{s.z['contest']}/entries", {"user_id": s.z["member"]},
        lambda r: {("contests", s.z["contest"], U)}, s.z["headers"]),
    ("PATCH", "/api/v1/contests/{contest_id}/entries/{entry_id}"): lambda s: (
        f"/api/v1/contests/{s.z['contest']}/entries/{s.z['entry']}", {"result": "won"},
        lambda r: {("contests", s.z["contest"], U)}, s.z["headers"]),
    ("DELETE", "/api/v1/contests/{contest_id}/entries/{entry_id}"): lambda s: (
        f"/api/v1/contests/{s.z['contest']}/entries/{s.z['entry']}", None,
        lambda r: {("contests", s.z["contest"], U)}, s.z["headers"]),


    # A batch logs what its operations log.
    ("POST", "/api/v1/batch"): lambda s: (
        "/api/v1/batch", {"operations": [
            {"method": "PATCH", "path": f"/api/v1/products/{s.product_id}", "body": {"price": "8"}},
            {"method": "DELETE", "path": f"/api/v1/customers/{s.spare_customer_id}"}]},
        lambda r: {("products", s.product_id, U), ("customers", s.spare_customer_id, D)}),
    ("POST", "/api/v1/webhooks"): lambda s: (
        "/api/v1/webhooks", {"url": "https://93.184.215.14/hook", "event_types": ["order.created"]},
        lambda r: set()),
    ("PATCH", "/api/v1/webhooks/{subscription_id}"): lambda s: (
        f"/api/v1/webhooks/{_subscription(s)}", {"description": "Delivery app"}, lambda r: set()),
    ("DELETE", "/api/v1/webhooks/{subscription_id}"): lambda s: (
        f"/api/v1/webhooks/{_subscription(s)}", None, lambda r: set()),
    ("POST", "/api/v1/webhooks/{subscription_id}/test"): lambda s: (
        f"/api/v1/webhooks/{_subscription(s)}/test", None, lambda r: set()),
    ("POST", "/api/v1/webhooks/{subscription_id}/deliveries/{delivery_id}/replay"): _replay,
}


def _last_change_id() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Change.id), 0)))


@pytest.mark.parametrize("operation", WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_every_write_leaves_exactly_the_change_records_expected(client, auth, operation):
    assert operation in EXPECTED, f"{operation} is in openapi.yaml: say in EXPECTED which changes it logs"
    scene = _scene(auth)
    url, body, expected, *headers = EXPECTED[operation](scene)
    before = _last_change_id()

    response = client.open(url, method=operation[0], json=body, headers=headers[0] if headers else scene.headers)

    assert response.status_code < 300 or operation == ("POST", "/api/v1/auth/tokens"), response.get_json()
    logged = db.session.execute(sa.select(Change.kind, Change.row_id, Change.op, Change.tenant_id)
                                .where(Change.id > before)).all()
    assert {(kind, row_id, op.value) for kind, row_id, op, _ in logged} == expected(response)
    tenants = {tenant for *_, tenant in logged}
    answer = response.get_json(silent=True) or {}
    assert tenants <= {scene.shop_id, scene.empty_shop_id, *scene.tenants, answer.get("id"),
                       answer.get("user_id")}  # an account is its own tenant


def test_changes_carry_who_made_them(client, auth):
    scene = _scene(auth)
    before = _last_change_id()
    client.patch(f"/api/v1/products/{scene.product_id}", json={"price": "9"}, headers=scene.headers)
    change = db.session.scalars(sa.select(Change).where(Change.id > before)).one()
    assert change.actor_id == db.session.get(Product, scene.product_id).seller.owner_id


def test_a_request_refused_logs_nothing(client, auth):
    scene = _scene(auth)
    before = _last_change_id()
    response = client.post(f"/api/v1/orders/{scene.pending_id}/refunds", json={"amount": "1"},
                           headers=scene.headers)
    assert response.status_code == 422
    assert _last_change_id() == before


def test_each_shop_numbers_its_changes_one_by_one(client, auth):
    scene = _scene(auth)
    for price in ("1", "2", "3"):
        client.patch(f"/api/v1/products/{scene.product_id}", json={"price": price}, headers=scene.headers)
    seqs = db.session.scalars(sa.select(Change.seq).where(Change.tenant_id == scene.shop_id)
                              .order_by(Change.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))
    assert [c.seq for c in changes_after(db.session, scene.shop_id, seqs[-3])] == seqs[-2:]


def test_a_change_committed_late_is_still_seen_by_a_reader_polling_after_n(app):
    """Two overlapping transactions in one shop: the second takes its number only once the
    first has committed, so a reader that has seen N never finds a change below N later."""
    shop = SellerFactory()
    product = ProductFactory(seller=shop)
    db.session.commit()
    product_id, shop_id = product.id, shop.id
    db.session.remove()
    with Session(db.engine) as reader:
        earlier = [c.seq for c in changes_after(reader, shop_id, 0)]  # the shop's and product's own
    first = Session(db.engine)
    first.get(Product, product_id).price = Decimal("1.00")
    first.flush()  # took its change number; holds the shop's counter until it ends
    first_seq = first.scalar(sa.select(sa.func.max(Change.seq)).where(Change.tenant_id == shop_id))

    second_done = threading.Event()

    def second_writer():
        with app.app_context(), Session(db.engine) as second:
            second.add(Product(seller_id=shop_id, name="Later", price=Decimal("2.00"), currency="TRY"))
            second.commit()
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    second_blocked = not second_done.wait(0.5)
    with Session(db.engine) as reader:
        seen_before = [c.seq for c in changes_after(reader, shop_id, 0)]
    first.commit()
    first.close()
    thread.join(30)
    with Session(db.engine) as reader:
        seen_after = [c.seq for c in changes_after(reader, shop_id, 0)]

    assert second_blocked, "the second writer took a change number while the first held the shop's"
    assert seen_before == earlier
    assert seen_after == earlier + [first_seq, first_seq + 1]


def test_deleting_a_run_records_its_orders_too(client, auth):
    """A tombstone for the run, and the orders it freed as changed."""
    scene = _scene(auth)
    client.delete(f"/api/v1/market-runs/{scene.run_id}", headers=scene.headers)
    assert db.session.get(MarketRun, scene.run_id) is None
    assert db.session.get(Order, scene.run_order_id).market_run_id is None


def test_team_rows_are_logged_under_the_team_and_shop_rows_under_the_shop(client, auth):
    scene = _scene(auth)
    z = scene.z
    before = _last_change_id()

    client.post("/api/v1/contributions", json={"job_id": z["job"], "user_id": z["assigned"], "kind": "likes",
                                               "quantity": 3}, headers=z["headers"])
    client.post(f"/api/v1/promotions/{z['job']}/progress", json={"count": 1700}, headers=z["headers"])

    logged = db.session.execute(sa.select(Change.kind, Change.tenant_id).where(Change.id > before)
                                .order_by(Change.id)).all()
    assert logged == [("contributions", z["team"]), ("promotions", z["shop"])]
