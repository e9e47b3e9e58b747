"""HTTP conventions every resource shares: one commit per request, cursor links, ETags,
Idempotency-Key, and their documentation.

Each is one mechanism for the whole API, so a new resource gets them by using
`Blueprint` and `View` from here and returning `page_response(page)` from its list view.
"""
import hashlib
import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

from flask import Response, current_app, g, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint as SmorestBlueprint
from werkzeug.exceptions import PreconditionFailed, UnsupportedMediaType
from werkzeug.http import generate_etag

from shared import idempotency
from shared.auth import require_token
from shared.db import commit
from shared.extensions import db
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


class View(MethodView):
    """Every API view: the request's one transaction ends here, once the view has answered.

    A write's answer is stored for its Idempotency-Key in the same transaction as the
    change, then both are committed together. An error raised by the view or by the
    commit goes to the app's error handlers, which roll back.
    """

    def dispatch_request(self, **kwargs) -> Response:
        response = current_app.make_response(super().dispatch_request(**kwargs))
        if request.method not in SAFE_METHODS:
            _store_for_replay(response)
            commit(db.session)
        return response


class Blueprint(SmorestBlueprint):
    """flask-smorest Blueprint that documents the shared conventions on every operation,
    and refuses requests that carry no bearer token (except where `public` says so)."""

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_conventions_doc)
        self._prepare_doc_cbks.append(_document_idempotency_of_changes)
        self.before_request(require_json_body)
        if not public:
            self.before_request(require_token)

    def add_url_rule(self, rule, endpoint=None, view_func=None, **kwargs):
        if not (isinstance(view_func, type) and issubclass(view_func, View)):
            raise TypeError(f"{rule}: API views subclass api.conventions.View (one commit per request)")
        super().add_url_rule(rule, endpoint, view_func, **kwargs)

    @staticmethod
    def _prepare_conventions_doc(doc, doc_info, *, method, **kwargs):
        params = doc.setdefault("parameters", [])
        if method == "post":
            params.append(IDEMPOTENCY_KEY)
        elif method in ("patch", "put", "delete"):
            params.append(IF_MATCH)
        elif method == "get":
            params.append(IF_NONE_MATCH)
            for status, response in doc.get("responses", {}).items():
                if str(status) == "200" and isinstance(response, dict):
                    headers = response.setdefault("headers", {})
                    headers["ETag"] = {"schema": {"type": "string"}}
                    schema = response.get("content", {}).get("application/json", {}).get("schema")
                    if getattr(schema, "many", False):
                        headers["Link"] = LINK_HEADER
        return doc


def _document_idempotency_of_changes(doc, doc_info, *, method, **kwargs):
    """PATCH, PUT and DELETE honour Idempotency-Key as POST does (claim_idempotency_key)."""
    if method in ("patch", "put", "delete"):
        doc.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
    return doc


def require_json_body() -> None:
    """A body that is not JSON is a 415 that says so, not a misleading 'field missing'."""
    if request.method in ("POST", "PUT", "PATCH") and request.content_length and not request.is_json:
        raise UnsupportedMediaType()


def page_response(page):
    """(items, status, headers) for a list view: Link rel="next" while more remain."""
    headers = {}
    if page.next_cursor:
        args = request.args.to_dict(flat=False)
        args["cursor"] = [page.next_cursor]
        headers["Link"] = f'<{request.base_url}?{urlencode(args, doseq=True)}>; rel="next"'
    return page.items, 200, headers


# --- ETag ---------------------------------------------------------------------------


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
        response.add_etag()
        if request.method != "PATCH":
            response.make_conditional(request)
    return response


# --- Idempotency-Key ----------------------------------------------------------------


def _canonical_body() -> bytes:
    """The body's meaning: JSON parsed and written again with sorted keys and no spaces, so
    `{ "amount" : "50" }` and `{"amount":"50"}` are one request. A body that is not JSON
    counts as its bytes (the view refuses it anyway)."""
    raw = request.get_data()
    if not raw:
        return b""
    try:
        parsed = json.loads(raw)
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
    only an answer that succeeded is ever replayed.
    """
    key = request.headers.get("Idempotency-Key")
    if request.method not in KEYED_METHODS or not key or not request.path.startswith(API_PREFIX):
        return None
    if not (current_user.is_authenticated and g.get("api_token")):
        return None  # anonymous POSTs (logging in) are not replayed: that would hand out tokens
    if len(key) > idempotency.MAX_KEY_LENGTH:
        return problem(422, _l("Invalid Idempotency-Key"),
                       _l("Idempotency-Key must be at most 255 characters."))
    fingerprint = _fingerprint()
    ttl = timedelta(hours=current_app.config["IDEMPOTENCY_TTL_HOURS"])
    row = idempotency.claim(db.session, current_user.id, key, fingerprint, ttl)
    if row.fingerprint != fingerprint:
        db.session.rollback()
        return problem(
            422, _l("Idempotency-Key reused"),
            _l("This Idempotency-Key was already used for a different request. "
               "Use a new key for a new request."),
        )
    if row.status_code is not None:
        response = _replay(row)
        db.session.rollback()
        return response
    g.idempotency_row = row
    return None


_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Location", "ETag")


def _store_for_replay(response: Response) -> None:
    row = g.pop("idempotency_row", None)
    if row is not None:
        headers = {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}
        idempotency.store(row, response.status_code, response.get_data(), headers)


def init_app(app) -> None:
    app.before_request(claim_idempotency_key)
    app.after_request(add_etag)
