"""HTTP conventions every resource shares: cursor links, ETags, Idempotency-Key, docs.

Each is one mechanism for the whole API, so a new resource gets them by using
`Blueprint` from here and returning `page_response(page)` from its list view.
"""
import hashlib
from datetime import timedelta
from urllib.parse import urlencode

from flask import Response, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint as SmorestBlueprint
from sqlalchemy.exc import IntegrityError
from werkzeug.http import generate_etag

import sqlalchemy as sa
from api.problems import problem
from shared.errors import Unauthenticated
from shared.extensions import db
from shared.models import IdempotencyKey, utcnow

API_PREFIX = "/api/"
# A claimed Idempotency-Key whose request has not answered after this long is abandoned.
ABANDONED_AFTER = timedelta(seconds=60)

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Any unique string (a UUID). A retry with the same key returns the first "
                   "response and creates nothing new; the key is kept 24 hours.",
    "schema": {"type": "string", "maxLength": 255},
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


class Blueprint(SmorestBlueprint):
    """flask-smorest Blueprint that documents the shared conventions on every operation,
    and refuses requests that carry no bearer token (except where `public` says so)."""

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_conventions_doc)
        self.before_request(require_json_body)
        if not public:
            self.before_request(require_token)

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


def require_json_body() -> None:
    """A body that is not JSON is a 415 that says so, not a misleading 'field missing'."""
    if request.method in ("POST", "PUT", "PATCH") and request.content_length and not request.is_json:
        from werkzeug.exceptions import UnsupportedMediaType

        raise UnsupportedMediaType()


def require_token() -> None:
    """API requests authenticate with a bearer token only (never a browser session cookie)."""
    if request.method == "OPTIONS":
        return
    if not (current_user.is_authenticated and g.get("api_token")):
        raise Unauthenticated(
            _l("Send 'Authorization: Bearer <token>'; get a token from POST /api/v1/auth/tokens.")
        )


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
    """412 when the client's If-Match names a representation that is no longer current."""
    if "If-Match" not in request.headers:
        return
    # A header that parses to no tag at all ("", ",") matches nothing: 412, like a stale one.
    # Flask-Compress answers "<etag>:gzip" (or :br, :zstd) for a compressed body.
    held = {tag.split(":", 1)[0] for tag in request.if_match.as_set() if tag}
    if request.if_match.star_tag or etag_of(schema, obj) in held:
        return
    from werkzeug.exceptions import PreconditionFailed

    raise PreconditionFailed(
        _l("This object changed since you read it. GET it again, re-apply your change, and retry.")
    )


def add_etag(response: Response) -> Response:
    """ETag on reads (304 when unchanged); answers depend on the token, so only the
    client may keep them, and it revalidates (cheaply, with If-None-Match) before use."""
    if request.path.startswith(API_PREFIX) and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "private, no-cache"
    if (request.path.startswith(API_PREFIX) and request.method in ("GET", "HEAD", "PATCH")
            and response.status_code == 200 and response.is_json and not response.headers.get("ETag")):
        response.add_etag()
        if request.method != "PATCH":
            response.make_conditional(request)
    return response


# --- Idempotency-Key ----------------------------------------------------------------


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string, request.get_data()):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _replay(row: IdempotencyKey) -> Response:
    response = Response(row.response_body, status=row.status_code)
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _forget_expired_keys_of(user_id: str, ttl: timedelta) -> None:
    """Each keyed POST clears its user's expired keys (the (user_id, key) index finds
    them), so the table stays small with no cron; `flask purge-idempotency-keys` does
    all users at once."""
    db.session.execute(sa.delete(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.created_at < utcnow() - ttl))
    db.session.commit()


def idempotency_before() -> Response | None:
    """Claim the key before the view runs, so concurrent retries cannot both create."""
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key or not request.path.startswith(API_PREFIX):
        return None
    if not (current_user.is_authenticated and g.get("api_token")):
        return None  # anonymous POSTs (logging in) are not replayed: that would hand out tokens
    if len(key) > 255:
        return problem(422, _l("Invalid Idempotency-Key"),
                       _l("Idempotency-Key must be at most 255 characters."))
    fingerprint = _fingerprint()
    ttl = timedelta(hours=current_app.config["IDEMPOTENCY_TTL_HOURS"])
    for _attempt in range(3):
        row = IdempotencyKey(user_id=current_user.id, key=key, fingerprint=fingerprint, created_at=utcnow())
        db.session.add(row)
        try:
            db.session.commit()
            g.idempotency_row_id = row.id
            _forget_expired_keys_of(current_user.id, ttl)
            return None
        except IntegrityError:
            db.session.rollback()
        existing = db.session.scalar(
            sa.select(IdempotencyKey).where(IdempotencyKey.user_id == current_user.id,
                                            IdempotencyKey.key == key)
        )
        if existing is None:
            continue  # removed meanwhile (a failed first attempt): claim it again
        if existing.created_at < utcnow() - ttl:
            db.session.delete(existing)
            db.session.commit()
            continue
        if existing.fingerprint != fingerprint:
            return problem(
                422, _l("Idempotency-Key reused"),
                _l("This Idempotency-Key was already used for a different request. "
                   "Use a new key for a new request."),
            )
        if existing.status_code is None and existing.created_at < utcnow() - ABANDONED_AFTER:
            # The first attempt died before answering (worker killed, timeout): let the
            # retry run rather than answer "in progress" for a day.
            db.session.delete(existing)
            db.session.commit()
            continue
        if existing.status_code is None:
            return problem(
                409, _l("Request in progress"),
                _l("A request with this Idempotency-Key is still being processed; retry in a moment."),
                headers={"Retry-After": "1"},
            )
        return _replay(existing)
    return problem(409, _l("Request in progress"), _l("Retry in a moment."),
                   headers={"Retry-After": "1"})


_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Location", "ETag")


def idempotency_after(response: Response) -> Response:
    """Keep the first response for replay; forget the key if the server failed (retry may run)."""
    row_id = g.pop("idempotency_row_id", None)
    if row_id is None:
        return response
    row = db.session.get(IdempotencyKey, row_id)
    if row is None:
        return response
    if response.status_code >= 500:
        db.session.delete(row)
    else:
        row.status_code = response.status_code
        row.response_body = response.get_data()
        row.response_headers = {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}
    db.session.commit()
    return response


def purge_idempotency_keys(now=None) -> int:
    """Delete keys older than the TTL; returns how many."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["IDEMPOTENCY_TTL_HOURS"])
    result = db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    db.session.commit()
    return result.rowcount


def init_app(app) -> None:
    app.before_request(idempotency_before)
    app.after_request(idempotency_after)
    app.after_request(add_etag)
