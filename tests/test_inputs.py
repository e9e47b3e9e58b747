"""Inputs a stranger may send that once answered 500 (issue 12, point 2): each is now a 4xx
problem, refused before any work, on SQLite and PostgreSQL alike (shared/inputs.py)."""
import base64
import json

import pytest

from shared.extensions import db
from shared.models import Product
from tests.factories import ProductFactory

PROBLEM = "application/problem+json"
DEEP = "[" * 1000 + "]" * 1000  # 2 KB


def post_raw(client, url, text, headers=None):
    return client.post(url, data=text.encode("utf-8", "surrogatepass"), content_type="application/json",
                       headers=headers or {})


def assert_input_limits(response):
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    assert response.json["code"] == "input-limits"
    assert response.json["type"] == "/problems/input-limits"


BAD_BODIES = {
    "nested 1,000 deep": '{"email": ' + DEEP + ', "password": "x"}',
    "a list nested 500 deep inside a field": '{"name": ' + "[" * 500 + "]" * 500 + "}",
    "a 5,000-digit integer": '{"name": "x", "price": ' + "9" * 5000 + "}",
    "a 5,000-digit float": '{"name": "x", "price": 1.' + "9" * 5000 + "}",
    "a lone surrogate": '{"name": "\\ud800", "price": "1.00", "currency": "TRY"}',
    "a lone surrogate in a key": '{"\\udfff": 1}',
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_an_anonymous_login_with_an_unreadable_body_is_400(client, body):
    assert_input_limits(post_raw(client, "/api/v1/auth/tokens", body))


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_a_write_with_an_unreadable_body_is_400_and_writes_nothing(client, headers, body):
    response = post_raw(client, "/api/v1/products", body, headers={**headers, "Idempotency-Key": "k1"})

    assert_input_limits(response)
    assert db.session.query(Product).count() == 0


def test_the_problem_is_in_arabic_for_an_arabic_reader(client):
    response = post_raw(client, "/api/v1/auth/tokens", BAD_BODIES["nested 1,000 deep"],
                        headers={"Accept-Language": "ar"})

    assert_input_limits(response)
    assert response.headers["Content-Language"] == "ar"
    assert response.json["title"] != "Outside the input limits"


def test_ordinary_nesting_is_read(client, headers, shop):
    product = ProductFactory(seller=shop)
    body = {"customer": {"name": "أم سامر", "phone": "0944 111 309"},
            "lines": [{"product_id": product.id, "quantity": 2}]}

    assert client.post("/api/v1/orders", json=body, headers=headers).status_code == 201


def test_an_amount_of_1e_1000000_is_422_too_large(client, headers):
    response = client.post("/api/v1/products", json={"name": "x", "price": "1E+1000000", "currency": "TRY"},
                           headers=headers)

    assert response.status_code == 422
    assert response.json["errors"]["price"] == ["Too large: at most 9999999999.99."]


@pytest.mark.parametrize("url", ["/api/v1/products/ab%00c", "/api/v1/orders/%00",
                                 "/api/v1/products?q=a%00b", "/api/v1/products?cursor=x%00",
                                 "/api/v1/products?a%00=1"])
def test_a_nul_in_the_address_or_the_query_is_400(client, headers, url):
    assert_input_limits(client.get(url, headers=headers))


def test_a_nul_in_a_path_id_is_400_on_the_admin_too(client, shop):
    with client.session_transaction() as session:
        session["_user_id"] = shop.owner.id
        session["_fresh"] = True

    response = client.get("/admin/orders/ab%00c")

    assert response.status_code == 400
    assert response.mimetype == "text/html"


def _cursor(stamp, obj_id) -> str:
    raw = json.dumps([stamp, obj_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    _cursor("2026-11-26T10:00:00+00:00", "ab\u0000cd"),
    _cursor("2026-11-26T10:00:00+00:00", "x" * 1000)[:190],
    _cursor("2026-11-26T10:00:00+00:00", 5),
    base64.urlsafe_b64encode(DEEP.encode()).decode()[:190],
])
def test_a_cursor_that_decodes_to_a_bad_id_is_422(client, headers, cursor):
    response = client.get(f"/api/v1/products?cursor={cursor}", headers=headers)

    assert response.status_code == 422
    assert "cursor" in response.json["errors"]


def test_a_cursor_longer_than_any_this_api_gives_is_422(client, headers):
    response = client.get("/api/v1/products?cursor=" + "A" * 201, headers=headers)

    assert response.status_code == 422


def test_a_photo_url_longer_than_its_column_is_422_on_every_database(client, headers):
    url = "https://example.com/" + "a" * 481  # 501 characters

    response = client.post("/api/v1/products", json={"name": "x", "price": "1.00", "currency": "TRY",
                                                     "photo_url": url}, headers=headers)

    assert response.status_code == 422
    assert "photo_url" in response.json["errors"]


def test_an_id_longer_than_any_id_is_422(client, headers):
    response = client.post("/api/v1/orders", json={"customer": {"name": "x"},
                                                   "lines": [{"product_id": "p" * 5000, "quantity": 1}]},
                           headers=headers)

    assert response.status_code == 422


def test_a_batch_nested_too_deep_is_refused_whole(client, headers):
    body = '{"operations": [{"method": "POST", "path": "/api/v1/products", "body": ' + DEEP + "}]}"

    assert_input_limits(post_raw(client, "/api/v1/batch", body, headers))


def test_a_batch_operation_with_a_nul_in_its_path_answers_400_in_its_place(client, headers, shop):
    body = {"operations": [{"method": "PATCH", "path": "/api/v1/products/ab%00c", "body": {"name": "y"}}]}

    response = client.post("/api/v1/batch", json=body, headers=headers)

    assert response.status_code == 200
    (result,) = response.json["results"]
    assert result["status"] == 400
    assert result["body"]["code"] == "input-limits"


def test_a_batch_path_holding_a_nul_itself_is_422(client, headers):
    body = {"operations": [{"method": "GET", "path": "/api/v1/products/ab\u0000c"}]}

    assert client.post("/api/v1/batch", json=body, headers=headers).status_code == 422


def test_a_batch_operation_with_a_lone_surrogate_answers_400_in_its_place(client, headers):
    body = ('{"operations": [{"method": "POST", "path": "/api/v1/products", '
            '"body": {"name": "\\ud800", "price": "1.00", "currency": "TRY"}}]}')

    response = post_raw(client, "/api/v1/batch", body, headers)

    assert_input_limits(response)  # the batch's own body is read with the same limits


@pytest.mark.parametrize("query", ["x=0", "=0"])
def test_a_query_parameter_the_operation_does_not_declare_is_422(client, headers, query):
    """The fuzz on PostgreSQL found `GET /api/v1/market-runs?=0` answered as if it were not there."""
    response = client.get(f"/api/v1/market-runs?{query}", headers=headers)

    assert response.status_code == 422
    assert response.json["code"] == "invalid"
