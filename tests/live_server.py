"""A real gunicorn, started with the repo's gunicorn.conf.py, on a database of a test's own.

For what only separate processes show: the headers gunicorn writes itself, a backup
taken while another process writes, a SIGKILL. Each server is started in a session
of its own, so `kill()` reaches exactly its master and workers.
"""
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def scratch_sqlite(tmp_path: Path):
    """A SQLite file of the test's own, whatever database the suite runs on."""
    yield f"sqlite:///{tmp_path / 'live.db'}"


@contextmanager
def scratch_database(tmp_path: Path):
    """A database of the test's own, of the kind the suite runs on (SQLite or PostgreSQL)."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'live.db'}"
        return
    from tests.conftest import own_postgres_database

    with own_postgres_database(TEST_DATABASE_URL) as url:
        yield url


def sqlite_file(database_url: str) -> str | None:
    url = sa.make_url(database_url)
    return url.database if url.get_backend_name() == "sqlite" else None


def prepare_shop(database_url: str) -> dict:
    """Tables, a home seller (password tests.factories.PASSWORD) with her shop, a
    customer and a product of 10.00 TRY: what a write load needs."""
    from decimal import Decimal

    from shared.extensions import db
    from tests.factories import PASSWORD, CustomerFactory, ProductFactory
    from wsgi import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "live", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        product = ProductFactory(price=Decimal("10.00"))
        customer = CustomerFactory(seller=product.seller)
        shop = {"email": product.seller.owner.email, "password": PASSWORD,
                "product_id": product.id, "customer_id": customer.id}
        db.session.remove()
        db.engine.dispose()
    return shop


class Answer:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def json(self):
        return json.loads(self.body)


class LiveServer:
    """`gunicorn -c gunicorn.conf.py` on `database_url`, on a free local port."""

    def __init__(self, database_url: str, log_path: Path, **env):
        self.database_url = database_url
        self.log_path = log_path
        self.env = env
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self, timeout: float = 30) -> "LiveServer":
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TRUSTED_PROXIES")}
        env.update({"DATABASE_URL": self.database_url, "SECRET_KEY": "live", **self.env})
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                 "--bind", f"127.0.0.1:{self.port}"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
            try:
                if self.request("GET", "/api/v1/nowhere", timeout=2).status == 404:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer in {timeout} s: {self.log_path.read_text()[-2000:]}")

    def request(self, method: str, path: str, json_body=None, headers=None, *, body=None,
                timeout: float = 15) -> Answer:
        """One request on a new connection; raises OSError (or http.client's errors,
        which are OSErrors or HTTPException) when the server does not answer."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = dict(headers or {})
            if json_body is not None:
                body = json.dumps(json_body).encode()
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=body, headers=headers,
                         encode_chunked=body is not None and not isinstance(body, bytes))
            response = conn.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            conn.close()

    def token(self, email: str, password: str) -> str:
        answer = self.request("POST", "/api/v1/auth/tokens", {"email": email, "password": password})
        assert answer.status == 201, answer.body
        return answer.json["token"]

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: nothing gets to clean up."""
        # Only while the master is not yet reaped: its pid (the group's id) cannot be reused.
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group: master and workers
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


@contextmanager
def live_server(database_url: str, log_path: Path, **env):
    server = LiveServer(database_url, log_path, **env).start()
    try:
        yield server
    finally:
        server.stop()


class WriteLoad:
    """Threads that place orders (and pay each one) on a live server, every POST with an
    Idempotency-Key, until stopped or until the server stops answering.

    It keeps what a client would know: the keys answered 201 (with the ids), and the
    requests that never got an answer or got a 5xx (their keys may be retried).
    """

    def __init__(self, server: LiveServer, token: str, shop: dict, *, threads: int = 4, pay: bool = False):
        self.server, self.shop, self.pay = server, shop, pay
        self.headers = {"Authorization": f"Bearer {token}"}
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.orders: dict[str, str] = {}        # key -> order id, for every 201
        self.order_times: dict[str, float] = {}  # key -> when its 201 arrived (monotonic)
        self.payments: dict[str, tuple[str, str]] = {}  # key -> (order id, payment id)
        self.unanswered: list[tuple[str, str, dict]] = []  # (key, path, body): no answer, or a 5xx
        self.unexpected: list[tuple[str, int, bytes]] = []  # any other answer
        self.cut_off = 0  # requests the server took in and never answered (not merely refused)

    def order_body(self, key: str) -> dict:
        # The note names the key, so the rows one key made can be counted afterwards.
        return {"customer_id": self.shop["customer_id"], "note": key,
                "lines": [{"product_id": self.shop["product_id"], "quantity": 1}]}

    def start(self) -> "WriteLoad":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def wait_for_orders(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.orders) < count:
            assert time.monotonic() < deadline, f"only {len(self.orders)} orders in {timeout} s"
            time.sleep(0.05)

    def acknowledged_before(self, moment: float) -> set[str]:
        with self._lock:
            return {self.orders[key] for key, at in self.order_times.items() if at < moment}

    def _post(self, key: str, path: str, body: dict) -> Answer | None:
        try:
            answer = self.server.request("POST", path, body, {**self.headers, "Idempotency-Key": key})
        except ConnectionRefusedError:
            answer = None
        except (OSError, http.client.HTTPException):
            answer = None
            with self._lock:
                self.cut_off += 1
        with self._lock:
            if answer is None or answer.status >= 500:
                self.unanswered.append((key, path, body))
            elif answer.status != 201:
                self.unexpected.append((key, answer.status, answer.body))
        return answer

    def _run(self, n: int) -> None:
        for i in itertools.count():
            if self._stop.is_set():
                return
            key = f"order-{n}-{i}"
            answer = self._post(key, "/api/v1/orders", self.order_body(key))
            if answer is None:
                return  # the server is gone
            if answer.status != 201:
                continue
            order_id = answer.json["id"]
            with self._lock:
                self.orders[key] = order_id
                self.order_times[key] = time.monotonic()
            if not self.pay:
                continue
            key = f"payment-{n}-{i}"
            answer = self._post(key, f"/api/v1/orders/{order_id}/payments", {"amount": "10.00"})
            if answer is None:
                return
            if answer.status == 201:
                with self._lock:
                    self.payments[key] = (order_id, answer.json["id"])
