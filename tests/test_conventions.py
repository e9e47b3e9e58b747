"""The API conventions every resource shares: cursors, idempotency, ETags, problem+json."""
import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from shared.extensions import db
from shared.models import Product
from tests.factories import ProductFactory, SellerFactory


def next_link(response):
    match = re.match(r'<([^>]+)>; rel="next"', response.headers.get("Link", ""))
    return match.group(1) if match else None


# --- cursor pagination -----------------------------------------------------------


def walk(client, url, headers):
    pages = []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        pages.append([p["id"] for p in response.json])
        url = next_link(response)
    return pages


@pytest.mark.parametrize("same_instant", [False, True], ids=["distinct-times", "same-instant"])
def test_cursor_pages_have_no_duplicates_or_gaps(client, headers, shop, same_instant):
    stamp = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    products = [
        ProductFactory(seller=shop, created_at=stamp if same_instant else stamp.replace(minute=i))
        for i in range(13)
    ]

    pages = walk(client, "/api/v1/products?limit=5", headers)

    assert [len(p) for p in pages] == [5, 5, 3]
    seen = [pid for page in pages for pid in page]
    assert len(seen) == len(set(seen)) == 13
    if not same_instant:  # newest first
        assert seen == [p.id for p in reversed(products)]


def test_rows_added_while_paging_do_not_shift_later_pages(client, headers, shop):
    for minute in range(6):
        ProductFactory(seller=shop, created_at=datetime(2026, 11, 20, 8, minute, tzinfo=timezone.utc))
    first = client.get("/api/v1/products?limit=3", headers=headers)

    ProductFactory(seller=shop, created_at=datetime(2026, 11, 21, tzinfo=timezone.utc))
    second = client.get(next_link(first), headers=headers)

    assert len(second.json) == 3
    assert not set(p["id"] for p in first.json) & set(p["id"] for p in second.json)
    assert next_link(second) is None


def test_next_link_keeps_the_filters(client, headers, shop):
    ProductFactory.create_batch(3, seller=shop, name="كريم")

    link = next_link(client.get("/api/v1/products?limit=2&q=كريم", headers=headers))

    assert "q=" in link and "limit=2" in link and "cursor=" in link


@pytest.mark.parametrize("query", ["limit=101", "limit=0", "limit=-3", "limit=abc", "cursor=garbage!!"])
def test_bad_paging_parameters_are_422(client, headers, query):
    response = client.get(f"/api/v1/products?{query}", headers=headers)

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"


def test_limit_in_arabic_digits(client, headers, shop):
    ProductFactory.create_batch(3, seller=shop)

    response = client.get("/api/v1/products?limit=٢", headers=headers)

    assert response.status_code == 200
    assert len(response.json) == 2


def test_default_page_is_20(client, headers, shop):
    ProductFactory.create_batch(21, seller=shop)

    response = client.get("/api/v1/products", headers=headers)

    assert len(response.json) == 20
    assert next_link(response)


# --- Idempotency-Key -------------------------------------------------------------

BODY = {"name": "مرطب", "price": "150", "currency": "TRY"}


def product_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Product))


def test_retry_with_same_key_returns_first_response_and_creates_nothing(client, headers):
    keyed = {**headers, "Idempotency-Key": "order-7f3a"}

    first = client.post("/api/v1/products", json=BODY, headers=keyed)
    retry = client.post("/api/v1/products", json=BODY, headers=keyed)

    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert product_count() == 1


def test_same_key_with_a_different_body_is_422(client, headers):
    keyed = {**headers, "Idempotency-Key": "k-1"}
    client.post("/api/v1/products", json=BODY, headers=keyed)

    response = client.post("/api/v1/products", json={**BODY, "price": "200"}, headers=keyed)

    assert response.status_code == 422
    assert "different request" in response.json["detail"]
    assert product_count() == 1


def test_keys_belong_to_one_user(client, auth, headers):
    other = SellerFactory()
    client.post("/api/v1/products", json=BODY, headers={**headers, "Idempotency-Key": "same"})

    response = client.post("/api/v1/products", json=BODY,
                           headers={**auth(other.owner), "Idempotency-Key": "same"})

    assert response.status_code == 201
    assert response.json["seller_id"] == other.id
    assert product_count() == 2


def test_without_a_key_each_post_creates(client, headers):
    client.post("/api/v1/products", json=BODY, headers=headers)
    client.post("/api/v1/products", json=BODY, headers=headers)

    assert product_count() == 2


def test_a_refused_request_is_not_stored_so_its_retry_runs_again(client, headers):
    keyed = {**headers, "Idempotency-Key": "bad"}
    first = client.post("/api/v1/products", json={**BODY, "price": "-1"}, headers=keyed)

    retry = client.post("/api/v1/products", json={**BODY, "price": "-1"}, headers=keyed)

    assert first.status_code == retry.status_code == 422
    assert "Idempotent-Replayed" not in retry.headers
    assert retry.json == first.json


def test_a_corrected_retry_after_a_422_goes_through(client, headers):
    """Only a request that ran to success is kept: the fixed one is a new request under the key."""
    keyed = {**headers, "Idempotency-Key": "typo-then-fixed"}
    refused = client.post("/api/v1/products", json={**BODY, "price": "-1"}, headers=keyed)

    fixed = client.post("/api/v1/products", json=BODY, headers=keyed)
    again = client.post("/api/v1/products", json=BODY, headers=keyed)

    assert refused.status_code == 422
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == fixed.json
    assert product_count() == 1


def test_a_reformatted_body_under_the_same_key_replays_the_first_answer(client, headers):
    """The key matches the request's meaning: spaces and key order are not a new request."""
    keyed = {**headers, "Idempotency-Key": "same-meaning", "Content-Type": "application/json"}
    first = client.post("/api/v1/products", data='{"name":"مرطب","price":"150","currency":"TRY"}',
                        headers=keyed)

    retry = client.post("/api/v1/products", headers=keyed,
                        data='{ "currency" : "TRY",\n  "price" : "150", "name" : "\\u0645\\u0631\\u0637\\u0628" }')

    assert first.status_code == retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json == first.json
    assert product_count() == 1


def test_query_parameters_in_another_order_are_the_same_request(client, headers, shop):
    from shared.models import Order, OrderStatus
    from tests.factories import order_with_lines

    product = ProductFactory(seller=shop)
    order = order_with_lines(shop, [(product, 1)], status=OrderStatus.delivered)
    keyed = {**headers, "Idempotency-Key": "query-order"}
    url = f"/api/v1/orders/{order.id}/payments"

    first = client.post(f"{url}?a=1&b=2", json={"amount": "10"}, headers=keyed)
    retry = client.post(f"{url}?b=2&a=1", json={"amount": "10"}, headers=keyed)

    assert retry.headers["Idempotent-Replayed"] == "true" and retry.json == first.json
    assert db.session.get(Order, order.id).amount_paid == 10


def test_a_status_patch_sent_twice_gives_200_twice_and_one_history_event(client, headers, shop):
    from shared.models import Order, OrderEvent
    from tests.factories import order_with_lines

    order = order_with_lines(shop, [(ProductFactory(seller=shop), 1)])
    url = f"/api/v1/orders/{order.id}"

    first = client.patch(url, json={"status": "confirmed"}, headers=headers)
    version = db.session.get(Order, order.id).version
    again = client.patch(url, json={"status": "confirmed"}, headers=headers)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json["status"] == "confirmed"
    assert first.headers["ETag"] == again.headers["ETag"]
    events = db.session.scalars(sa.select(OrderEvent).where(OrderEvent.order_id == order.id)).all()
    assert [e.to_status.value for e in events] == ["confirmed"]  # created outside the API: no creation event
    assert db.session.get(Order, order.id).version == version  # nothing written the second time


def test_a_patch_retried_with_its_key_replays_even_after_a_later_change(client, headers, shop):
    product = ProductFactory(seller=shop, price="10.00")
    url = f"/api/v1/products/{product.id}"
    keyed = {**headers, "Idempotency-Key": "price-12"}

    first = client.patch(url, json={"price": "12.00"}, headers=keyed)
    client.patch(url, json={"price": "13.00"}, headers=headers)
    retry = client.patch(url, json={"price": "12.00"}, headers=keyed)

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.headers["Idempotent-Replayed"] == "true" and retry.json["price"] == "12.00"
    assert client.get(url, headers=headers).json["price"] == "13.00"


def test_a_delete_retried_with_its_key_answers_204_again(client, headers, shop):
    product = ProductFactory(seller=shop)
    keyed = {**headers, "Idempotency-Key": "delete-it"}
    url = f"/api/v1/products/{product.id}"

    first = client.delete(url, headers=keyed)
    retry = client.delete(url, headers=keyed)
    unkeyed = client.delete(url, headers=headers)

    assert (first.status_code, retry.status_code, unkeyed.status_code) == (204, 204, 404)
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_one_key_for_two_methods_is_a_different_request(client, headers, shop):
    product = ProductFactory(seller=shop)
    keyed = {**headers, "Idempotency-Key": "k-2"}
    client.patch(f"/api/v1/products/{product.id}", json={"price": "1.00"}, headers=keyed)

    response = client.delete(f"/api/v1/products/{product.id}", headers=keyed)

    assert response.status_code == 422
    assert "different request" in response.json["detail"]


def test_keys_expire_after_24_hours(client, headers, time_machine):
    time_machine.move_to("2026-11-01T10:00:00Z", tick=False)
    keyed = {**headers, "Idempotency-Key": "old"}
    client.post("/api/v1/products", json=BODY, headers=keyed)

    time_machine.move_to("2026-11-01T20:00:00Z", tick=False)
    assert client.post("/api/v1/products", json=BODY, headers=keyed).headers.get("Idempotent-Replayed")
    time_machine.move_to("2026-11-02T10:00:01Z", tick=False)
    assert client.post("/api/v1/products", json=BODY, headers=keyed).status_code == 201

    assert product_count() == 2


# --- ETag, If-None-Match, If-Match ---------------------------------------------


def test_get_has_an_etag_and_answers_304_when_unchanged(client, headers, shop):
    product = ProductFactory(seller=shop)
    first = client.get(f"/api/v1/products/{product.id}", headers=headers)

    again = client.get(f"/api/v1/products/{product.id}",
                       headers={**headers, "If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200 and first.headers["ETag"]
    assert again.status_code == 304
    assert again.data == b""


def test_etag_changes_when_the_product_changes(client, headers, shop):
    product = ProductFactory(seller=shop)
    url = f"/api/v1/products/{product.id}"
    etag = client.get(url, headers=headers).headers["ETag"]

    client.patch(url, json={"price": "1.00"}, headers=headers)
    response = client.get(url, headers={**headers, "If-None-Match": etag})

    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_patch_with_current_if_match_succeeds(client, headers, shop):
    product = ProductFactory(seller=shop)
    url = f"/api/v1/products/{product.id}"
    etag = client.get(url, headers=headers).headers["ETag"]

    response = client.patch(url, json={"price": "5.00"}, headers={**headers, "If-Match": etag})

    assert response.status_code == 200
    assert response.headers["ETag"] == client.get(url, headers=headers).headers["ETag"]


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_stale_if_match_is_412(client, headers, shop, method):
    product = ProductFactory(seller=shop, price="10.00")
    url = f"/api/v1/products/{product.id}"
    stale = client.get(url, headers=headers).headers["ETag"]
    client.patch(url, json={"price": "12.00"}, headers=headers)  # someone else's change

    response = getattr(client, method)(url, json={"price": "11.00"} if method == "patch" else None,
                                       headers={**headers, "If-Match": stale})

    assert response.status_code == 412
    assert response.content_type == "application/problem+json"
    assert "changed since you read it" in response.json["detail"]
    assert client.get(url, headers=headers).json["price"] == "12.00"


def test_seller_updates_honour_if_match_too(client, headers, shop):
    response = client.patch(f"/api/v1/sellers/{shop.id}", json={"area": "Azaz"},
                            headers={**headers, "If-Match": '"stale"'})

    assert response.status_code == 412


# --- 201 Created: where the new object is, and its ETag ------------------------------


def created(client, headers, path, shop):
    """POST a valid body to `path` as the owner of `shop`; the answer."""
    product = ProductFactory(seller=shop)
    bodies = {
        "/api/v1/products": BODY,
        "/api/v1/sellers": {"name": "Another shop"},
        "/api/v1/customers": {"name": "أم أحمد", "phone": "0944 111 333"},
        "/api/v1/orders": {"customer": {"name": "x"}, "lines": [{"product_id": product.id, "quantity": 1}]},
    }
    return client.post(path, json=bodies[path], headers=headers)


@pytest.mark.parametrize("path", ["/api/v1/products", "/api/v1/sellers", "/api/v1/customers",
                                  "/api/v1/orders"])
def test_a_201_names_the_new_object_and_the_etag_a_get_of_it_answers(client, headers, shop, path):
    response = created(client, headers, path, shop)

    assert response.status_code == 201
    assert response.headers["Location"] == f"{path}/{response.json['id']}"
    read = client.get(response.headers["Location"], headers=headers)
    assert read.status_code == 200
    assert response.headers["ETag"] == read.headers["ETag"]


def test_the_etag_of_a_201_is_good_for_if_match_at_once(client, headers):
    response = client.post("/api/v1/products", json=BODY, headers=headers)

    changed = client.patch(response.headers["Location"], json={"price": "175.00"},
                           headers={**headers, "If-Match": response.headers["ETag"]})

    assert changed.status_code == 200


def test_a_replayed_201_carries_the_same_location_and_etag(client, headers):
    keyed = {**headers, "Idempotency-Key": "loc-1"}

    first = client.post("/api/v1/products", json=BODY, headers=keyed)
    retry = client.post("/api/v1/products", json=BODY, headers=keyed)

    assert retry.headers["Idempotent-Replayed"] == "true"
    assert (retry.headers["Location"], retry.headers["ETag"]) == (first.headers["Location"], first.headers["ETag"])


def test_a_201_of_something_without_an_address_has_an_etag_and_no_location(client, headers, shop):
    order = created(client, headers, "/api/v1/orders", shop).json

    response = client.post(f"/api/v1/orders/{order['id']}/payments", json={"amount": "10.00"}, headers=headers)

    assert response.status_code == 201
    assert "ETag" in response.headers and "Location" not in response.headers


# --- problem+json for every error ------------------------------------------------


def test_malformed_json_is_400_problem(client, headers):
    response = client.post("/api/v1/products", data='{"name": "x",', headers=headers,
                           content_type="application/json")

    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert response.json["code"] == "bad-request"
    assert response.json["title"] == "Request not readable"
    assert "not valid JSON" in response.json["detail"]


def test_unknown_route_is_404_problem(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.json == {"type": "/problems/not-found", "code": "not-found", "title": "Not found",
                             "status": 404,
                             "detail": "There is nothing at this address. Check the URL against /docs."}


def test_wrong_method_is_405_problem_with_allow(client, headers):
    response = client.put("/api/v1/products", headers=headers)

    assert response.status_code == 405
    assert response.content_type == "application/problem+json"
    assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


def test_too_large_body_is_413_problem(client, headers):
    response = client.post("/api/v1/products", data="x" * (1024 * 1024 + 1), headers=headers,
                           content_type="application/json")

    assert response.status_code == 413
    assert response.content_type == "application/problem+json"


def test_unknown_id_is_404_problem_saying_what(client, headers):
    response = client.get("/api/v1/products/nope", headers=headers)

    assert response.status_code == 404
    assert response.json["detail"] == "No product with id 'nope' in your account."


def test_unhandled_error_is_500_problem_without_internals(tmp_path):
    from wsgi import create_app

    app = create_app({"TESTING": False, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/boom")

    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert "secret" not in response.get_data(as_text=True)


# --- small responses for slow networks -------------------------------------------


def test_lists_are_gzipped_and_arabic_is_utf8(client, headers, shop):
    ProductFactory.create_batch(10, seller=shop, name="كريم مرطّب للوجه", description="للبشرة الجافة")

    response = client.get("/api/v1/products", headers={**headers, "Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    import gzip
    body = gzip.decompress(response.data).decode()
    assert "كريم مرطّب" in body and "\\u" not in body


def test_if_match_with_the_etag_of_a_gzipped_read_works(client, headers, shop):
    product = ProductFactory(seller=shop, description="وصف طويل " * 100)
    url = f"/api/v1/products/{product.id}"
    etag = client.get(url, headers={**headers, "Accept-Encoding": "gzip"}).headers["ETag"]
    assert etag.endswith(':gzip"')

    unchanged = client.get(url, headers={**headers, "Accept-Encoding": "gzip", "If-None-Match": etag})
    patched = client.patch(url, json={"price": "1.00"}, headers={**headers, "If-Match": etag})

    assert unchanged.status_code == 304
    assert patched.status_code == 200


# --- odd input is a 4xx that says what is wrong, never a 500 --------------------


def test_text_with_nul_characters_is_422(client, headers):
    response = client.post("/api/v1/products", json={**BODY, "name": "a\u0000b"}, headers=headers)

    assert response.status_code == 422
    assert "NUL" in response.json["errors"]["name"][0]


def test_nul_in_a_nested_field_is_422(client, headers):
    response = client.post("/api/v1/orders", headers=headers, json={
        "customer": {"name": "x\u0000", "phone": "0944111222"}, "lines": []})

    assert response.status_code == 422
    assert "customer" in response.json["errors"]


def test_a_change_with_no_body_is_400_and_an_empty_object_changes_nothing(client, headers, shop):
    url = f"/api/v1/sellers/{shop.id}"

    empty = client.patch(url, headers=headers)
    nothing = client.patch(url, json={}, headers=headers)

    assert empty.status_code == 400
    assert empty.json["detail"] == "The request has no body: send a JSON object."
    assert nothing.status_code == 200


@pytest.mark.parametrize("where, value", [("json", 0), ("json", "true"), ("json", 1), ("query", "1"),
                                          ("query", "yes"), ("query", "True")])
def test_a_boolean_is_true_or_false_as_the_spec_says(client, headers, shop, where, value):
    if where == "json":
        response = client.post("/api/v1/products", json={**BODY, "available": value}, headers=headers)
    else:
        response = client.get("/api/v1/products", query_string={"available": value}, headers=headers)

    assert response.status_code == 422
    assert response.json["errors"] == {"available": ["Not a valid boolean."]}


def test_booleans_read_in_a_body_and_in_a_query(client, headers, shop):
    created = client.post("/api/v1/products", json={**BODY, "available": False}, headers=headers)
    listed = client.get("/api/v1/products?available=false", headers=headers)

    assert created.status_code == 201 and created.json["available"] is False
    assert [p["id"] for p in listed.json] == [created.json["id"]]


def test_body_that_is_not_json_is_415(client, headers):
    response = client.post("/api/v1/auth/tokens", data='{"email": "a@example.com", "password": "x"}',
                           content_type="text/plain")

    assert response.status_code == 415
    assert response.content_type == "application/problem+json"
    assert "application/json" in response.json["detail"]


@pytest.mark.parametrize("price", ["99999999999999999999", "10000000000.00", "1e30"])
def test_amounts_beyond_ten_billion_are_422_too_large(client, headers, price):
    response = client.post("/api/v1/products", json={**BODY, "price": price}, headers=headers)

    assert response.status_code == 422
    assert "Too large" in response.json["errors"]["price"][0]


def test_the_largest_amount_round_trips(client, headers):
    response = client.post("/api/v1/products", json={**BODY, "price": "9999999999.99"}, headers=headers)

    assert response.status_code == 201
    assert client.get(f"/api/v1/products/{response.json['id']}", headers=headers).json["price"] == "9999999999.99"


def _cursor(payload: str) -> str:
    import base64
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


@pytest.mark.parametrize("payload", [
    '["2026-11-26T04:14:52", "zz"]',          # no time zone
    '["9999-12-31T23:59:59-14:00", "zz"]',    # beyond what UTC can hold
    '{"a": 1}',
    '["not a time", "zz"]',
])
def test_forged_cursors_are_422(client, headers, payload):
    response = client.get(f"/api/v1/products?cursor={_cursor(payload)}", headers=headers)

    assert response.status_code == 422
    assert "cursor" in response.json["errors"]


@pytest.mark.parametrize("url", [
    "/api/v1/orders?to=9999-12-31",
    "/api/v1/orders?from=0001-01-01",
    "/api/v1/reports/sales?to=9999-12-31",
])
def test_dates_outside_this_century_are_422(client, headers, url):
    response = client.get(url, headers=headers)

    assert response.status_code == 422
    assert "between 2000 and 2100" in str(response.json["errors"])


def test_dates_accept_arabic_indic_digits(client, headers):
    response = client.get("/api/v1/reports/sales", query_string={"from": "٢٠٢٦-١١-٠١", "to": "٢٠٢٦-١١-٣٠"},
                          headers=headers)

    assert response.status_code == 200
    assert (response.json["from"], response.json["to"]) == ("2026-11-01", "2026-11-30")


def test_a_keyed_post_forgets_the_users_expired_keys(client, headers, time_machine):
    from shared.models import IdempotencyKey

    time_machine.move_to("2026-11-01T10:00:00Z", tick=False)
    client.post("/api/v1/products", json=BODY, headers={**headers, "Idempotency-Key": "old"})
    time_machine.move_to("2026-11-03T10:00:00Z", tick=False)

    client.post("/api/v1/products", json=BODY, headers={**headers, "Idempotency-Key": "new"})

    assert db.session.scalars(sa.select(IdempotencyKey.key)).all() == ["new"]


def test_purge_command_forgets_every_expired_key(client, headers, runner, time_machine):
    from shared.models import IdempotencyKey

    time_machine.move_to("2026-11-01T10:00:00Z", tick=False)
    client.post("/api/v1/products", json=BODY, headers={**headers, "Idempotency-Key": "old"})
    time_machine.move_to("2026-11-03T10:00:00Z", tick=False)

    result = runner.invoke(args=["purge-idempotency-keys"])

    assert "Purged 1 keys." in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)) == 0


@pytest.mark.parametrize("if_match", ['""', '"', "W/", ","])
def test_malformed_if_match_is_412_not_a_crash(client, headers, shop, if_match):
    product = ProductFactory(seller=shop)

    response = client.patch(f"/api/v1/products/{product.id}", json={"price": "1.00"},
                            headers={**headers, "If-Match": if_match})

    assert response.status_code == 412


def test_a_replayed_answer_keeps_its_language(client, headers):
    keyed = {**headers, "Idempotency-Key": "ar-1", "Accept-Language": "ar"}
    first = client.post("/api/v1/products", json={**BODY, "price": "-1"}, headers=keyed)

    retry = client.post("/api/v1/products", json={**BODY, "price": "-1"}, headers=keyed)

    assert retry.status_code == 422
    assert retry.headers["Content-Language"] == first.headers["Content-Language"] == "ar"
    assert "Accept-Language" in retry.headers["Vary"]


@pytest.mark.parametrize("where", ["storing the answer", "committing"])
def test_a_failure_between_the_insert_and_the_stored_answer_never_makes_two_orders(
        client, auth, monkeypatch, where):
    """The order and its key's answer commit together: a crash leaves both or neither."""
    from api import conventions
    from shared.models import Order

    product = ProductFactory()
    keyed = auth(product.seller.owner, **{"Idempotency-Key": "flaky-network"})
    body = {"customer": {"name": "X"}, "lines": [{"product_id": product.id, "quantity": 1}]}
    target, name = ((conventions.idempotency, "store") if where == "storing the answer"
                    else (conventions, "commit"))
    real = getattr(target, name)

    def crash_once(*args, **kwargs):
        monkeypatch.setattr(target, name, real)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 1  # inserted
        raise RuntimeError("worker killed")

    monkeypatch.setattr(target, name, crash_once)
    with pytest.raises(RuntimeError):  # TESTING propagates it; a server would answer 500
        client.post("/api/v1/orders", json=body, headers=keyed)
    db.session.rollback()  # the dead worker's transaction never commits
    retry = client.post("/api/v1/orders", json=body, headers=keyed)
    again = client.post("/api/v1/orders", json=body, headers=keyed)

    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == retry.json["id"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 1
