"""The committed openapi.yaml is what the code generates, and it documents every operation."""
from pathlib import Path

import pytest
import yaml

from api import api

SPEC_FILE = Path(__file__).parent.parent / "openapi.yaml"


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


def test_docs_page_renders_the_spec(client):
    response = client.get("/docs")

    assert response.status_code == 200
    assert "text/html" in response.content_type
    assert "openapi.json" in response.get_data(as_text=True)


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "patch", "put", "delete"}:
                yield f"{method.upper()} {path}", method, operation


def test_every_operation_has_summary_description_and_problem_errors(spec):
    for name, _method, operation in operations(spec):
        assert operation.get("summary"), f"{name} has no summary"
        assert operation.get("description"), f"{name} has no description"
        assert "default" in operation["responses"], f"{name} documents no error response"


def test_writes_have_request_examples(spec):
    for name, method, operation in operations(spec):
        if method in {"post", "patch", "put"} and "requestBody" in operation:
            content = operation["requestBody"]["content"]["application/json"]
            assert "example" in content or "examples" in content, f"{name} has no example"


def test_bearer_security_everywhere_but_login(spec):
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/auth/tokens"]["post"]["security"] == []


def test_conventions_are_documented(spec):
    params = {p["name"] for p in spec["paths"]["/api/v1/products"]["post"]["parameters"]}
    assert "Idempotency-Key" in params
    listing = spec["paths"]["/api/v1/products"]["get"]["responses"]["200"]
    assert "Link" in listing["headers"]
    patch_params = {p["name"] for p in spec["paths"]["/api/v1/products/{product_id}"]["patch"]["parameters"]}
    assert "If-Match" in patch_params


def test_every_change_documents_the_idempotency_key(spec):
    for name, method, operation in operations(spec):
        if method in {"post", "patch", "put", "delete"} and name != "POST /api/v1/auth/tokens":
            assert "Idempotency-Key" in {p["name"] for p in operation.get("parameters", [])}, name
