"""Rate limits that mean what they say (issue 12, point 3): a throttle per account kept in
the database, known devices that strangers cannot lock out, RateLimit-* headers, and the
per-address counters in Redis when REDIS_URL is set (shared/ratelimits.py,
shared/services/logins.py)."""
import os
import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from shared import config
from shared.extensions import db, limiter
from shared.models import KnownDevice, User
from shared.services.logins import lock_for
from tests.conftest import FreshContextClient
from tests.factories import PASSWORD, UserFactory
from wsgi import create_app

TOKENS = "/api/v1/auth/tokens"
PHONE = "a3f1c2d4-0b1e-4c55-9a77-3d2e1f0a9b8c"  # the X-Device-Id an app made once and kept


def login(client, email, password=PASSWORD, device=None, **headers):
    if device:
        headers["X-Device-Id"] = device
    return client.post(TOKENS, json={"email": email, "password": password}, headers=headers)


def fail(client, email, times, **kwargs):
    for _ in range(times):
        assert login(client, email, "wrong-guess", **kwargs).status_code == 401


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def other_apps(app):
    """Apps made beside the test's (other workers) re-bind the one flask-limiter to their
    storage: bind it back to the test app's after."""
    yield
    limiter.init_app(app)


# --- per account, in the database ------------------------------------------------------------


def test_five_failures_lock_the_account_even_for_the_right_password(client, user):
    fail(client, user.email, 5)

    response = login(client, user.email)

    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "too-many-attempts"
    assert 1 <= int(response.headers["Retry-After"]) <= 30


def test_the_lock_is_in_the_database_so_every_worker_sees_it(client, user, app, other_apps):
    fail(client, user.email, 5)
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is not None

    other_worker = create_app({**app.config, "RATELIMIT_STORAGE_URI": "memory://"})  # counters of its own
    with other_worker.app_context():
        response = other_worker.test_client().post(TOKENS, json={"email": user.email, "password": PASSWORD})

    assert response.status_code == 429
    assert response.json["code"] == "too-many-attempts"


def test_the_lock_backs_off_and_a_success_starts_again(client, user, time_machine):
    time_machine.move_to("2026-11-26T10:00:00Z", tick=False)
    fail(client, user.email, 5)  # locked 30 s
    time_machine.move_to("2026-11-26T10:00:31Z", tick=False)
    fail(client, user.email, 1)  # the 6th: 60 s

    time_machine.move_to("2026-11-26T10:01:30Z", tick=False)
    assert login(client, user.email).status_code == 429
    time_machine.move_to("2026-11-26T10:01:32Z", tick=False)
    assert login(client, user.email).status_code == 201

    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert (stored.failed_logins, stored.locked_until) == (0, None)


def test_backoff_doubles_up_to_fifteen_minutes():
    assert [lock_for(n) for n in (4, 5, 6, 7)] == [None, timedelta(seconds=30), timedelta(seconds=60),
                                                    timedelta(seconds=120)]
    assert lock_for(40) == timedelta(minutes=15)


def test_failures_counted_by_requests_at_once_all_count(client, user, app):
    import threading

    email, count = user.email, 4
    db.session.remove()
    barrier, statuses = threading.Barrier(count), []

    def one():
        with app.app_context():  # its own context, so its own session and connection
            test_client = app.test_client()
            barrier.wait()
            statuses.append(test_client.post(TOKENS, json={"email": email, "password": "wrong"}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [401] * count
    assert db.session.scalar(sa.select(User.failed_logins).where(User.email == email)) == count


# --- known devices -----------------------------------------------------------------------------


def test_a_known_device_logs_in_after_strangers_exhaust_the_address_and_the_account(client, user):
    assert login(client, user.email, device=PHONE).status_code == 201  # this phone logged in before
    fail(client, user.email, 5)  # a stranger locks the account...
    for n in range(5):  # ...and uses up the address's limit
        assert login(client, f"guess{n}@example.com", "x").status_code == 401
    assert login(client, user.email).status_code == 429  # an unknown device is refused

    response = login(client, user.email, device=PHONE)

    assert response.status_code == 201
    assert "Retry-After" not in response.headers


def test_a_device_id_unknown_to_this_account_helps_nothing(client, user):
    other = UserFactory()
    assert login(client, other.email, device=PHONE).status_code == 201
    fail(client, user.email, 5)

    assert login(client, user.email, device=PHONE).status_code == 429


def test_a_known_devices_own_failures_lock_it(client, user):
    assert login(client, user.email, device=PHONE).status_code == 201
    fail(client, user.email, 5, device=PHONE)

    response = login(client, user.email, device=PHONE)

    assert response.status_code == 429
    assert response.json["code"] == "too-many-attempts"
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is None  # the account is not locked for others
    assert login(client, user.email).status_code == 201


@pytest.mark.parametrize("body", [{"email": "a\u0000@example.com", "password": "x"},
                                  {"phone": "0944\u0000", "password": "x"}])
def test_a_nul_in_the_credentials_of_a_device_is_422_not_a_crash(client, body):
    response = client.post(TOKENS, json=body, headers={"X-Device-Id": PHONE})

    assert response.status_code == 422


def test_only_a_hash_of_the_device_id_is_kept(client, user):
    login(client, user.email, device=PHONE)

    stored = db.session.scalars(sa.select(KnownDevice.device_hash)).all()

    assert len(stored) == 1 and PHONE not in stored[0] and len(stored[0]) == 64


# --- headers ---------------------------------------------------------------------------------


def test_a_success_carries_ratelimit_headers_and_no_retry_after(client, user):
    response = login(client, user.email)

    assert response.status_code == 201
    assert "Retry-After" not in response.headers
    assert response.headers["RateLimit-Limit"] == "10"
    assert response.headers["RateLimit-Remaining"] == "10"  # only failures count
    assert 0 <= int(response.headers["RateLimit-Reset"]) <= 60
    assert response.headers["RateLimit-Policy"] == "10;w=60"
    assert not any(name.startswith("X-RateLimit") for name in response.headers.keys())


def test_each_failure_counts_down_and_the_429_says_when_to_retry(client):
    remaining = [login(client, f"guess{n}@example.com", "x").headers["RateLimit-Remaining"] for n in range(10)]

    response = login(client, "guess@example.com", "x")

    assert remaining == [str(n) for n in range(9, -1, -1)]
    assert response.status_code == 429
    assert response.json["code"] == "too-many-requests"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["RateLimit-Remaining"] == "0"


def test_the_login_operation_declares_429_and_its_headers(client):
    spec = client.get("/openapi.json").json
    operation = spec["paths"][TOKENS]["post"]

    assert "429" in operation["responses"]
    assert "X-Device-Id" in operation["description"]


# --- the admin's login form ------------------------------------------------------------------


def csrf(client) -> str:
    import re

    page = client.get("/admin/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def admin_login(client, email, password=PASSWORD):
    return client.post("/admin/login", data={"email": email, "password": password, "csrf_token": csrf(client)})


def test_the_admin_shows_a_locked_account_as_a_page_not_json(client, user):
    for _ in range(5):
        assert admin_login(client, user.email, "wrong").status_code == 401

    response = admin_login(client, user.email)

    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) >= 1
    assert "محاولات دخول فاشلة كثيرة" in response.get_data(as_text=True)  # the login page speaks Arabic first


def test_a_browser_that_logged_in_before_is_not_locked_out_by_strangers(app, user):
    mine, stranger = app.test_client(), app.test_client()
    assert admin_login(mine, user.email).status_code == 303
    cookie = mine.get_cookie("tawasi_device", path="/admin")
    assert cookie is not None and cookie.http_only
    mine.delete_cookie("session")  # logged out; the device cookie stays
    for _ in range(5):
        assert admin_login(stranger, user.email, "wrong").status_code == 401
    assert admin_login(stranger, user.email).status_code == 429

    assert admin_login(mine, user.email).status_code == 303


def test_a_forged_device_cookie_is_an_unknown_device(app, user):
    client = app.test_client()
    assert admin_login(client, user.email).status_code == 303
    for _ in range(5):
        assert admin_login(app.test_client(), user.email, "wrong").status_code == 401
    forged = app.test_client()
    forged.set_cookie("tawasi_device", "forged.value", path="/admin")

    assert admin_login(forged, user.email).status_code == 429


# --- where the per-address counters live -------------------------------------------------------


def test_redis_holds_the_counters_when_redis_url_is_set(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/0")
    assert config.from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"
    monkeypatch.delenv("REDIS_URL")
    assert config.from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing (apt-get install redis-server)")
        pytest.skip("redis-server is missing (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_two_workers_sharing_redis_allow_ten_in_all_not_twenty(app, redis_url, other_apps):
    workers = [create_app({**app.config, "RATELIMIT_STORAGE_URI": redis_url}) for _ in range(2)]
    statuses = []
    for n in range(12):
        worker = workers[n % 2]
        with worker.app_context():
            client = worker.test_client()
            client.__class__ = FreshContextClient
            statuses.append(client.post(TOKENS, json={"email": f"guess{n}@example.com", "password": "x"}).status_code)

    assert statuses == [401] * 10 + [429] * 2
