"""Problems a program can branch on: every kind raised is registered and documented, each
answer names its kind (code, type, one title), and each kind's page explains it."""
import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from shared import errors, problem_types
from shared.problem_types import BY_STATUS, EXTENSIONS, KINDS
from tests.factories import CustomerFactory, OrderFactory, PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent
ERROR_CLASSES = {name for name, value in vars(errors).items()
                 if isinstance(value, type) and issubclass(value, errors.DomainError)}
STANDARD = {"type", "code", "title", "status", "detail", "instance"}


def raised_in_the_code():
    """(where, code, extension members) of each domain error built in shared/ and api/, and
    each problem() answer; class-level codes of DomainError subclasses."""
    for path in [*ROOT.glob("shared/**/*.py"), *ROOT.glob("api/**/*.py")]:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if func in ERROR_CLASSES or func == "problem":
                    keywords = {k.arg: k.value for k in node.keywords if k.arg}
                    code = keywords.pop("code", None)
                    extras = set(keywords) - {"errors", "headers"}
                    yield where, code.value if isinstance(code, ast.Constant) else None, extras
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                            and getattr(statement.targets[0], "id", None) == "code"
                            and isinstance(statement.value, ast.Constant)):
                        yield where, statement.value.value, set()


def test_the_scan_finds_the_raises_it_checks():
    found = list(raised_in_the_code())

    assert any(code == "invalid-transition" for _where, code, _extras in found)
    assert any("existing_customer_id" in extras for _where, _code, extras in found)


def test_every_code_raised_in_shared_and_api_is_registered():
    unknown = {(where, code) for where, code, _extras in raised_in_the_code()
               if code is not None and code not in KINDS}

    assert not unknown, "register these in shared/problem_types.py KINDS"


def test_every_extension_member_raised_is_documented():
    undocumented = {(where, member) for where, _code, extras in raised_in_the_code()
                    for member in extras if member not in EXTENSIONS}

    assert not undocumented, "document these in shared/problem_types.py EXTENSIONS"


def test_extension_members_never_shadow_the_standard_ones():
    assert not set(EXTENSIONS) & STANDARD


def test_a_code_that_is_not_registered_fails_where_it_is_raised():
    with pytest.raises(KeyError):
        errors.Conflict("x", code="no-such-kind")


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_every_kind_is_explained_in_both_languages(kind):
    assert kind.code == kind.code.lower() and " " not in kind.code
    english = [str(text) for text in (kind.title, kind.meaning, kind.action)]
    with force_locale("ar"):
        arabic = [str(text) for text in (kind.title, kind.meaning, kind.action)]

    assert all(english) and all(arabic)
    assert all(a != e for a, e in zip(arabic, english, strict=True)), "translate it (make translations)"


def test_kinds_by_status_are_kinds_of_that_status():
    for status, code in BY_STATUS.items():
        assert status in KINDS[code].statuses


def test_titles_are_one_per_kind():
    titles = [str(kind.title) for kind in KINDS.values()]

    assert len(titles) == len(set(titles))


# --- the pages behind `type` ------------------------------------------------------------


@pytest.mark.parametrize("code", KINDS)
def test_each_kind_has_a_page_in_english(client, code):
    response = client.get(f"/problems/{code}")

    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    html = response.get_data(as_text=True)
    assert f"<h1>{KINDS[code].title}</h1>" in html
    assert f'<code dir="ltr">{code}</code>' in html
    assert response.headers["Content-Language"] == "en"


def test_a_page_in_arabic_from_accept_language(client):
    response = client.get("/problems/invalid-transition", headers={"Accept-Language": "ar"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html
    assert "<h1>تغيير الحالة غير مسموح</h1>" in html
    assert response.headers["Content-Language"] == "ar"
    assert "Accept-Language" in response.headers["Vary"]


def test_lang_chooses_the_language_over_accept_language(client):
    response = client.get("/problems/not-found?lang=ar", headers={"Accept-Language": "en"})

    assert "<h1>غير موجود</h1>" in response.get_data(as_text=True)
    assert response.headers["Content-Language"] == "ar"


def test_the_index_lists_every_kind(client):
    html = client.get("/problems").get_data(as_text=True)

    for code in KINDS:
        assert f'href="/problems/{code}?lang=en"' in html


def test_a_page_loads_nothing_and_may_be_cached(client):
    response = client.get("/problems/in-use")

    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response.cache_control.public and response.cache_control.max_age == 3600


def test_an_unknown_kind_is_a_not_found_problem(client):
    response = client.get("/problems/no-such-kind")

    assert response.status_code == 404
    assert response.json["code"] == "not-found"


# --- answers name their kind ---------------------------------------------------------


def assert_kind(response, status: int, code: str):
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.json
    assert (body["code"], body["type"], body["status"]) == (code, f"/problems/{code}", status)
    assert body["title"] == str(problem_types.kind(code).title)
    return body


def test_a_refused_status_change_names_what_is_allowed(client, headers, shop):
    order = OrderFactory(seller=shop)

    response = client.patch(f"/api/v1/orders/{order.id}", json={"status": "delivered"}, headers=headers)

    body = assert_kind(response, 409, "invalid-transition")
    assert body["current"] == "pending"
    assert body["allowed"] == ["confirmed", "cancelled"]


def test_a_duplicate_phone_names_the_customer_who_has_it(client, headers, shop):
    existing = CustomerFactory(seller=shop, phone="+963944111222")

    response = client.post("/api/v1/customers", json={"name": "x", "phone": "0944 111 222"}, headers=headers)

    assert assert_kind(response, 409, "duplicate")["existing_customer_id"] == existing.id


def test_a_wrong_password_is_wrong_credentials_and_no_token_is_unauthenticated(client):
    user = UserFactory()

    wrong = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD + "x"})

    assert_kind(wrong, 401, "wrong-credentials")
    assert_kind(client.get("/api/v1/orders"), 401, "unauthenticated")


def test_invalid_input_has_one_title_whoever_refuses_it(client, headers):
    by_schema = client.post("/api/v1/products", json={"name": "x", "price": "-1"}, headers=headers)
    by_service = client.post("/api/v1/customers", json={"name": "x", "phone": "12"}, headers=headers)

    assert assert_kind(by_schema, 422, "invalid")["errors"]["price"]
    assert assert_kind(by_service, 422, "invalid")["errors"]["phone"]


def test_a_stale_if_match_is_changed_meanwhile(client, headers, shop):
    response = client.patch(f"/api/v1/sellers/{shop.id}", json={"area": "Idlib"},
                            headers={**headers, "If-Match": '"stale"'})

    assert_kind(response, 412, "changed-meanwhile")


def test_a_body_that_is_not_json_is_unsupported_media_type(client, headers):
    response = client.post("/api/v1/products", data="name=x", headers=headers,
                           content_type="application/x-www-form-urlencoded")

    assert_kind(response, 415, "unsupported-media-type")


def test_a_reused_idempotency_key_is_its_own_kind(client, headers):
    keyed = {**headers, "Idempotency-Key": "k-1"}
    client.post("/api/v1/products", json={"name": "a", "price": "1.00", "currency": "TRY"}, headers=keyed)

    response = client.post("/api/v1/products", json={"name": "b", "price": "1.00", "currency": "TRY"},
                           headers=keyed)

    assert_kind(response, 422, "idempotency-key-reused")


@pytest.mark.parametrize("chosen", [{}, {"id": "01jd3m0a8b9c0d1e2f3g4h5j6k"}], ids=["", "with a client id"])
def test_a_too_long_idempotency_key_is_invalid_input_naming_the_header(client, headers, chosen):
    response = client.post("/api/v1/products", json={"name": "a", "price": "1.00", "currency": "TRY", **chosen},
                           headers={**headers, "Idempotency-Key": "k" * 256})

    assert "Idempotency-Key" in assert_kind(response, 422, "invalid")["errors"]


def test_flasks_own_errors_get_the_kind_of_their_status(client, headers):
    assert_kind(client.put("/api/v1/products", headers=headers), 405, "method-not-allowed")
    assert_kind(client.get("/api/v1/nowhere"), 404, "not-found")
