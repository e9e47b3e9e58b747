"""SIGKILL mid-load: gunicorn (gunicorn.conf.py) is killed, master and workers at once,
while threads place and pay orders with Idempotency-Keys; then restarted.

Every 201 a client received must still be true, no row may be half-written, and a
client retrying the keys that never got an answer must end with exactly one order
(one payment) per key. The scenario runs once per module on a database of its own,
of the kind the suite runs on (a SQLite file; PostgreSQL in the PostgreSQL run), and
each test checks one promise.
"""
import time

import pytest
import sqlalchemy as sa

from tests.live_server import LiveServer, WriteLoad, prepare_shop, scratch_database, sqlite_file

pytestmark = pytest.mark.slow  # two gunicorn starts and a write load: about 10 s

RETRY_FOR = 5.0  # seconds a retried key may keep answering 409 "in progress" (Retry-After)


class Crash:
    """What the clients saw before the kill, and what their retries got after it."""

    def __init__(self, database_url: str, load: WriteLoad, integrity: list | None):
        self.database_url = database_url
        self.load = load
        self.integrity = integrity  # PRAGMA integrity_check right after the kill (SQLite)
        self.retried: dict[str, int] = {}  # key -> the status its retries ended with

    def sql(self, query: str, **params) -> list:
        engine = sa.create_engine(self.database_url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return conn.execute(sa.text(query), params).all()
        finally:
            engine.dispose()


def retry(server: LiveServer, load: WriteLoad, key: str, path: str, body: dict, deadline: float) -> int:
    """Send the same request with the same key again, as a client would, waiting out
    409 "in progress" (Retry-After) until `deadline`; the last status."""
    while True:
        answer = server.request("POST", path, body, {**load.headers, "Idempotency-Key": key})
        if answer.status != 409 or "Retry-After" not in answer.headers or time.monotonic() > deadline:
            return answer.status
        time.sleep(min(float(answer.headers["Retry-After"]), 1.0))


@pytest.fixture(scope="module")
def crash(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("crash")
    with scratch_database(tmp_path) as url:
        shop = prepare_shop(url)
        server = LiveServer(url, tmp_path / "gunicorn.log").start()
        try:
            token = server.token(shop["email"], shop["password"])
            load = WriteLoad(server, token, shop, threads=6, pay=True).start()
            load.wait_for_orders(30)
            server.kill()
            load.stop()
        finally:
            server.stop()
        path = sqlite_file(url)
        integrity = Crash(url, load, None).sql("PRAGMA integrity_check") if path else None
        outcome = Crash(url, load, integrity)

        server = LiveServer(url, tmp_path / "gunicorn.log").start()
        try:
            deadline = time.monotonic() + RETRY_FOR
            for key, path_, body in load.unanswered:
                outcome.retried[key] = retry(server, load, key, path_, body, deadline)
        finally:
            server.stop()
        yield outcome


def test_the_kill_landed_mid_load(crash):
    assert crash.load.unexpected == []
    assert len(crash.load.orders) >= 30 and crash.load.payments
    assert crash.load.cut_off, "no request was in flight when the server was killed"


def test_the_database_file_is_sound(crash):
    if crash.integrity is None:
        assert crash.sql("SELECT 1") == [(1,)]  # PostgreSQL: it answers after the kill
    else:
        assert crash.integrity == [("ok",)]


def test_every_acknowledged_order_and_payment_is_kept(crash):
    orders = {order_id for (order_id,) in crash.sql("SELECT id FROM orders")}
    payments = {payment_id for (payment_id,) in crash.sql("SELECT id FROM payments")}

    assert set(crash.load.orders.values()) <= orders
    assert {payment_id for _, payment_id in crash.load.payments.values()} <= payments


@pytest.mark.parametrize("what, query", [
    ("orders without lines",
     "SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"),
    ("orders without their creation in the history",
     "SELECT o.id FROM orders o WHERE NOT EXISTS "
     "(SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.from_status IS NULL)"),
    ("orders whose total is not their lines'",
     "SELECT o.id FROM orders o WHERE o.total <> "
     "(SELECT COALESCE(SUM(l.unit_price * l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id)"),
    ("payments not reflected in the order's amount_paid",
     "SELECT o.id FROM orders o WHERE o.amount_paid <> "
     "(SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.order_id = o.id)"),
])
def test_no_row_is_half_written(crash, what, query):
    assert crash.sql(query) == [], what


def test_retrying_keys_that_never_got_an_answer_makes_exactly_one_of_each(crash):
    orders_per_key = dict(crash.sql("SELECT note, count(*) FROM orders GROUP BY note"))
    payments_per_order = dict(crash.sql("SELECT order_id, count(*) FROM payments GROUP BY order_id"))
    paid_orders = [crash.load.orders[key.replace("payment-", "order-")]
                   for key in crash.load.payments]
    paid_orders += [path.split("/")[-2] for key, path, _ in crash.load.unanswered if key.startswith("payment-")]

    assert crash.retried == {key: 201 for key in crash.retried}
    assert set(orders_per_key.values()) == {1}, "some key made more than one order"
    assert set(orders_per_key) == set(crash.load.orders) | {
        key for key, _, _ in crash.load.unanswered if key.startswith("order-")}
    assert payments_per_order == {order_id: 1 for order_id in paid_orders}
