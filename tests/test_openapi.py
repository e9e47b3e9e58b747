"""The committed openapi.yaml is what the code generates, and it keeps the promises client
generators rely on: ids, problems, required fields, enums by name (api/spec.py,
api/conventions.py)."""
import gzip
from pathlib import Path

import pytest
import yaml

from api import api
from api.spec import PROBLEM_JSON, operation_id, singular
from shared.problem_types import KINDS

SPEC_FILE = Path(__file__).parent.parent / "openapi.yaml"
OPERATIONS = {"get", "post", "patch", "put", "delete"}


@pytest.fixture
def spec(app):
    return api.spec.to_dict()


def test_committed_openapi_yaml_is_current_and_not_empty(spec):
    committed = yaml.safe_load(SPEC_FILE.read_text())

    assert committed, "openapi.yaml is empty: run `make openapi`"
    assert committed == spec, "openapi.yaml is out of date: run `make openapi` and commit it"


def test_openapi_json_is_served_and_equals_the_yaml(client):
    response = client.get("/openapi.json")

    assert response.status_code == 200
    assert response.json == yaml.safe_load(SPEC_FILE.read_text())
    assert response.json["openapi"].startswith("3.1")


def test_docs_page_loads_swagger_ui_from_this_server_over_the_spec(client):
    response = client.get("/docs")

    assert response.status_code == 200
    assert "text/html" in response.content_type
    html = response.get_data(as_text=True)
    assert 'data-spec-url="/openapi.json"' in html
    assert 'src="/docs/assets/' in html and "https://" not in html


def test_docs_assets_are_served_from_the_pinned_package_and_kept_a_year(client):
    html = client.get("/docs").get_data(as_text=True)
    script = html.split('<script src="')[1].split('"')[0]

    response = client.get(script)

    assert response.status_code == 200
    assert "SwaggerUIBundle" in response.get_data(as_text=True)
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert client.get("/docs/assets/0.0.1/swagger-ui-bundle.js").status_code == 404
    assert client.get(script.replace("swagger-ui-bundle.js", "../../../wsgi.py")).status_code == 404


def test_docs_assets_travel_gzipped(client):
    html = client.get("/docs").get_data(as_text=True)
    script = html.split('<script src="')[1].split('"')[0]

    response = client.get(script, headers={"Accept-Encoding": "gzip, br"})

    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 600_000
    assert gzip.decompress(response.data).startswith(client.get(script).data[:100])


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in OPERATIONS:
                yield f"{method.upper()} {path}", method, path, operation


def test_every_operation_has_summary_description_and_an_id(spec):
    for name, _method, _path, operation in operations(spec):
        assert operation.get("summary"), f"{name} has no summary"
        assert operation.get("description"), f"{name} has no description"
        assert operation.get("operationId", "")[:1].islower(), f"{name} has no camelCase operationId"


def test_operation_ids_are_unique(spec):
    ids = [operation["operationId"] for _name, _method, _path, operation in operations(spec)]

    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("method, path, many, expected", [
    ("get", "/api/v1/orders", True, "listOrders"),
    ("post", "/api/v1/orders", False, "createOrder"),
    ("get", "/api/v1/orders/{order_id}", False, "getOrder"),
    ("patch", "/api/v1/orders/{order_id}", False, "updateOrder"),
    ("delete", "/api/v1/orders/{order_id}", False, "deleteOrder"),
    ("get", "/api/v1/orders/{order_id}/payments", True, "listOrderPayments"),
    ("post", "/api/v1/orders/{order_id}/payments", False, "createOrderPayment"),
    ("get", "/api/v1/market-runs/{run_id}/shopping-list", False, "getMarketRunShoppingList"),
    ("get", "/api/v1/promotions/{promotion_id}/progress", True, "listPromotionProgress"),
    ("post", "/api/v1/promotions/{promotion_id}/progress", False, "createPromotionProgress"),
    ("post", "/api/v1/contests/{contest_id}/entries", False, "createContestEntry"),
    ("get", "/api/v1/me", False, "getMe"),
])
def test_operation_ids_come_from_the_method_and_the_path(method, path, many, expected):
    assert operation_id(method, path, many=many) == expected


@pytest.mark.parametrize("plural, one", [
    ("orders", "order"), ("entries", "entry"), ("statuses", "status"), ("progress", "progress"),
    ("payouts", "payout"), ("sales", "sale"), ("boxes", "box"),
])
def test_singular(plural, one):
    assert singular(plural) == one


def test_the_document_names_its_servers_contact_and_license(spec):
    assert spec["servers"][0]["url"] == "/"
    assert spec["info"]["contact"]["name"]
    assert spec["info"]["license"]["name"]
    assert spec["info"]["license"].get("identifier") or spec["info"]["license"].get("url")


def responses_of(spec, method, path):
    return {int(status): response for status, response in spec["paths"][path][method]["responses"].items()}


def test_problems_are_typed_problem_json_and_named_by_status(spec):
    for name, response in spec["components"]["responses"].items():
        assert list(response["content"]) == [PROBLEM_JSON], name
        assert response["content"][PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_no_operation_has_a_catch_all_default_response(spec):
    for name, _method, _path, operation in operations(spec):
        assert "default" not in operation["responses"], name


@pytest.mark.parametrize("method, path, statuses", [
    ("post", "/api/v1/auth/tokens", {400, 401, 413, 415, 422, 429}),
    ("get", "/api/v1/me", {401}),
    ("get", "/api/v1/orders", {400, 401, 404, 422}),  # ?seller_id= names a shop; 400: a NUL in the query
    ("get", "/api/v1/sellers", {400, 401, 422}),
    ("get", "/api/v1/orders/{order_id}", {400, 401, 404}),  # 400: a NUL in the id
    ("post", "/api/v1/orders", {400, 401, 403, 404, 409, 413, 415, 422}),
    ("patch", "/api/v1/orders/{order_id}", {400, 401, 403, 404, 409, 412, 413, 415, 422}),
    ("delete", "/api/v1/orders/{order_id}", {400, 401, 403, 404, 409, 412, 422}),  # 422: Idempotency-Key reused
])
def test_each_operation_declares_the_problems_its_shape_can_answer(spec, method, path, statuses):
    problems = {status for status, response in responses_of(spec, method, path).items() if status >= 400}

    assert problems == statuses


def test_reads_declare_304_and_their_etag(spec):
    for name, method, path, operation in operations(spec):
        if method == "get":
            responses = responses_of(spec, method, path)
            assert 304 in responses, name
            assert "ETag" in responses[200]["headers"], name


def test_lists_declare_their_link_header(spec):
    assert "Link" in responses_of(spec, "get", "/api/v1/orders")[200]["headers"]
    assert "Link" not in responses_of(spec, "get", "/api/v1/orders/{order_id}")[200]["headers"]


def test_creates_declare_etag_and_location_where_the_new_object_has_an_address(spec):
    order = responses_of(spec, "post", "/api/v1/orders")[201]["headers"]
    payment = responses_of(spec, "post", "/api/v1/orders/{order_id}/payments")[201]["headers"]

    assert {"ETag", "Location"} <= set(order)
    assert "ETag" in payment and "Location" not in payment


def test_conventions_are_documented(spec):
    params = {p["name"] for p in spec["paths"]["/api/v1/products"]["post"]["parameters"]}
    assert "Idempotency-Key" in params
    patch_params = {p["name"] for p in spec["paths"]["/api/v1/products/{product_id}"]["patch"]["parameters"]}
    assert "If-Match" in patch_params


def test_writes_have_request_examples(spec):
    for name, method, _path, operation in operations(spec):
        if method in {"post", "patch", "put"} and "requestBody" in operation:
            content = operation["requestBody"]["content"]["application/json"]
            assert "example" in content or "examples" in content, f"{name} has no example"


def test_bearer_security_everywhere_but_login(spec):
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/auth/tokens"]["post"]["security"] == []


def test_every_change_documents_the_idempotency_key(spec):
    for name, method, _path, operation in operations(spec):
        if method in {"post", "patch", "put", "delete"} and name != "POST /api/v1/auth/tokens":
            assert "Idempotency-Key" in {p["name"] for p in operation.get("parameters", [])}, name


# --- schemas ---------------------------------------------------------------------------


def test_the_problem_schema_is_open_to_extension_members_and_documents_them(spec):
    problem = spec["components"]["schemas"]["Problem"]

    assert problem.get("additionalProperties", True) is not False
    assert set(problem["required"]) == {"type", "code", "title", "status", "detail"}
    assert {"errors", "allowed", "current", "existing_customer_id"} <= set(problem["properties"])
    for code in KINDS:
        assert f"`{code}`" in problem["properties"]["code"]["description"]


def response_schemas(spec):
    """Component schemas reached from a 2xx response."""
    schemas = spec["components"]["schemas"]
    found, todo = set(), []
    for _name, _method, _path, operation in operations(spec):
        for status, response in operation["responses"].items():
            if str(status).startswith("2"):
                todo.extend(refs(response))
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(refs(schemas[name]))
    return found


def refs(node):
    if isinstance(node, dict):
        if str(node.get("$ref", "")).startswith("#/components/schemas/"):
            yield node["$ref"].rsplit("/", 1)[1]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def request_schemas(spec):
    """Component schemas reached from a request body or parameter."""
    schemas = spec["components"]["schemas"]
    found, todo = set(), []
    for _name, _method, _path, operation in operations(spec):
        todo.extend(refs([operation.get("requestBody"), operation.get("parameters")]))
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(refs(schemas[name]))
    return found


def test_schemas_are_named_by_use_never_one_for_requests_and_responses(spec):
    enums = {name for name, schema in spec["components"]["schemas"].items() if "enum" in schema}

    assert (request_schemas(spec) & response_schemas(spec)) - enums == set()


def test_response_schemas_require_every_field_nullable_ones_included(spec):
    schemas = spec["components"]["schemas"]
    for name in response_schemas(spec):
        properties = schemas[name].get("properties")
        if properties and schemas[name].get("x-trimmable"):  # a sync row: `fields=` trims it
            assert schemas[name]["required"] == ["id"], name
        elif properties:
            assert set(schemas[name]["required"]) == set(properties), name
    assert "delivered_at" in schemas["Order"]["required"]
    assert schemas["SyncOrdersRow"]["x-trimmable"] is True
    assert "null" in schemas["Order"]["properties"]["delivered_at"]["type"]


def test_what_a_response_schema_requires_is_always_sent():
    from shared.schemas.me import ShopRef

    assert ShopRef().dump({"id": "a", "name": "b"}) == {"id": "a", "name": "b"}
    with pytest.raises(AttributeError):
        ShopRef().dump({"id": "a"})  # a smaller answer would break the promise: a bug


def test_request_schemas_require_only_what_must_be_sent(spec):
    assert spec["components"]["schemas"]["OrderCreate"]["required"] == ["lines"]
    assert "required" not in spec["components"]["schemas"]["OrderUpdate"]


def test_answered_amounts_are_documented_in_the_one_form_they_are_written(spec):
    total = spec["components"]["schemas"]["Order"]["properties"]["total"]

    assert total["pattern"] == r"^-?[0-9]+\.[0-9]{2}$"


def inline_enums(node, where=""):
    if isinstance(node, dict):
        if "enum" in node and "properties" not in node:
            yield where
        for key, value in node.items():
            yield from inline_enums(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from inline_enums(value, f"{where}/{i}")


def test_enums_are_components_referenced_by_name(spec):
    schemas = spec["components"]["schemas"]
    for name in ("Currency", "OrderStatus", "PaymentStatus", "Channel", "PaymentMethod", "Role",
                 "Language", "MarketRunStatus", "SellerCategory"):
        assert schemas[name]["type"] == "string" and schemas[name]["enum"], name
    elsewhere = {**spec, "components": {**spec["components"], "schemas": {
        name: schema for name, schema in schemas.items() if "properties" in schema}}}
    # Only a set of values no other field shares stays inline (a payment's kind, and its
    # copy in the payment as a sync row).
    assert list(inline_enums(elsewhere["paths"])) == []
    assert list(inline_enums(elsewhere["components"]["schemas"])) == [
        "/Payment/properties/kind", "/SyncPaymentsRow/properties/kind"]
    assert schemas["Order"]["properties"]["status"] == {"$ref": "#/components/schemas/OrderStatus"}
