"""Property-based fuzzing from the OpenAPI spec: no input may make the server fail (5xx).

Schemathesis generates requests for every documented operation, valid and invalid,
and sends them through the WSGI app as a seller who owns a shop with a product, a
customer and an order. Derandomized, so CI is repeatable; FUZZ_EXAMPLES raises the
number of cases per operation for a deeper local run.
"""
import os
from pathlib import Path

import pytest
import schemathesis
from flask import current_app, g
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.factories import ProductFactory, order_with_lines

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))


# The committed spec, which test_openapi keeps equal to what the app serves.
schema = schemathesis.openapi.from_path(Path(__file__).parent.parent / "openapi.yaml")


@pytest.fixture
def fuzz_headers(auth):
    product = ProductFactory()
    order_with_lines(product.seller, [(product, 2)])
    return auth(product.seller.owner)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_server_error(case, fuzz_headers):
    app = current_app._get_current_object()
    case.operation.schema.app = app  # requests go straight into the WSGI app, no network
    g.__dict__.clear()  # each request as in a fresh app context (see FreshContextClient)
    case.call_and_validate(base_url="http://localhost", app=app, headers=fuzz_headers,
                           checks=[not_a_server_error])
