"""The admin's foundation through Flask's test client: who gets in, the session cookie,
CSRF, where `next` may lead, languages, and pages versus htmx fragments."""
import base64
import hashlib
import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from admin.assets import HTMX_INTEGRITY, HTMX_URL, HTMX_VERSION
from admin.rendering import error_response
from shared.extensions import db
from shared.models import Language, User
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent
HTMX = {"HX-Request": "true"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path="/admin/login", **kwargs) -> str:
    return TOKEN.search(client.get(path, **kwargs).get_data(as_text=True)).group(1)


def log_in(client, user, password=PASSWORD, **form):
    return client.post("/admin/login", data={"email": user.email, "password": password,
                                             "csrf_token": csrf_token(client), **form})


def next_of(location: str) -> str:
    url = urlsplit(location)
    assert url.path == "/admin/login"
    return parse_qs(url.query)["next"][0]


@pytest.fixture
def logged_in(client):
    """A client logged in as an English-speaking coordinator."""
    user = UserFactory(role="coordinator", language=Language.en)
    assert log_in(client, user).status_code == 303
    client.user = user
    return client


# --- who gets in ---------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_login_and_back(client):
    response = client.get("/admin/?page=2")

    assert response.status_code == 302
    assert next_of(response.headers["Location"]) == "/admin/?page=2"
    assert "HX-Request" in response.headers["Vary"]


def test_an_anonymous_htmx_request_is_told_to_load_the_login_page(client):
    response = client.get("/admin/", headers={**HTMX, "HX-Current-URL": "http://localhost/admin/?page=2"})

    assert response.status_code == 401
    assert next_of(response.headers["HX-Redirect"]) == "/admin/?page=2"  # the page the person was on
    assert "HX-Request" in response.headers["Vary"]


def test_an_htmx_request_naming_another_sites_page_comes_back_here(client):
    response = client.get("/admin/", headers={**HTMX, "HX-Current-URL": "https://evil.example/admin/"})

    assert response.status_code == 401
    assert next_of(response.headers["HX-Redirect"]) == "/admin/"


def test_login_leads_to_the_dashboard(client):
    user = UserFactory()

    response = log_in(client, user)

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert user.email in page.get_data(as_text=True)


def test_a_logged_in_person_opening_the_login_page_goes_on(logged_in):
    response = logged_in.get("/admin/login?next=/admin/%3Fpage%3D2")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/?page=2"


@pytest.mark.parametrize("target", [
    "https://evil.example/admin/", "//evil.example/admin/", "/\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "admin/", "",
])
def test_next_never_leads_to_another_site(client, target):
    response = log_in(client, UserFactory(), next=target)

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"


def test_next_leads_back_to_a_local_page(client):
    response = log_in(client, UserFactory(), next="/admin/?page=2")

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/?page=2"


def test_wrong_password_is_refused_with_one_message(client):
    user = UserFactory()

    response = log_in(client, user, password="wrong password")

    assert response.status_code == 401
    assert "البريد الإلكتروني أو كلمة المرور غير صحيحة." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_field_errors_are_shown_beside_the_fields_in_arabic(client):
    response = client.post("/admin/login", data={"email": "not-an-email", "password": "",
                                                  "csrf_token": csrf_token(client)})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="email-error">عنوان البريد الإلكتروني غير صالح.</p>', html)
    assert re.search(r'id="password-error">هذا الحقل مطلوب.</p>', html)
    assert 'value="not-an-email"' in html


def test_a_deactivated_account_is_logged_out_at_its_next_request(logged_in):
    logged_in.user.active = False
    db.session.commit()

    response = logged_in.get("/admin/")

    assert response.status_code == 302
    assert next_of(response.headers["Location"]) == "/admin/"


def test_logout_ends_the_session(logged_in):
    response = logged_in.post("/admin/logout", data={"csrf_token": csrf_token(logged_in, "/admin/")})

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/login"
    assert logged_in.get("/admin/").status_code == 302


def test_a_link_cannot_log_a_person_out(logged_in):
    response = logged_in.get("/admin/logout")

    assert response.status_code == 405
    assert logged_in.get("/admin/").status_code == 200


def test_login_is_rate_limited_like_the_apis(client, app):
    user = UserFactory()
    token = csrf_token(client)
    allowed = int(app.config["LOGIN_RATE_LIMIT"].split()[0])  # "10 per minute; ..."
    for n in range(allowed):  # at as many accounts: the address is limited, not an account
        wrong = {"email": f"guess{n}@example.com", "password": "guess", "csrf_token": token}
        assert client.post("/admin/login", data=wrong).status_code == 401

    response = client.post("/admin/login", data={"email": user.email, "password": PASSWORD,
                                                 "csrf_token": token})

    assert response.status_code == 429
    assert client.get("/admin/login").status_code == 200  # reading the form is not an attempt


# --- CSRF and the session cookie -------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_login_without_a_valid_csrf_token_is_refused(client, token):
    user = UserFactory()
    csrf_token(client)  # the visitor has a session, as after opening the form
    form = {"email": user.email, "password": PASSWORD}
    if token:
        form["csrf_token"] = token

    response = client.post("/admin/login", data=form)

    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_htmx_sends_the_token_from_body_hx_headers_and_it_is_accepted(logged_in):
    html = logged_in.get("/admin/").get_data(as_text=True)
    headers = json.loads(re.search(r"<body [^>]*hx-headers='([^']+)'", html).group(1))

    response = logged_in.post("/admin/language", data={"language": "ar", "next": "/admin/"},
                              headers={**HTMX, **headers})

    assert response.status_code == 303


def test_the_api_needs_no_csrf_token_even_with_a_session_cookie(client):
    UserFactory(email="reem@example.com")
    csrf_token(client)  # a browser session exists

    response = client.post("/api/v1/auth/tokens", json={"email": "reem@example.com", "password": PASSWORD})

    assert response.status_code == 201


def _cookie(response, name: str) -> str:
    return next(header for header in response.headers.getlist("Set-Cookie") if header.startswith(f"{name}="))


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    response = log_in(client, UserFactory())

    cookie = _cookie(response, "session")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http (make run): a Secure cookie would never come back


def test_the_session_cookie_is_secure_over_https(client):
    user = UserFactory()
    https = {"base_url": "https://localhost"}
    token = csrf_token(client, **https)

    response = client.post("/admin/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token},
                           headers={"Referer": "https://localhost/admin/login"}, **https)

    assert response.status_code == 303
    assert "Secure" in _cookie(response, "session")
    assert "Secure" in _cookie(response, "tawasi_language")


def test_the_session_is_renewed_at_login(client):
    token = csrf_token(client)
    with client.session_transaction() as session:
        session["planted"] = "by someone who had this browser before"
        secret_before = session["csrf_token"]

    client.post("/admin/login", data={"email": UserFactory().email, "password": PASSWORD, "csrf_token": token})

    with client.session_transaction() as session:
        assert "_user_id" in session
        assert "planted" not in session
        assert session.get("csrf_token") != secret_before


def test_admin_pages_are_neither_cached_nor_framed(logged_in):
    response = logged_in.get("/admin/")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"


# --- languages -------------------------------------------------------------------------------


def _lang_dir(html: str) -> tuple[str, str]:
    return re.search(r'<html lang="(\w+)" dir="(\w+)">', html).groups()


def test_a_visitor_is_answered_in_arabic_whatever_the_phone_says(client):
    response = client.get("/admin/login", headers={"Accept-Language": "en-US,en;q=0.9"})

    assert _lang_dir(response.get_data(as_text=True)) == ("ar", "rtl")


def test_a_visitors_choice_of_language_is_kept_in_a_cookie(client):
    response = client.post("/admin/language", data={"language": "en", "next": "/admin/login?next=/admin/",
                                                    "csrf_token": csrf_token(client)})

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/login?next=/admin/"
    assert "tawasi_language=en" in _cookie(response, "tawasi_language")
    assert _lang_dir(client.get("/admin/login").get_data(as_text=True)) == ("en", "ltr")


def test_a_logged_in_persons_choice_is_kept_on_their_account(logged_in):
    response = logged_in.post("/admin/language", data={"language": "ar", "next": "/admin/",
                                                       "csrf_token": csrf_token(logged_in, "/admin/")})

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, logged_in.user.id).language is Language.ar
    assert _lang_dir(logged_in.get("/admin/").get_data(as_text=True)) == ("ar", "rtl")


def test_the_users_language_wins_over_this_browsers_cookie(client):
    client.set_cookie("tawasi_language", "en", path="/admin")
    log_in(client, UserFactory(language=Language.ar))

    assert _lang_dir(client.get("/admin/").get_data(as_text=True)) == ("ar", "rtl")


def test_a_language_tawasi_does_not_speak_is_refused(client):
    response = client.post("/admin/language", data={"language": "fr", "csrf_token": csrf_token(client)})

    assert response.status_code == 422
    assert not any(h.startswith("tawasi_language=") for h in response.headers.getlist("Set-Cookie"))


def _visible_text(html: str) -> str:
    """The page's text as read, minus what is meant to stay Latin: <head>, people's
    names and emails (<bdi>), the English button (lang="en")."""
    html = re.sub(r"<head>.*?</head>", "", html, flags=re.S)
    html = re.sub(r"<bdi[^>]*>.*?</bdi>", "", html, flags=re.S)
    html = re.sub(r'<(\w+)[^>]* lang="en"[^>]*>.*?</\1>', "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("path", ["/admin/login", "/admin/"])
def test_arabic_pages_have_no_english_text_left(client, path):
    if path != "/admin/login":
        log_in(client, UserFactory(language=Language.ar))

    response = client.get(path)

    assert response.status_code == 200
    assert re.findall(r"[A-Za-z]+", _visible_text(response.get_data(as_text=True))) == []


def test_dates_are_written_as_syria_writes_them(client):
    from datetime import datetime, timezone

    user = UserFactory(language=Language.ar, created_at=datetime(2026, 11, 26, 23, 30, tzinfo=timezone.utc))
    log_in(client, user)

    html = client.get("/admin/").get_data(as_text=True)

    assert "27 تشرين الثاني 2026" in html  # Damascus is UTC+3: already the 27th there


# --- pages and fragments ---------------------------------------------------------------------


def test_a_page_has_direction_pinned_htmx_and_the_csrf_header(logged_in):
    response = logged_in.get("/admin/")

    html = response.get_data(as_text=True)
    assert _lang_dir(html) == ("en", "ltr")
    assert f'<script src="{HTMX_URL}" integrity="{HTMX_INTEGRITY}" crossorigin="anonymous"' in html
    assert re.search(r'<body hx-boost="true" hx-headers=\'\{"X-CSRFToken": "[^"]+"\}\'>', html)


def test_an_htmx_request_gets_a_fragment_of_the_page(logged_in):
    response = logged_in.get("/admin/", headers=HTMX)

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<header" not in html
    assert "<h1>Dashboard</h1>" in html


def test_a_boosted_link_gets_the_body_with_its_title(logged_in):
    response = logged_in.get("/admin/", headers={**HTMX, "HX-Boosted": "true"})

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith("<title>Dashboard · Tawasi</title>")
    assert '<header class="bar">' in html and '<main id="main">' in html


def test_a_history_restore_gets_the_whole_page(logged_in):
    response = logged_in.get("/admin/", headers={**HTMX, "HX-History-Restore-Request": "true"})

    assert response.status_code == 200
    assert "<html" in response.get_data(as_text=True)


def test_every_link_on_the_dashboard_leads_to_a_page(logged_in):
    html = logged_in.get("/admin/").get_data(as_text=True)
    links = set(re.findall(r'<a [^>]*href="(/admin/[^"]*)"', html))

    assert links  # at least the dashboard itself
    for link in links:
        assert logged_in.get(link).status_code == 200, link


@pytest.mark.parametrize("headers, whole_page", [({}, True), (HTMX, False)])
def test_the_error_page_shows_status_title_and_detail(app, headers, whole_page):
    with app.test_request_context("/admin/orders/nope", headers=headers):
        response = error_response(404, "Not found", "No order with id 'nope' in your account.")

    assert response.status_code == 404
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert ("<html" in html) is whole_page
    assert "<h1>Not found</h1>" in html
    assert "No order with id &#39;nope&#39; in your account." in html


# --- the pinned htmx --------------------------------------------------------------------------


def test_the_integrity_hash_is_that_of_the_pinned_npm_file():
    package = json.loads((ROOT / "package.json").read_text())
    assert package["devDependencies"]["htmx.org"] == HTMX_VERSION
    path = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: make test-assets")
        pytest.skip(f"{path} is missing: make test-assets (needs npm)")

    digest = base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()

    assert HTMX_INTEGRITY == f"sha384-{digest}"
