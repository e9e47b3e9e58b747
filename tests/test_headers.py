"""What every answer promises browsers and proxies (shared/security.py, gunicorn.conf.py)."""
import io

import pytest
from flask import Flask, request

from admin.assets import HTMX_URL as HTMX
from shared import config, security
from tests.factories import UserFactory
from tests.live_server import live_server, prepare_shop, scratch_sqlite

API_CSP = "default-src 'none'; frame-ancestors 'none'"
LIMIT = 1024 * 1024


# --- on every answer ----------------------------------------------------------------


@pytest.mark.parametrize("method, path, with_token", [
    ("GET", "/api/v1/products", True),
    ("GET", "/api/v1/products", False),
    ("POST", "/api/v1/auth/tokens", False),
    ("GET", "/openapi.json", False),
    ("GET", "/docs", False),
    ("GET", "/nowhere", False),
    ("GET", "/admin/", False),
])
def test_every_answer_forbids_sniffing_referrers_and_framing(client, headers, method, path, with_token):
    response = client.open(path, method=method, headers=headers if with_token else {})

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/api/v1/products", "/openapi.json", "/nowhere"])
def test_data_answers_may_load_nothing(client, headers, path):
    response = client.get(path, headers=headers)

    assert response.headers["Content-Security-Policy"] == API_CSP


def test_docs_served_by_this_server_may_load_only_from_it(client):
    response = client.get("/docs")

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert "https:" not in policy and "http:" not in policy


def test_docs_may_load_swagger_ui_from_where_it_is_configured(client, app, monkeypatch):
    cdn = "https://cdn.example/swagger-ui-dist@5.34.0/"
    monkeypatch.setitem(app.config, "DOCS_ASSETS_URL", cdn)

    response = client.get("/docs")

    assert f"script-src 'self' {cdn};" in response.headers["Content-Security-Policy"]
    assert f'src="{cdn}swagger-ui-bundle.js"' in response.get_data(as_text=True)


def test_admin_allows_only_itself_and_the_pinned_htmx(client, app):
    policy = client.get("/admin/login").headers["Content-Security-Policy"]

    assert policy == app.config["CSP_ADMIN"]
    sources = {word for part in policy.split(";") for word in part.split()[1:]}
    assert sources <= {"'self'", "'none'", HTMX}
    assert "frame-ancestors 'none'" in policy


def test_admin_policy_comes_from_config(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CSP_ADMIN", "default-src 'self'; frame-ancestors 'none'")

    assert client.get("/admin").headers["Content-Security-Policy"] == "default-src 'self'; frame-ancestors 'none'"
    assert client.get("/administrator").headers["Content-Security-Policy"] == API_CSP


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/openapi.json").headers

    response = client.get("/openapi.json", base_url="https://tawasi.example")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


# --- Cache-Control ------------------------------------------------------------------


def test_answers_behind_a_token_are_not_stored(client, headers, shop):
    response = client.get("/api/v1/products", headers=headers)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_new_token_is_not_stored(client):
    user = UserFactory()

    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "secret-password"})

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"


def test_errors_under_the_api_are_not_stored_either(client):
    assert client.get("/api/v1/products").headers["Cache-Control"] == "no-store"


def test_a_client_keeping_its_own_copy_still_revalidates_with_the_etag(client, headers, shop):
    url = f"/api/v1/sellers/{shop.id}"
    etag = client.get(url, headers=headers).headers["ETag"]

    response = client.get(url, headers={**headers, "If-None-Match": etag})

    assert response.status_code == 304
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
def test_public_documents_stay_cacheable(client, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "")


# --- request bodies -----------------------------------------------------------------


def chunked(client, path, body: bytes, headers=None):
    """A POST as gunicorn hands it over when the client sends no Content-Length."""
    return client.post(path, input_stream=io.BytesIO(body),
                       headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked",
                                **(headers or {})},
                       environ_overrides={"wsgi.input_terminated": True})


def oversized_login() -> bytes:
    return b'{"email": "' + b"a" * LIMIT + b'@example.com", "password": "x"}'


def test_a_chunked_body_over_the_limit_is_413(client):
    response = chunked(client, "/api/v1/auth/tokens", oversized_login())

    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert response.json["detail"] == "The request body is too large."


def test_a_chunked_body_of_exactly_the_limit_is_read_whole(client):
    body = b'{"email": "someone@example.com", "password": "'
    body += b"x" * (LIMIT - len(body) - 2) + b'"}'
    assert len(body) == LIMIT

    response = chunked(client, "/api/v1/auth/tokens", body)

    assert response.status_code == 422  # read whole and parsed: the password is too long
    assert set(response.json["errors"]) == {"password"}


def test_a_small_chunked_body_is_parsed(client):
    user = UserFactory()
    body = f'{{"email": "{user.email}", "password": "secret-password"}}'.encode()

    response = chunked(client, "/api/v1/auth/tokens", body)

    assert response.status_code == 201


# --- behind a proxy -----------------------------------------------------------------


def login_as_stranger(client, n: int, **headers):
    return client.post("/api/v1/auth/tokens", json={"email": f"guess{n}@example.com", "password": "x"},
                       headers=headers)


def test_x_forwarded_for_cannot_dodge_the_login_limit(client):
    for n in range(10):
        assert login_as_stranger(client, n, **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code == 401

    response = login_as_stranger(client, 10, **{"X-Forwarded-For": "203.0.113.99"})

    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    for n in range(10):
        assert login_as_stranger(client, n, **{"X-Forwarded-For": "203.0.113.7"}).status_code == 401

    assert login_as_stranger(client, 10, **{"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    assert login_as_stranger(client, 11, **{"X-Forwarded-For": "203.0.113.8"}).status_code == 401


@pytest.fixture
def echo():
    """A bare app with shared/security.py: it answers the client address it believes."""
    echo = Flask(__name__)
    echo.config.update(config.STATIC)

    @echo.get("/")
    def address():
        return {"remote_addr": request.remote_addr, "scheme": request.scheme}

    security.init_app(echo)
    return echo


def seen(echo, trusted, peer, forwarded=None, proto=None):
    echo.config["TRUSTED_PROXIES"] = trusted
    headers = {}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    if proto is not None:
        headers["X-Forwarded-Proto"] = proto
    response = echo.test_client().get("/", headers=headers, environ_base={"REMOTE_ADDR": peer})
    return response.json["remote_addr"], response.json["scheme"], response.headers


@pytest.mark.parametrize("trusted, peer, forwarded, client_address", [
    (0, "10.0.0.2", "203.0.113.5", "10.0.0.2"),                         # no proxy: the header is ignored
    (1, "10.0.0.2", "203.0.113.5", "203.0.113.5"),                      # one proxy
    (1, "10.0.0.2", "198.51.100.1, 203.0.113.5", "203.0.113.5"),        # a prepended fake is ignored
    (2, "10.0.0.2", "198.51.100.1, 203.0.113.5, 10.0.0.3", "203.0.113.5"),  # two proxies
    ("2", "10.0.0.2", "203.0.113.5", "10.0.0.2"),                       # fewer values than proxies
    ("10.0.0.2", "10.0.0.2", "203.0.113.5", "203.0.113.5"),             # the peer is a known proxy
    ("10.0.0.2", "192.0.2.9", "203.0.113.5", "192.0.2.9"),              # a stranger sends the header
    ("10.0.0.0/8, 192.168.1.1", "10.0.0.2", "198.51.100.1, 203.0.113.5, 192.168.1.1", "203.0.113.5"),
    (["10.0.0.0/8"], "10.0.0.2", "10.0.0.4, 10.0.0.3", "10.0.0.4"),     # every hop a proxy
    ("::1", "::1", "2001:db8::7", "2001:db8::7"),
])
def test_client_address_behind_proxies(echo, trusted, peer, forwarded, client_address):
    assert seen(echo, trusted, peer, forwarded)[0] == client_address


def test_https_at_a_trusted_proxy_brings_hsts(echo):
    address, scheme, headers = seen(echo, 1, "10.0.0.2", "203.0.113.5", proto="https")

    assert scheme == "https"
    assert headers["Strict-Transport-Security"] == "max-age=31536000"


def test_https_claimed_by_a_client_is_not_believed(echo):
    address, scheme, headers = seen(echo, 0, "203.0.113.5", proto="https")

    assert scheme == "http"
    assert "Strict-Transport-Security" not in headers


def test_a_mistyped_trusted_proxies_fails_at_start():
    app = Flask(__name__)
    app.config.update(config.STATIC, TRUSTED_PROXIES="10.0.0.300")

    with pytest.raises(ValueError):
        security.init_app(app)


# --- under gunicorn (gunicorn.conf.py), as `make run` serves ------------------------


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    with scratch_sqlite(tmp_path) as url:
        prepare_shop(url)
        with live_server(url, tmp_path / "gunicorn.log") as server:
            yield server


@pytest.mark.slow  # starts gunicorn (once for the four)
def test_gunicorn_sends_no_server_header(gunicorn_server):
    for path in ("/openapi.json", "/nowhere", "/api/v1/products"):
        answer = gunicorn_server.request("GET", path)
        assert answer.headers.get_all("Server") is None, path
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.slow  # starts gunicorn (once for the four)
def test_gunicorn_answers_an_oversized_chunked_body_413(gunicorn_server):
    def chunks(body=oversized_login()):
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    answer = gunicorn_server.request("POST", "/api/v1/auth/tokens", body=chunks(),
                                     headers={"Content-Type": "application/json"})

    assert answer.status == 413
    assert answer.headers["Content-Type"] == "application/problem+json"


@pytest.mark.slow  # starts gunicorn (once for the four)
def test_gunicorn_reads_a_small_chunked_body(gunicorn_server):
    answer = gunicorn_server.request("POST", "/api/v1/auth/tokens",
                                     body=iter([b'{"email": "nobody@example.com", ', b'"password": "x"}']),
                                     headers={"Content-Type": "application/json"})

    assert answer.status == 401  # parsed and checked, not refused as unreadable


@pytest.mark.slow  # starts gunicorn (once for the four)
def test_gunicorn_does_not_believe_x_forwarded_proto_itself(gunicorn_server):
    answer = gunicorn_server.request("GET", "/openapi.json", headers={"X-Forwarded-Proto": "https"})

    assert answer.status == 200
    assert "Strict-Transport-Security" not in answer.headers
