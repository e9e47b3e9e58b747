"""Webhooks: subscriptions, the outbox written with the change, signed deliveries retried with backoff."""
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from standardwebhooks.webhooks import Webhook

from shared import tasks
from shared.extensions import db
from shared.models import (
    DeliveryStatus, DisabledReason, Role, WebhookDelivery, WebhookSubscription, utcnow,
)
from shared.events import emit
from shared.services.webhook_delivery import RETRY_DELAYS
from shared.services.webhooks import write_outbox
from tests.factories import (
    JobFactory, ProductFactory, PromoterFactory, SellerFactory, UserFactory, assign, order_with_lines,
)

ROOT = Path(__file__).parent.parent


class Receiver:
    """An HTTP server in a thread: answers the statuses given in turn (then 200), keeps what came."""

    def __init__(self):
        self.statuses: list[int] = []
        self.received: list[tuple[dict, bytes]] = []
        self.hold = threading.Event()  # while clear, a request waits (a receiver that hangs)
        self.hold.set()
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.arrived.set()
                receiver.hold.wait(30)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(f"answer {status} ".encode() * 200)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def event_ids(self) -> list[str]:
        return [headers["webhook-id"] for headers, _ in self.received]


@pytest.fixture(autouse=True)
def _queue_of_this_app(app):
    """The queue is the process's one (shared/tasks.py): other tests' apps may have moved it."""
    tasks.init_app(app)


@pytest.fixture
def receiver(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    found = Receiver()
    yield found
    found.hold.set()
    found.server.shutdown()
    found.server.server_close()


def _subscribe(client, headers, url, events=("order.created",)):
    response = client.post("/api/v1/webhooks", json={"url": url, "event_types": list(events)}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _place_order(client, headers, product):
    response = client.post("/api/v1/orders", json={"customer": {"name": "Hiba"}, "lines": [
        {"product_id": product.id, "quantity": 2}]}, headers=headers)
    assert response.status_code == 201
    return response.get_json()


def _deliveries(**where):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(WebhookDelivery).filter_by(**where).order_by(WebhookDelivery.created_at)))


# --- subscriptions ---------------------------------------------------------------------------


def test_the_secret_is_shown_once(client, auth):
    seller = SellerFactory()
    headers = auth(seller.owner)

    created = _subscribe(client, headers, "https://93.184.215.14/hook")
    shown = client.get(f"/api/v1/webhooks/{created['id']}", headers=headers)

    assert created["secret"].startswith("whsec_")
    assert shown.status_code == 200 and "secret" not in shown.get_json()
    assert shown.get_json()["event_types"] == ["order.created"]


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://192.168.1.1/hook", "https://169.254.169.254/latest",
    "https://[::1]/hook", "https://localhost/hook", "https://router.lan/hook", "https://intranet/hook",
    "http://93.184.215.14/hook",
])
def test_a_url_on_a_private_address_or_without_https_is_refused(client, auth, url):
    seller = SellerFactory()

    response = client.post("/api/v1/webhooks", json={"url": url, "event_types": ["order.created"]},
                           headers=auth(seller.owner))

    assert response.status_code == 422
    assert response.get_json()["code"] == "webhook-url-refused"


def test_a_name_that_resolves_to_a_private_address_is_refused(app, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_RESOLVER", lambda host, port: ["10.0.0.7"])
    seller = SellerFactory()

    response = client.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/x",
                                                     "event_types": ["order.created"]}, headers=auth(seller.owner))

    assert response.status_code == 422


def test_promoters_cannot_subscribe(client, auth):
    promoter = UserFactory(role=Role.promoter)

    response = client.post("/api/v1/webhooks", json={"url": "https://93.184.215.14/h", "event_types": ["order.created"]},
                           headers=auth(promoter))

    assert response.status_code == 403


def test_a_subscription_is_its_owners_alone(client, auth):
    seller, other = SellerFactory(), SellerFactory()
    created = _subscribe(client, auth(seller.owner), "https://93.184.215.14/hook")

    response = client.get(f"/api/v1/webhooks/{created['id']}", headers=auth(other.owner))

    assert response.status_code == 404


# --- the outbox ------------------------------------------------------------------------------


def test_an_order_placed_is_written_to_the_outbox_with_the_order_as_its_get_shows_it(client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    _subscribe(client, headers, receiver.url, ["order.created", "order.status_changed"])

    order = _place_order(client, headers, product)
    client.patch(f"/api/v1/orders/{order['id']}", json={"status": "confirmed"}, headers=headers)

    created, changed = _deliveries()
    assert (created.event_type, created.status) == ("order.created", DeliveryStatus.pending)
    assert json.loads(created.body)["data"] == order
    assert json.loads(changed.body)["previous"] == {"status": "pending"}
    assert json.loads(changed.body)["data"]["status"] == "confirmed"


def test_no_event_goes_out_for_a_change_that_rolled_back(client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    _subscribe(client, headers, receiver.url)

    response = client.post("/api/v1/batch", headers=headers, json={"atomic": True, "operations": [
        {"method": "POST", "path": "/api/v1/orders", "body": {"customer": {"name": "Hiba"}, "lines": [
            {"product_id": product.id, "quantity": 1}]}},
        {"method": "DELETE", "path": "/api/v1/orders/nope"}]})

    assert response.get_json()["applied"] is False
    assert _deliveries() == []


def test_a_subscription_sees_only_its_owners_shops(client, auth, receiver):
    product, other = ProductFactory(), ProductFactory()
    _subscribe(client, auth(product.seller.owner), receiver.url)

    _place_order(client, auth(other.seller.owner), other)

    assert _deliveries() == []


def test_payments_refunds_and_market_runs_are_events_too(client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    _subscribe(client, headers, receiver.url, ["payment.recorded", "payment.refunded", "market_run.bought"])
    order = _place_order(client, headers, product)
    client.patch(f"/api/v1/orders/{order['id']}", json={"status": "confirmed"}, headers=headers)
    client.post(f"/api/v1/orders/{order['id']}/payments", json={"amount": "50"}, headers=headers)
    client.post(f"/api/v1/orders/{order['id']}/refunds", json={"amount": "20", "reason": "correction"},
                headers=headers)
    run = client.post("/api/v1/market-runs", json={"run_date": "2026-11-26"}, headers=headers).get_json()
    client.post(f"/api/v1/market-runs/{run['id']}/bought", json={}, headers=headers)

    assert [d.event_type for d in _deliveries()] == ["payment.recorded", "payment.refunded", "market_run.bought"]
    assert json.loads(_deliveries()[1].body)["data"]["amount"] == "-20.00"


def test_progress_completion_and_payouts_are_events_of_the_coordinator(client, auth, receiver):
    job = JobFactory()
    assign(job, PromoterFactory())
    headers = auth(job.coordinator)
    _subscribe(client, headers, receiver.url, ["promotion.progress_recorded", "promotion.completed", "payout.paid"])
    assert client.post(f"/api/v1/promotions/{job.id}/progress", json={"count": 1500},
                       headers=headers).status_code == 201
    assert client.patch(f"/api/v1/promotions/{job.id}", json={"status": "completed"},
                        headers=headers).status_code == 200
    payout_set = client.post("/api/v1/payout-sets", json={"job_id": job.id}, headers=headers).get_json()
    [payout] = payout_set["payouts"]
    assert client.patch(f"/api/v1/payouts/{payout['id']}", json={"status": "paid"},
                        headers=headers).status_code == 200
    client.patch(f"/api/v1/payouts/{payout['id']}", json={"note": "cash, at the cafe"}, headers=headers)

    deliveries = _deliveries()

    assert [d.event_type for d in deliveries] == ["promotion.progress_recorded", "promotion.completed", "payout.paid"]
    progress, completed, paid = (json.loads(d.body)["data"] for d in deliveries)
    assert (progress["id"], progress["earned"], progress["status"]) == (job.id, "150.00", "active")
    assert (completed["status"], completed["earned"]) == ("completed", "150.00")
    assert (paid["id"], paid["status"], paid["amount"]) == (payout["id"], "paid", "150.00")


def test_a_shop_owner_hears_of_her_page_s_progress(client, auth, receiver):
    job = JobFactory()
    _subscribe(client, auth(job.seller.owner), receiver.url, ["promotion.progress_recorded"])

    client.post(f"/api/v1/promotions/{job.id}/progress", json={"count": 1200}, headers=auth(job.coordinator))

    [delivery] = _deliveries()
    assert json.loads(delivery.body)["data"]["latest_count"] == 1200


# --- delivery ------------------------------------------------------------------------------


def test_a_receiver_failing_twice_gets_the_event_once_signed(app, client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    secret = _subscribe(client, headers, receiver.url)["secret"]
    receiver.statuses = [500, 503]
    with time_machine.travel(utcnow(), tick=False) as clock:
        _place_order(client, headers, product)
        (delivery,) = _deliveries()
        signatures_ok, delays = [], []
        for wait in (0, RETRY_DELAYS[0] * 1.2, RETRY_DELAYS[1] * 1.2):
            clock.shift(timedelta(seconds=wait))
            delays.append(tasks.attempt_delivery(delivery.id))
            headers_in, body = receiver.received[-1]
            signatures_ok.append(Webhook(secret).verify(body, headers_in)["type"] == "order.created")
        clock.shift(timedelta(hours=30))
        tasks.attempt_delivery(delivery.id)  # delivered: nothing more goes out

    assert signatures_ok == [True, True, True]
    assert delays[2] is None and 4.5 <= delays[0] <= 5.5 and 270 <= delays[1] <= 330
    assert len(receiver.received) == 3
    assert len(set(receiver.event_ids())) == 1 and receiver.event_ids()[0] == delivery.event_id
    (done,) = _deliveries()
    assert done.status == DeliveryStatus.delivered
    log = client.get(f"/api/v1/webhooks/{done.subscription_id}/deliveries", headers=headers).get_json()
    assert [a["status_code"] for a in log[0]["attempts"]] == [500, 503, 200]
    assert len(log[0]["attempts"][0]["response_excerpt"]) == 1024


def test_retries_wait_for_their_time(client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    _subscribe(client, headers, receiver.url)
    receiver.statuses = [500]
    with time_machine.travel(utcnow(), tick=False) as clock:
        _place_order(client, headers, product)
        (delivery,) = _deliveries()
        delay = tasks.attempt_delivery(delivery.id)
        clock.shift(timedelta(seconds=delay - 1))
        tasks.attempt_delivery(delivery.id)

    assert 4.5 <= delay <= 5.5
    assert len(receiver.received) == 1


def test_a_day_of_failures_disables_the_subscription_and_says_why(client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    subscription = _subscribe(client, headers, receiver.url)
    receiver.statuses = [500] * 20
    with time_machine.travel(utcnow(), tick=False) as clock:
        _place_order(client, headers, product)
        (delivery,) = _deliveries()
        started = utcnow()
        while (delay := tasks.attempt_delivery(delivery.id)) is not None:
            clock.shift(timedelta(seconds=delay))
        took = utcnow() - started

    assert len(receiver.received) == len(RETRY_DELAYS) + 1
    assert timedelta(hours=22) < took < timedelta(hours=33)
    shown = client.get(f"/api/v1/webhooks/{subscription['id']}", headers=headers).get_json()
    assert (shown["enabled"], shown["disabled_reason"], shown["last_failure"]) == (False, "failing", "HTTP 500")
    assert _deliveries()[0].status == DeliveryStatus.failed


def test_a_410_disables_the_subscription_at_once(client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    _subscribe(client, headers, receiver.url)
    receiver.statuses = [410]
    _place_order(client, headers, product)

    assert tasks.attempt_delivery(_deliveries()[0].id) is None

    subscription = db.session.scalars(sa.select(WebhookSubscription)).one()
    assert (subscription.enabled, subscription.disabled_reason) == (False, DisabledReason.gone)


def test_a_disabled_subscription_gets_nothing_until_enabled_again(client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    subscription = _subscribe(client, headers, receiver.url)
    _place_order(client, headers, product)
    (pending,) = _deliveries()
    client.patch(f"/api/v1/webhooks/{subscription['id']}", json={"enabled": False}, headers=headers)
    _place_order(client, headers, product)  # no delivery while it is off
    tasks.attempt_delivery(pending.id)
    assert (len(_deliveries()), receiver.received) == (1, [])

    shown = client.patch(f"/api/v1/webhooks/{subscription['id']}", json={"enabled": True}, headers=headers).get_json()
    tasks.attempt_delivery(pending.id)

    assert (shown["enabled"], shown["disabled_reason"]) == (True, None)
    assert receiver.event_ids() == [pending.event_id]


def test_replaying_a_delivery_sends_the_same_event_again(client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    secret = _subscribe(client, headers, receiver.url)["secret"]
    _place_order(client, headers, product)
    (first,) = _deliveries()
    tasks.attempt_delivery(first.id)

    response = client.post(f"/api/v1/webhooks/{first.subscription_id}/deliveries/{first.id}/replay", headers=headers)
    tasks.attempt_delivery(response.get_json()["id"])

    assert response.status_code == 202
    assert response.get_json()["replay_of_id"] == first.id
    assert receiver.event_ids() == [first.event_id, first.event_id]
    assert receiver.received[0][1] == receiver.received[1][1]
    Webhook(secret).verify(receiver.received[1][1], receiver.received[1][0])
    assert [d.status for d in _deliveries()] == [DeliveryStatus.delivered, DeliveryStatus.delivered]


def test_a_test_event_reaches_the_receiver(client, auth, receiver):
    seller = SellerFactory()
    headers = auth(seller.owner)
    subscription = _subscribe(client, headers, receiver.url)

    response = client.post(f"/api/v1/webhooks/{subscription['id']}/test", headers=headers)
    tasks.attempt_delivery(response.get_json()["id"])

    assert response.status_code == 202
    payload = Webhook(subscription["secret"]).verify(receiver.received[0][1], receiver.received[0][0])
    assert payload["type"] == "webhook.test" and payload["data"]["subscription_id"] == subscription["id"]


def test_a_name_that_turns_private_after_the_check_is_refused_at_delivery(app, client, auth, receiver, monkeypatch):
    """DNS rebinding: the name was public when subscribed, points inside when sent."""
    product = ProductFactory()
    headers = auth(product.seller.owner)
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", False)
    _subscribe(client, headers, "https://hooks.example.com/x")
    _place_order(client, headers, product)
    monkeypatch.setitem(app.config, "WEBHOOKS_RESOLVER", lambda host, port: ["127.0.0.1"])

    tasks.attempt_delivery(_deliveries()[0].id)

    assert receiver.received == []
    assert "private address" in _deliveries()[0].attempts[0].error


def test_a_delivery_left_behind_is_found_by_the_sweep(client, auth, receiver):
    product = ProductFactory()
    headers = auth(product.seller.owner)
    _subscribe(client, headers, receiver.url)
    _place_order(client, headers, product)
    tasks.huey.flush()  # the queued task is lost

    tasks.run_sweep()
    for task in list(tasks.huey.pending()):
        tasks.huey.execute(task)

    assert len(receiver.received) == 1
    assert _deliveries()[0].status == DeliveryStatus.delivered


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_delivers_after_restart(app, client, auth, receiver, database_url, tmp_path):
    queue = tmp_path / "huey.db"
    app.config.update(HUEY_STORAGE="sqlite", HUEY_SQLITE_PATH=str(queue))
    tasks.init_app(app)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test", "HUEY_STORAGE": "sqlite",
           "HUEY_SQLITE_PATH": str(queue), "WEBHOOKS_ALLOW_PRIVATE": "1", "WEBHOOK_LEASE_SECONDS": "2"}
    consumer = [str(Path(sys.executable).parent / "huey_consumer"), "worker.huey", "-k", "thread", "-w", "1"]

    def start():
        return subprocess.Popen(consumer, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)

    try:
        product = ProductFactory()
        headers = auth(product.seller.owner)
        _subscribe(client, headers, receiver.url)
        receiver.hold.clear()  # the receiver hangs: the worker is mid-delivery
        _place_order(client, headers, product)
        worker = start()
        assert receiver.arrived.wait(60), "the worker never sent the delivery"
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        receiver.hold.set()
        assert _deliveries()[0].status == DeliveryStatus.pending

        worker = start()
        deadline = utcnow() + timedelta(seconds=60)
        while _deliveries()[0].status != DeliveryStatus.delivered and utcnow() < deadline:
            threading.Event().wait(0.5)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        app.config.update(HUEY_STORAGE="memory")
        tasks.init_app(app)

    (delivery,) = _deliveries()
    assert delivery.status == DeliveryStatus.delivered
    assert set(receiver.event_ids()) == {delivery.event_id} and len(receiver.received) == 2


@pytest.mark.parametrize("orders", [1, 10])
def test_the_outbox_reads_subscribers_and_rows_once_whatever_the_number_of_events(client, auth, receiver,
                                                                                  count_queries, orders):
    product = ProductFactory()
    _subscribe(client, auth(product.seller.owner), receiver.url, ["order.created"])
    placed = [order_with_lines(product.seller, [(product, 1)]) for _ in range(orders)]
    for order in placed:
        emit("order.created", order)

    with count_queries() as queries:
        write_outbox(db.session)

    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) == orders
    # The subscribers and their owners, the orders with their lines and customers, the deliveries:
    # as many statements for 10 events as for 1 (one per event and subscriber, before).
    assert queries.count == 6, queries.statements
