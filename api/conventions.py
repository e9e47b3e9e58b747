"""HTTP conventions every resource shares: one commit per request, cursor links, ETags,
Idempotency-Key, 201 Created with Location and ETag, and their documentation: each
operation's id, headers, 304, and the problems it can answer (`_problems_of`).

Each is one mechanism for the whole API, so a new resource gets them by using
`Blueprint` and `View` from here and returning `page_response(page)` from its list view.
An action that reads badly as `createMarketRunBought` declares its id
(`@blp.doc(operationId="markMarketRunBought")`); a problem its shape does not show is
declared with `problems(...)`; a rate limit with `rate_limited(...)`.
"""
import hashlib
import json
import re
from copy import deepcopy
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import marshmallow as ma
from flask import Response, current_app, g, request, url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_limiter import RouteLimit
from flask_smorest import Blueprint as SmorestBlueprint
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest, PreconditionFailed, UnsupportedMediaType

from api import spec
from shared import client_ids, idempotency, inputs
from shared.auth import require_token
from shared.db import commit
from shared.extensions import db, limiter
from shared.i18n import N_, lazy_concat
from shared.problems import STALE_READ, problem

API_PREFIX = "/api/"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
KEYED_METHODS = ("POST", "PUT", "PATCH", "DELETE")

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Any unique string (a UUID). A retry of the same request with the same key "
                   "returns the first answer and changes nothing again; the same key on a "
                   "different request is a 422. Only an answer that succeeded is kept (24 "
                   "hours): after an error, fix the request and send it again with the same key.",
    "schema": {"type": "string", "maxLength": idempotency.MAX_KEY_LENGTH},
}
IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False,
    "description": "The ETag of your last read; the change is refused with 412 if the "
                   "object changed since.",
    "schema": {"type": "string"},
}
IF_NONE_MATCH = {
    "name": "If-None-Match", "in": "header", "required": False,
    "description": "The ETag you hold; answered 304 Not Modified with no body if unchanged.",
    "schema": {"type": "string"},
}
LINK_HEADER = {
    "description": 'Present while more items remain: `<URL>; rel="next"`.',
    "schema": {"type": "string"},
}
ETAG_HEADER = {
    "description": "Names this representation: send it back as If-None-Match (304 when "
                   "unchanged) or, to change the object, as If-Match.",
    "schema": {"type": "string"},
}
CREATED_ETAG_HEADER = {
    "description": "The ETag a GET of the new object answers: send it as If-Match to "
                   "change the object, with no GET first.",
    "schema": {"type": "string"},
}
LOCATION_HEADER = {
    "description": "The new object's address (relative to this server).",
    "schema": {"type": "string", "format": "uri-reference"},
}
NOT_MODIFIED = {"description": "Not Modified: the ETag sent in If-None-Match is current; no body."}


class View(MethodView):
    """Every API view: the request's one transaction ends here, once the view has answered.

    A write's answer is stored for its Idempotency-Key in the same transaction as the
    change, then both are committed together. An error raised by the view or by the
    commit goes to the app's error handlers, which roll back. A `201 Created` gets its
    ETag (the one a GET of the new object answers, so a client can send If-Match at
    once) and, where the new object has an address of its own, its Location, before
    it is stored: a replay answers the same headers.
    """

    def dispatch_request(self, **kwargs) -> Response:
        response = current_app.make_response(super().dispatch_request(**kwargs))
        if response.status_code == 201:
            _describe_created(response)
        if request.method not in SAFE_METHODS:
            _store_for_replay(response)
            commit(db.session)
        return response


def _describe_created(response: Response) -> None:
    if not response.is_json:
        return
    if "ETag" not in response.headers:
        response.set_etag(generate_etag(response.get_data()))
    item = item_rule(current_app.url_map, request.url_rule.rule)
    body = response.get_json(silent=True)
    if item is not None and isinstance(body, dict) and isinstance(body.get("id"), str):
        (param,) = item.arguments - set(request.view_args or {})
        response.headers["Location"] = url_for(item.endpoint, **(request.view_args or {}),
                                               **{param: body["id"]})


def item_rule(url_map, collection: str):
    """The rule that GETs one item of `collection` ("/api/v1/orders" -> "/api/v1/orders/<order_id>"),
    or None when the items have no address of their own (a payment of an order)."""
    for rule in url_map.iter_rules():
        head, _, last = rule.rule.rpartition("/")
        if (head == collection.rstrip("/") and last.startswith("<") and "GET" in rule.methods
                and len(rule.arguments) == len(_ARGUMENT.findall(collection)) + 1):
            return rule
    return None


_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def problems(*statuses: int):
    """Declares problems a view can answer that its shape does not show (a public view
    refusing credentials: 401). The rest are documented from the shape of the operation."""
    def decorator(func):
        func._apidoc = deepcopy(getattr(func, "_apidoc", {}))
        func._apidoc.setdefault("problems", []).extend(statuses)
        return func
    return decorator


def rate_limited(limit):
    """A limit on a view, documented: the operation may answer 429. `limit` is a
    flask-limiter limit string (or a callable giving one), or a limit decorator already
    made (shared.ratelimits.login_limit)."""
    def decorator(func):
        limited = limit(func) if isinstance(limit, RouteLimit) else limiter.limit(limit)(func)
        return problems(429)(limited)
    return decorator


class Parser(FlaskParser):
    """webargs' parser, reading JSON bodies with the app's limits (shared/inputs.py). A
    query parameter the operation does not declare is refused (422), as an unknown body
    field is: the server accepts no more than the spec says (webargs would drop it)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": ma.RAISE,
                                   "querystring": ma.RAISE}

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return webargs_core.missing
        try:
            return inputs.parse_json(req.get_data(cache=True))
        except json.JSONDecodeError as exc:
            return self._handle_invalid_json_error(exc, req)


class Blueprint(SmorestBlueprint):
    """flask-smorest Blueprint that documents the shared conventions on every operation,
    and refuses requests that carry no bearer token (except where `public` says so)."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.public = public
        self._bodies_required: set[tuple[str, str]] = set()  # (endpoint, METHOD)
        self._prepare_doc_cbks.append(self._prepare_conventions_doc)
        self._prepare_doc_cbks.append(_document_idempotency_of_changes)
        self.before_request(self._require_json_body)
        if not public:
            self.before_request(require_token)

    def add_url_rule(self, rule, endpoint=None, view_func=None, **kwargs):
        if not (isinstance(view_func, type) and issubclass(view_func, View)):
            raise TypeError(f"{rule}: API views subclass api.conventions.View (one commit per request)")
        super().add_url_rule(rule, endpoint, view_func, **kwargs)
        # What the doc callback needs to know beside the decorators' doc: where and for whom.
        full_rule = (self.url_prefix or "") + rule
        endpoint = self._endpoints[-1]
        for method, doc_info in self._docs[endpoint].items():
            if method == "parameters":
                continue
            doc_info["conventions"] = {"rule": full_rule, "public": self.public}
            arguments = (doc_info.get("arguments") or {}).get("parameters", ())
            if any(arg.get("in") == "json" and arg.get("required", True) for arg in arguments):
                self._bodies_required.add((f"{self.name}.{endpoint}", method.upper()))

    def _require_json_body(self) -> None:
        """A body that is not JSON is a 415 that says so, not a misleading 'field missing';
        no body where the operation requires one (the spec says `required`) is a 400."""
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        if request.content_length and not request.is_json:
            raise UnsupportedMediaType()
        if not request.content_length and (request.endpoint, request.method) in self._bodies_required:
            raise _no_body()

    @staticmethod
    def _prepare_conventions_doc(doc, doc_info, *, method, app, **kwargs):
        """The conventions of every operation, from what it is: its id, headers, 304, and
        the problems it can answer (see `_problems_of`)."""
        where = doc_info["conventions"]
        rule, public = where["rule"], where["public"]
        path = _ARGUMENT.sub(r"{\1}", rule)
        responses = doc.setdefault("responses", {})
        json_schemas = {int(status): (response.get("content") or {}).get("application/json", {}).get("schema")
                        for status, response in responses.items() if isinstance(response, dict)}
        many = bool(getattr(json_schemas.get(200), "many", False))
        doc["operationId"] = spec.operation_id(method, path, many=many)
        params = doc.setdefault("parameters", [])
        if method == "post" and not public:
            params.append(IDEMPOTENCY_KEY)
        elif method in ("patch", "put", "delete") and not public:
            params.append(IF_MATCH)
        elif method == "get":
            params.append(IF_NONE_MATCH)
        for status, response in responses.items():
            if not isinstance(response, dict):
                continue
            status = int(status)
            headers = response.setdefault("headers", {}) if status in (200, 201) else {}
            if status == 200 and method == "get":
                headers["ETag"] = ETAG_HEADER
                if many:
                    headers["Link"] = LINK_HEADER
            if status == 201 and json_schemas.get(201) is not None:
                headers["ETag"] = CREATED_ETAG_HEADER
                if item_rule(app.url_map, rule) is not None:
                    headers["Location"] = LOCATION_HEADER
            if status in (200, 201) and not headers:
                response.pop("headers")
        if method == "get" and 200 in json_schemas:
            responses[304] = NOT_MODIFIED
        for status, response in list(responses.items()):
            if isinstance(response, str):  # flask-smorest's own error responses: ours instead
                del responses[status]
        for status in sorted(_problems_of(doc, doc_info, method, path, public)):
            responses[status] = spec.PROBLEM_RESPONSES[status]
        return doc


def _document_idempotency_of_changes(doc, doc_info, *, method, **kwargs):
    """PATCH, PUT and DELETE honour Idempotency-Key as POST does (claim_idempotency_key)."""
    if method in ("patch", "put", "delete"):
        doc.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
    return doc


def _problems_of(doc, doc_info, method: str, path: str, public: bool) -> set[int]:
    """The problems an operation can answer, from what it is:

    - needs a token: 401 · names a row by id, in its path or in a `*_id` or `*_ids`
      argument (query or body, nested included): 404 (none, or not yours)
    - has a body: 400 (not JSON, or outside the input limits: too deep, a number too
      long, a lone surrogate), 413 (too large), 415 (not declared JSON), 422 (invalid)
    - has an id in its path, or query arguments: 400 (a NUL there) · query arguments: 422
    - takes If-Match (a user's PATCH, PUT, DELETE): 412
    - a write by a user: 403 (a role that may not), 409 (the state of what it changes,
      or a write that raced another), and 422 (Idempotency-Key reused)
    - declared with `problems(...)` or `rate_limited(...)`: those (401 on logging in, 429)
    """
    found = set(doc_info.get("problems", ()))
    if not public:
        found.add(401)
    if "{" in path or any(_names_ids(schema) for schema in _argument_schemas(doc)):
        found.add(404)
    if "{" in path:
        found.add(400)  # input-limits: a NUL in the id
    if "requestBody" in doc:
        found |= {400, 413, 415, 422}
    if any(isinstance(p, dict) and p.get("in") == "query" for p in doc.get("parameters", ())):
        found |= {400, 422}  # input-limits: a NUL in the query
    if method in ("patch", "put", "delete") and not public:
        found.add(412)
    if method != "get" and not public:
        found |= {403, 409, 422}
    return found


def _argument_schemas(doc):
    """The marshmallow schemas of an operation's query and body, as flask-smorest leaves
    them in the doc (classes or instances)."""
    found = [param.get("schema") for param in doc.get("parameters", ())
             if isinstance(param, dict) and param.get("in") == "query"]
    found += [content.get("schema") for content in (doc.get("requestBody") or {}).get("content", {}).values()]
    for schema in found:
        if isinstance(schema, type) and issubclass(schema, ma.Schema):
            yield schema()
        elif isinstance(schema, ma.Schema):
            yield schema


def _names_ids(schema: ma.Schema) -> bool:
    """Whether a request with this schema names rows by id (`*_id`, `*_ids`, at any depth)."""
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        if (field.data_key or name).endswith(("_id", "_ids")):
            return True
        inner = field.inner if isinstance(field, ma.fields.List) else field
        if isinstance(inner, ma.fields.Nested) and _names_ids(inner.schema):
            return True
    return False


def _no_body() -> BadRequest:
    error = BadRequest()
    error.data = {"message": NO_BODY}  # shared.problems translates it as the detail
    return error


NO_BODY = N_("The request has no body: send a JSON object.")


def page_response(page):
    """(items, status, headers) for a list view: Link rel="next" while more remain."""
    headers = {}
    if page.next_cursor:
        args = request.args.to_dict(flat=False)
        args["cursor"] = [page.next_cursor]
        headers["Link"] = f'<{request.base_url}?{urlencode(args, doseq=True)}>; rel="next"'
    return page.items, 200, headers


# --- ETag ---------------------------------------------------------------------------

_GIL_KEPT = 2047  # hashlib lets go of the GIL for an update of 2048 bytes or more


def generate_etag(data: bytes) -> str:
    """werkzeug's ETag (the SHA-1 of the body), fed in pieces small enough that hashlib
    keeps the GIL: a threaded worker otherwise lets go of it for each body and waits to
    take it back behind the other threads (31% of a threaded order list's samples)."""
    digest = hashlib.sha1(usedforsecurity=False)
    view = memoryview(data)
    for start in range(0, len(view), _GIL_KEPT):
        digest.update(view[start:start + _GIL_KEPT])
    return digest.hexdigest()


def etag_of(schema, obj) -> str:
    """The ETag a GET of `obj` answers with: a hash of exactly the bytes it sends."""
    return generate_etag(current_app.json.response(schema.dump(obj)).get_data())


def check_if_match(schema, obj) -> None:
    """412 when the client's If-Match names a representation that is no longer current.

    Load `obj` for update first: on PostgreSQL a concurrent writer then waits, and sees
    the new representation; elsewhere the row's version catches it at the write (Stale,
    answered 412 for a request with If-Match).
    """
    if "If-Match" not in request.headers:
        return
    # A header that parses to no tag at all ("", ",") matches nothing: 412, like a stale one.
    # Flask-Compress answers "<etag>:gzip" (or :br, :zstd) for a compressed body.
    held = {tag.split(":", 1)[0] for tag in request.if_match.as_set() if tag}
    if request.if_match.star_tag or etag_of(schema, obj) in held:
        return
    raise PreconditionFailed(STALE_READ)


def add_etag(response: Response) -> Response:
    """ETag on reads: a client that kept its copy revalidates with If-None-Match (304).
    (Cache-Control is shared/security.py's: no-store for everything behind a token.)"""
    if (request.path.startswith(API_PREFIX) and request.method in ("GET", "HEAD", "PATCH")
            and response.status_code == 200 and response.is_json and not response.headers.get("ETag")):
        response.set_etag(generate_etag(response.get_data()))
        if request.method != "PATCH" and not _CONDITIONAL.isdisjoint(request.environ):
            response.make_conditional(request)
    return response


# What werkzeug's make_conditional answers to (304, 206, 416); without any of them it
# would only add a Date header, which gunicorn writes anyway (and ~4% of a lookup's CPU).
_CONDITIONAL = frozenset({"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE",
                          "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"})


# --- Idempotency-Key ----------------------------------------------------------------


def _canonical_body() -> bytes:
    """The body's meaning: JSON parsed and written again with sorted keys and no spaces, so
    `{ "amount" : "50" }` and `{"amount":"50"}` are one request. A body that is not JSON
    counts as its bytes (the view refuses it anyway)."""
    raw = request.get_data()
    if not raw:
        return b""
    try:
        parsed = inputs.parse_json(raw)
    except ValueError:
        return raw
    return json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _canonical_query() -> bytes:
    """The query string's meaning: its parameters, sorted, as urlencode writes them."""
    pairs = parse_qsl(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
    return urlencode(sorted(pairs)).encode()


def _fingerprint() -> str:
    """What a key's request means: method, path, parameters and body, not their spelling."""
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), _canonical_query(), _canonical_body()):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _replay(row) -> Response:
    response = Response(row.response_body, status=row.status_code)
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def claim_idempotency_key() -> Response | None:
    """Before the view: replay a finished request with this key, or claim the key for this one.

    Every unsafe method (POST, PUT, PATCH, DELETE) honours the key. The claim is made in
    the request's own transaction; a request that fails rolls it back with the rest, so
    only an answer that succeeded is ever replayed. A create whose body chose its row's
    `id` is replayed by that id instead, for good (shared.client_ids); an Idempotency-Key
    beside it adds nothing and is not kept.
    """
    if request.method not in KEYED_METHODS or not request.path.startswith(API_PREFIX):
        return None
    if not (current_user.is_authenticated and g.get("api_token")):
        return None  # anonymous POSTs (logging in) are not replayed: that would hand out tokens
    key = request.headers.get("Idempotency-Key")
    if key and len(key) > idempotency.MAX_KEY_LENGTH:  # refused even where a client id replays
        reason = _l("Must be at most %(max)s characters.", max=idempotency.MAX_KEY_LENGTH)
        return problem(422, lazy_concat("Idempotency-Key: ", reason),
                       errors={"Idempotency-Key": [reason]})
    chosen = client_ids.chosen_in(request.get_json(silent=True)) if request.method == "POST" else None
    if chosen is not None:
        return claim_client_id(chosen)
    if not key:
        return None
    fingerprint = _fingerprint()
    ttl = timedelta(hours=current_app.config["IDEMPOTENCY_TTL_HOURS"])
    row = idempotency.claim(db.session, current_user.id, key, fingerprint, ttl)
    if row.fingerprint != fingerprint:
        db.session.rollback()
        return problem(
            422, _l("This Idempotency-Key was already used for a different request. "
                    "Use a new key for a new request."),
            code="idempotency-key-reused",
        )
    if row.status_code is not None:
        response = _replay(row)
        db.session.rollback()
        return response
    g.idempotency_row = row
    return None


def claim_client_id(row_id: str) -> Response | None:
    """A create under an id the client chose: its first answer again, or the id claimed for it.

    :raise Conflict: the id is another user's (`id-taken`), or was created by another request.
    """
    body = json.dumps(request.get_json(silent=True), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1"), body):
        digest.update(part.encode() + b"\0")
    row = client_ids.claim(db.session, current_user.id, row_id, digest.hexdigest())
    if row.user_id != current_user.id:
        raise client_ids.id_taken(row_id)
    if row.fingerprint != digest.hexdigest():
        raise client_ids.id_reused(row_id)
    if row.status_code is not None:
        response = _replay(row)
        db.session.rollback()
        return response
    g.client_id_row = row
    return None


_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Location", "ETag")


def forget_replay() -> None:
    """After the request's transaction was rolled back on purpose (an atomic batch that
    failed): its Idempotency-Key or client-id claim went with it, so nothing is stored
    and a retry runs afresh."""
    for name in ("idempotency_row", "client_id_row"):
        row = g.pop(name, None)
        if row is not None and row in db.session:
            db.session.expunge(row)


def _store_for_replay(response: Response) -> None:
    headers = {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}
    if (row := g.pop("idempotency_row", None)) is not None:
        idempotency.store(row, response.status_code, response.get_data(), headers)
    if (row := g.pop("client_id_row", None)) is not None:
        client_ids.store(row, response.status_code, response.get_data(), headers)


def init_app(app) -> None:
    app.before_request(claim_idempotency_key)
    app.after_request(add_etag)
