"""The contract as integrators use it: openapi.yaml linted as Redocly's recommended rules
want it, TypeScript types generated from it without a warning (and compiled), and a
Python client generated from it driving the app through a seller's first minutes.

The Node tools are pinned in package.json (`make test-assets` runs `npm ci`); without
them these tests skip and say so, and under CI=true they fail instead.
openapi-python-client is pinned in requirements-dev.txt.
"""
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import FreshContext
from tests.factories import PASSWORD, SellerFactory

pytestmark = pytest.mark.slow  # Node and a client generator: about 20 s; `make test` runs it

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
NODE_BIN = ROOT / "node_modules" / ".bin"
QUIET_NODE = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}
CLIENT_PACKAGE = "tawasi_contract_client"


def node_tool(name: str) -> Path:
    path = NODE_BIN / name
    if not path.exists():
        reason = f"no {path.relative_to(ROOT)} (make test-assets; it needs npm)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the contract test may not be skipped)", pytrace=False)
        pytest.skip(reason)
    return path


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, **QUIET_NODE, **kwargs.pop("env", {})}
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env, **kwargs)


def test_redocly_lint_with_the_recommended_rules_finds_nothing():
    redocly = node_tool("redocly")

    result = run(redocly, "lint", SPEC, "--format=json", "--config", ROOT / "redocly.yaml")

    report = json.loads(result.stdout)
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, report["problems"]
    assert result.returncode == 0


def test_openapi_typescript_generates_types_without_a_warning_and_they_compile(tmp_path):
    generate, tsc = node_tool("openapi-typescript"), node_tool("tsc")
    types = tmp_path / "tawasi.ts"  # a source file, so tsc checks it (skipLibCheck skips .d.ts)

    result = run(generate, SPEC, "--output", types)

    assert result.returncode == 0, result.stderr
    said = (result.stdout + result.stderr).lower()
    assert "warn" not in said and "⚠" not in said, said
    usage = tmp_path / "use.ts"
    usage.write_text(
        'import type { components, operations } from "./tawasi";\n'
        'type Problem = components["schemas"]["Problem"];\n'
        'const refused: Problem = {type: "/problems/invalid-transition", code: "invalid-transition",\n'
        '  title: "Status change not allowed", status: 409, detail: "...", allowed: ["cancelled"]};\n'
        'const status: components["schemas"]["OrderStatus"] = "pending";\n'
        'type Created = operations["createOrder"]["responses"][201]["content"]["application/json"];\n'
        'const total: Created["total"] = "150.00";\n'
        'export { refused, status, total };\n')
    compiled = run(tsc, "--noEmit", "--strict", "--skipLibCheck", "--lib", "es2022", usage)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


# --- a generated Python client ----------------------------------------------------------


@pytest.fixture(scope="module")
def client_package(tmp_path_factory):
    """The client openapi-python-client generates from openapi.yaml, imported."""
    out = tmp_path_factory.mktemp("client")
    config = out / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run on the generated code
    result = run(Path(sys.executable).parent / "openapi-python-client", "generate",
                 "--path", SPEC, "--meta", "none", "--config", config,
                 "--output-path", out / CLIENT_PACKAGE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(CLIENT_PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n.split(".")[0] == CLIENT_PACKAGE]:
            del sys.modules[name]


def api_module(package, path: str):
    return importlib.import_module(f"{package.__name__}.{path}")


@pytest.fixture
def transport(app):
    """httpx straight into the WSGI app (each request in a fresh app context)."""
    return httpx.WSGITransport(app=FreshContext(app))


def test_a_generated_client_logs_in_sells_and_reads_a_refusal_as_data(client_package, transport):
    pkg = client_package
    models = importlib.import_module(f"{pkg.__name__}.models")
    shop = SellerFactory(name="ريم للتجميل")
    anonymous = pkg.Client(base_url="http://tawasi.test", httpx_args={"transport": transport})

    # Log in: the token, and who I am beside it.
    login = api_module(pkg, "api.auth.log_in").sync_detailed(
        client=anonymous, body=models.TokenCreate(email=shop.owner.email, password=PASSWORD))
    assert login.status_code == 201
    assert login.parsed.user.shops[0].name == "ريم للتجميل"
    client = pkg.AuthenticatedClient(base_url="http://tawasi.test", token=login.parsed.token,
                                     httpx_args={"transport": transport})

    # Who am I: every field typed, none left Unset.
    me = api_module(pkg, "api.me.get_me").sync(client=client)
    assert isinstance(me, models.Me)
    assert me.role == models.Role.SELLER
    assert me.language == models.Language(shop.owner.language.value)
    assert [s.id for s in me.shops] == [shop.id] and me.all_shops is False
    assert me.teams == []

    # A product, then an order of two of it.
    created = api_module(pkg, "api.products.create_product").sync_detailed(
        client=client, body=models.ProductCreate(name="كريم مرطّب", price="١٥٠", currency=models.Currency.TRY))
    assert created.status_code == 201
    product = created.parsed
    assert product.price == "150.00" and product.currency == models.Currency.TRY
    assert created.headers["Location"] == f"/api/v1/products/{product.id}"
    order = api_module(pkg, "api.orders.create_order").sync(client=client, body=models.OrderCreate(
        customer=models.OrderCustomerCreate(name="أم أحمد", phone="0944 111 222"),
        lines=[models.OrderLineCreate(product_id=product.id, quantity=2)]))
    assert isinstance(order, models.Order)
    assert (order.status, order.total, order.delivered_at) == (models.OrderStatus.PENDING, "300.00", None)

    # The list has it, and a read of what I hold is a 304 the client takes in its stride.
    listed = api_module(pkg, "api.orders.list_orders").sync_detailed(client=client)
    assert [o.id for o in listed.parsed] == [order.id]
    get_order = api_module(pkg, "api.orders.get_order")
    etag = get_order.sync_detailed(order.id, client=client).headers["ETag"]
    assert get_order.sync_detailed(order.id, client=client, if_none_match=etag).status_code == 304

    # A refused status change: the problem arrives as data, `allowed` included.
    refused = api_module(pkg, "api.orders.update_order").sync_detailed(
        order.id, client=client, body=models.OrderUpdate(status=models.OrderStatus.DELIVERED))
    assert refused.status_code == 409
    assert refused.headers["Content-Type"] == "application/problem+json"
    problem = refused.parsed
    assert isinstance(problem, models.Problem)
    assert (problem.code, problem.type_) == ("invalid-transition", "/problems/invalid-transition")
    assert problem.current == "pending"
    assert problem.allowed == ["confirmed", "cancelled"]
