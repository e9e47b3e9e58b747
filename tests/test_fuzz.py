"""Property-based fuzzing from the OpenAPI spec: no input may make the server fail (5xx),
and every answer is one the spec documents.

Schemathesis generates requests for every documented operation, valid and invalid,
and sends them through the WSGI app. Each answer must have a documented status
(`status_code_conformance`), media type (`content_type_conformance`), body
(`response_schema_conformance`: required fields, types, patterns, problem+json) and
headers (`response_headers_conformance`); an operation that declares bearer auth must
refuse the same request without it or with a wrong token (`ignored_auth`); and a
request the spec forbids must be refused (`negative_data_rejection`): the server accepts
no more than the spec says. Each example gets rows of its own — a seller with
a product, a customer, a confirmed order on a planned market run, a confirmed order in
no run, a pending order — and a fresh token, so a DELETE or a token revoke in one
example cannot turn the next ones into 404/401. Three cases in four have their ids
(path, query, body) pointed at those rows, so orders, payments, refunds and market runs
are really created and changed; the fourth keeps the generated ids, for the 404 paths.
`test_the_fuzz_reached_the_code` then checks that it did.

Derandomized, and every choice is made from a CRC of the generated values, so CI is
repeatable; FUZZ_EXAMPLES raises the number of cases per operation for a deeper local run.
"""
import json
import os
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
import schemathesis
import sqlalchemy as sa
import yaml
from flask import current_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance, ignored_auth, negative_data_rejection, not_a_server_error,
    response_headers_conformance, response_schema_conformance, status_code_conformance,
)
from schemathesis.core import NotSet

from shared.changelog import next_order_number
from shared.extensions import db
from shared.models import Order, OrderLine, OrderStatus, Payment, PaymentStatus, new_id
from tests.conftest import FreshContext
from tests.factories import CustomerFactory, MarketRunFactory, ProductFactory

pytestmark = pytest.mark.slow  # about half the suite's time; `make test` runs it, `-m "not slow"` skips it

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))

# The committed spec, which test_openapi keeps equal to what the app serves.
schema = schemathesis.openapi.from_path(Path(__file__).parent.parent / "openapi.yaml")

# "POST /api/v1/orders" -> Counter({422: 80, 201: 40, ...}), filled by the fuzz test.
STATUSES: defaultdict[str, Counter] = defaultdict(Counter)

# Operations that must succeed at least once, or the fuzz has stopped reaching the code.
MUST_SUCCEED = (
    "POST /api/v1/orders",
    "PATCH /api/v1/orders/{order_id}",
    "POST /api/v1/orders/{order_id}/payments",
    "POST /api/v1/market-runs",
    "POST /api/v1/promotions/{job_id}/progress",
    "PATCH /api/v1/promotions/{job_id}",
    "POST /api/v1/payout-sets",
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance, ignored_auth,
          negative_data_rejection]

CREDIT = Decimal("1000000.00")  # paid on the confirmed orders
LOGIN = "/api/v1/auth/tokens"  # its body is credentials, no ids: never touched


@dataclass
class Shop:
    seller_id: str
    product_id: str
    customer_id: str
    run_id: str
    run_order_id: str  # confirmed, in the run
    free_order_id: str  # confirmed, in no run: what a new run or POST .../orders can take
    pending_order_id: str
    headers: dict


def _orders(product, customer_id: str, run_id: str) -> list[str]:
    """The ids of three orders of `product`: confirmed in the run, confirmed in no run, pending.

    The confirmed ones carry a credit, so refunds (up to what was paid) can succeed too.
    Inserted in bulk, with what order_with_lines would give them: through the unit of work
    they cost 2 ms each, on every one of the ~2,600 examples.
    """
    orders = [  # id, status, quantity, market run, paid
        (new_id(), OrderStatus.confirmed, 2, run_id, CREDIT),
        (new_id(), OrderStatus.confirmed, 1, None, CREDIT),
        (new_id(), OrderStatus.pending, 3, None, Decimal("0.00")),
    ]
    last = next_order_number(db.session, product.seller_id, len(orders))
    db.session.execute(sa.insert(Order), [
        {"id": order_id, "seller_id": product.seller_id, "customer_id": customer_id, "number": number,
         "status": status, "currency": product.currency, "total": product.price * quantity,
         "amount_paid": paid, "payment_status": PaymentStatus.paid if paid else PaymentStatus.unpaid,
         "market_run_id": run}
        for number, (order_id, status, quantity, run, paid) in enumerate(orders, last - len(orders) + 1)])
    db.session.execute(sa.insert(OrderLine), [
        {"order_id": order_id, "product_id": product.id, "product_name": product.name,
         "unit_price": product.price, "quantity": quantity}
        for order_id, _status, quantity, _run, _paid in orders])
    db.session.execute(sa.insert(Payment), [
        {"order_id": order_id, "amount": paid, "currency": product.currency, "order_amount": paid}
        for order_id, _status, _quantity, _run, paid in orders if paid])
    return [order[0] for order in orders]


def _open_shop(auth) -> Shop:
    product = ProductFactory.build()
    seller = product.seller
    customer = CustomerFactory.build(seller=seller)
    run = MarketRunFactory.build(seller=seller)
    db.session.add_all([product, customer, run])
    db.session.flush()  # ids are given at flush: read them before the commit expires them
    in_run, free, pending = _orders(product, customer.id, run.id)
    return Shop(seller.id, product.id, customer.id, run.id, in_run, free, pending,
                # issue_token commits the token and the rows at once. Answers come
                # uncompressed: the checks read bodies as sent.
                headers=auth(seller.owner, **{"Accept-Encoding": "identity"}))


def _generated(value):
    """`value` with schemathesis' NotSet (whose repr holds a memory address) as None."""
    return None if isinstance(value, NotSet) else value


def _choice(case) -> int:
    """A number fixed by what was generated: the same on every run, unlike hash()."""
    generated = (case.method, case.path, _generated(case.path_parameters), _generated(case.query),
                 _generated(case.headers), _generated(case.body))
    return zlib.crc32(repr(generated).encode())


def _in_body(value, ids: dict):
    """`value` with the strings under an id key (or in an id list) made real ids, at any depth.

    Only strings: a number or null where an id belongs stays, it is the test of a wrong type.
    """
    if isinstance(value, list):
        return [_in_body(item, ids) for item in value]
    if not isinstance(value, dict):
        return value
    changed = {}
    for key, item in value.items():
        if key in ids and isinstance(item, str):
            item = ids[key]
        elif key in ids and isinstance(item, list):  # order_ids
            item = [ids[key] if isinstance(one, str) else one for one in item]
        else:
            item = _in_body(item, ids)
        changed[key] = item
    return changed


def _point_at_shop(case, shop: Shop) -> None:
    """Put the shop's ids in place of generated ones, in three cases of four."""
    choice = _choice(case)
    if case.path == LOGIN or choice % 4 == 0:
        return
    if "{run_id}" in case.path:
        order_id = shop.run_order_id  # the order in the run, so removing it can succeed
    else:
        order_id = (shop.run_order_id, shop.free_order_id, shop.pending_order_id)[choice // 4 % 3]
    ids = {"seller_id": shop.seller_id, "product_id": shop.product_id,
           "customer_id": shop.customer_id, "order_id": order_id, "run_id": shop.run_id,
           "order_ids": shop.free_order_id}
    if case.path_parameters:
        case.path_parameters = {name: ids.get(name, value) for name, value in case.path_parameters.items()}
    if isinstance(case.query, dict):
        case.query = {name: ids[name] if name in ("seller_id", "customer_id") and isinstance(value, str)
                      else value for name, value in case.query.items()}
    if not isinstance(case.body, NotSet):
        case.body = _in_body(case.body, ids)


# Zeina's work (issue 9): these paths are sent by a coordinator, at rows of her own.
ZEINA_PATHS = ("/api/v1/pages", "/api/v1/promotions", "/api/v1/teams", "/api/v1/contributions",
               "/api/v1/payout-sets", "/api/v1/payouts", "/api/v1/client-payments", "/api/v1/contests",
               "/api/v1/sellers/{seller_id}/statement")


def _open_zeinas_work(auth) -> tuple[dict, dict]:
    """A coordinator's client shop with a page, her team of two, an active job (counts, both
    members assigned, a contribution, a payout), a client payment and a contest entered:
    (ids by the names the spec uses, her headers). One commit."""
    from shared.models import (
        ClientPayment, Contest, ContestEntry, Contribution, ContributionKind, JobMember, JobStatus,
        Payout, PayoutSet, ProgressRecord, PromotionJob, Role, Split, Team, TeamMember, utcnow,
    )
    from tests.factories import PageFactory, UserFactory

    page = PageFactory.build()
    zeina, shop = page.seller.coordinator, page.seller
    huda, salma = UserFactory.build(role=Role.promoter), UserFactory.build(role=Role.promoter)
    team = Team(coordinator=zeina, name="Team", coordinator_share=Decimal("20.00"))
    team.members.extend([TeamMember(user=huda), TeamMember(user=salma)])
    job = PromotionJob(seller=shop, page=page, coordinator=zeina, team=team, baseline_count=1000,
                       target_gain=1000, price=Decimal("300.00"), currency="TRY", status=JobStatus.active,
                       paid_through=Decimal("60.00"))
    job.members.extend([JobMember(user=huda), JobMember(user=salma)])
    now = utcnow()
    record = ProgressRecord(job=job, count=1500, observed_at=now)
    job.progress.append(record)
    db.session.add_all([page, team, job])
    db.session.flush()  # ids for the team's rows below
    contribution = Contribution(job=job, team_id=team.id, user=huda, kind=ContributionKind.followers,
                                quantity=5)
    payout_set = PayoutSet(job=job, team_id=team.id, currency="TRY", split=Split.equal,
                           earned_before=Decimal("0.00"), earned_through=Decimal("60.00"),
                           coordinator_share=Decimal("20.00"), coordinator_amount=Decimal("12.00"),
                           amount=Decimal("48.00"))
    payout = Payout(payout_set=payout_set, job_id=job.id, team_id=team.id, user=huda, weight=1,
                    amount=Decimal("48.00"), currency="TRY")
    payment = ClientPayment(seller=shop, amount=Decimal("50.00"), currency="TRY", paid_on=now.date())
    contest = Contest(team=team, shop_name="x", title="t", prize_description="p", starts_at=now, ends_at=now)
    entry = ContestEntry(contest=contest, user=huda)
    db.session.add_all([contribution, payout_set, payout, payment, contest, entry])
    db.session.flush()
    ids = {"seller_id": shop.id, "page_id": page.id, "job_id": job.id, "record_id": record.id,
           "team_id": team.id, "user_id": salma.id, "user_ids": salma.id, "contribution_id": contribution.id,
           "set_id": payout_set.id, "payout_id": payout.id, "payment_id": payment.id,
           "contest_id": contest.id, "entry_id": entry.id}
    return ids, auth(zeina, **{"Accept-Encoding": "identity"})


def _point_at_zeinas_work(case, ids: dict) -> None:
    """Her ids in place of generated ones, in three cases of four (as _point_at_shop)."""
    if _choice(case) % 4 == 0:
        return
    if case.path_parameters:
        case.path_parameters = {name: ids.get(name, value) for name, value in case.path_parameters.items()}
    if isinstance(case.query, dict):
        case.query = {name: ids[name] if name in ids and isinstance(value, str) else value
                      for name, value in case.query.items()}
    if not isinstance(case.body, NotSet):
        case.body = _in_body(case.body, ids)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_server_error(case, auth):
    if case.path.startswith(ZEINA_PATHS):
        ids, headers = _open_zeinas_work(auth)
        _point_at_zeinas_work(case, ids)
    else:
        shop = _open_shop(auth)
        _point_at_shop(case, shop)
        headers = shop.headers
    app = FreshContext(current_app._get_current_object())  # the checks' probes too
    case.operation.schema.app = app  # requests go straight into the WSGI app, no network
    response = case.call_and_validate(base_url="http://localhost", app=app, headers=headers,
                                      checks=CHECKS)
    STATUSES[f"{case.method.upper()} {case.path}"][response.status_code] += 1


def test_the_fuzz_reached_the_code():
    """The writes that matter succeeded at least once: ids, amounts and tokens still fit.

    Runs after the fuzz test (pytest keeps a module's order). Operations the fuzz did not
    run (`-k` picked others) are not checked; with none of them run, this skips.
    """
    ran = [operation for operation in MUST_SUCCEED if STATUSES[operation]]
    if not ran:
        pytest.skip("the fuzz test ran none of " + ", ".join(MUST_SUCCEED))
    never = {operation: dict(STATUSES[operation]) for operation in ran
             if not any(200 <= status < 300 for status in STATUSES[operation])}
    assert not never, f"never answered 2xx (status: count): {never}"


# --- hostile inputs: what the spec cannot describe (issue 12, point 2) ------------------------
#
# Schemathesis sends what the spec allows and what it forbids, but never a body nested
# 1,000 deep, a 5,000-digit number, a lone surrogate, or a NUL in a path id: each of those
# once answered 500 (on PostgreSQL only, for some). These strategies send them to every
# operation, in its body, its query and its path, pointed at real rows of a shop so the
# requests reach the database. Every answer must be a 4xx problem (or a success).

DEEP = st.one_of(
    st.integers(33, 3000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(33, 1500).map(lambda depth: '{"a": ' * depth + "1" + "}" * depth),
)
HUGE_NUMBERS = st.one_of(
    st.integers(41, 6000).map(lambda digits: "9" * digits),
    st.integers(41, 6000).map(lambda digits: "1." + "5" * digits),
    st.integers(5, 10**7).map(lambda exponent: f'"1E+{exponent}"'),  # an amount decimal.Overflow once met
    st.integers(5, 10**7).map(lambda exponent: f"1e{exponent}"),
)
BAD_TEXT = st.one_of(
    st.sampled_from(['"\\ud800"', '"x\\udfff"', '"\\udc00\\ud800"', '"a\\u0000b"', '["\\u0000"]',
                     '{"\\ud83d": 1}', '{"a\\u0000": 1}']),
    st.integers(27, 20000).map(lambda length: json.dumps("x" * length)),  # past every column's length
)
HOSTILE_VALUE = st.one_of(DEEP, HUGE_NUMBERS, BAD_TEXT)
# In a path or a query: raw text (NULs and lone surrogates, sent as their bytes) or lengths.
HOSTILE_PARAMETER = st.one_of(
    st.text(st.characters(codec=None, categories=("Cc", "Cs", "Lo", "Nd")), min_size=1, max_size=40),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfff", "01jd3k6w7x8y9z0a1b2c3d4e5\x00"]),
    st.integers(27, 5000).map(lambda length: "x" * length),
)

SPEC = yaml.safe_load((Path(__file__).parent.parent / "openapi.yaml").read_text())
OPERATIONS = sorted((method.upper(), path) for path, item in SPEC["paths"].items() for method in item
                    if method in ("get", "post", "put", "patch", "delete"))


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body_of(method: str, path: str) -> tuple[dict | None, list[str]]:
    """The operation's example body (or None), and the names of its body's fields."""
    body = SPEC["paths"][path][method.lower()].get("requestBody")
    if not body:
        return None, []
    content = body["content"]["application/json"]
    schema = _resolve(content["schema"])
    return content.get("example"), sorted(schema.get("properties", {}))


def _query_of(method: str, path: str) -> list[str]:
    return [p["name"] for p in SPEC["paths"][path][method.lower()].get("parameters", ()) if p.get("in") == "query"]


def _encoded(text: str) -> str:
    """`text` as it travels in a URL, lone surrogates as their (invalid) UTF-8 bytes."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


_ROWS: dict[int, tuple[dict, dict]] = {}


def _rows_for(auth, path: str) -> tuple[dict, dict]:
    """Rows for the operation's examples (ids by the spec's names, and headers): made once
    per test (the `auth` fixture's life), shared by its examples."""
    if id(auth) not in _ROWS:
        _ROWS.clear()
        if path.startswith(ZEINA_PATHS):
            _ROWS[id(auth)] = _open_zeinas_work(auth)
        else:
            shop = _open_shop(auth)
            ids = {"seller_id": shop.seller_id, "product_id": shop.product_id, "customer_id": shop.customer_id,
                   "order_id": shop.free_order_id, "run_id": shop.run_id}
            _ROWS[id(auth)] = ids, shop.headers
    return _ROWS[id(auth)]


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@settings(max_examples=int(os.environ.get("FUZZ_HOSTILE_EXAMPLES", "12")), deadline=None, derandomize=True,
          database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_hostile_inputs_never_make_a_server_error(client, auth, method, path, data):
    ids, headers = _rows_for(auth, path)
    example, fields = _body_of(method, path)
    names = re.findall(r"{(\w+)}", path)
    where = data.draw(st.sampled_from(["body"] * bool(fields or example is not None)
                                      + ["query"] * bool(_query_of(method, path)) + ["path"] * bool(names)
                                      or ["path-less"]), label="where")
    values = {name: ids.get(name, "01jd3k6w7x8y9z0a1b2c3d4e5f") for name in names}
    query, body = {}, None
    if where == "path":
        values[data.draw(st.sampled_from(names), label="param")] = data.draw(HOSTILE_PARAMETER, label="value")
    elif where == "query":
        query[data.draw(st.sampled_from(_query_of(method, path)), label="param")] = data.draw(HOSTILE_PARAMETER)
    if method in ("POST", "PUT", "PATCH"):
        base = json.dumps(_in_body(example, ids) if isinstance(example, dict) else {})
        if where == "body":
            value = data.draw(HOSTILE_VALUE, label="value")
            if data.draw(st.booleans(), label="whole body") or not fields:
                body = value
            else:
                field = data.draw(st.sampled_from(fields), label="field")
                parsed = json.loads(base)
                parsed.pop(field, None)
                rest = json.dumps(parsed)[1:-1]
                body = "{" + json.dumps(field) + ": " + value + (", " + rest if rest else "") + "}"
        else:
            body = base
    url = re.sub(r"{(\w+)}", lambda m: _encoded(values[m.group(1)]), path)
    if query:
        url += "?" + "&".join(f"{_encoded(k)}={_encoded(v)}" for k, v in query.items())

    response = client.open(url, method=method, headers=headers, content_type="application/json",
                           data=None if body is None else body.encode("utf-8", "surrogatepass"))

    assert response.status_code < 500, (url, (body or "")[:200], response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", (url, response.status_code)


def _string_fields(method: str, path: str) -> list[tuple[str, int | None, bool]]:
    """(name, maxLength, is a URL) of each string field of the operation's body."""
    _example, _fields = _body_of(method, path)
    body = SPEC["paths"][path][method.lower()].get("requestBody")
    if not body:
        return []
    found = []
    for name, prop in _resolve(body["content"]["application/json"]["schema"]).get("properties", {}).items():
        prop = _resolve(prop)
        types = prop.get("type") if isinstance(prop.get("type"), list) else [prop.get("type")]
        if "string" in types and not prop.get("readOnly") and "enum" not in prop:
            found.append((name, prop.get("maxLength"), name.endswith("url") or prop.get("format") == "uri"))
    return found


LONG_FIELDS = [(method, path, *field) for method, path in OPERATIONS if method in ("POST", "PUT", "PATCH")
               for field in _string_fields(method, path)]


@pytest.mark.parametrize("method, path, field, max_length, url", LONG_FIELDS,
                         ids=[f"{m} {p} {f}" for m, p, f, *_ in LONG_FIELDS])
def test_every_string_past_its_length_is_refused_on_every_database(client, auth, method, path, field,
                                                                 max_length, url):
    """A photo_url of 501 characters was stored by SQLite and a 500 on PostgreSQL: each
    string field of each body, one past its documented length (or 10,000 characters where
    none is documented), in an otherwise valid body aimed at real rows, is refused (4xx)
    or stored whole, never a 500 and never cut."""
    ids, headers = _rows_for(auth, path)
    example, _fields = _body_of(method, path)
    length = (max_length or 10_000) + 1
    value = ("https://example.com/" + "x" * length)[:length] if url else "x" * length
    body = {**(_in_body(example, ids) if isinstance(example, dict) else {}), field: value}
    url_path = re.sub(r"{(\w+)}", lambda m: ids.get(m.group(1), "01jd3k6w7x8y9z0a1b2c3d4e5f"), path)

    response = client.open(url_path, method=method, json=body, headers=headers)

    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if max_length is not None:
        assert response.status_code == 422, (response.status_code, response.get_data(as_text=True)[:300])
