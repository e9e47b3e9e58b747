"""Limits on logging in, for both faces: per address (flask-limiter) and per account and
device (the database: shared/services/logins.py), and the headers that describe them.

- The per-address limit (LOGIN_RATE_LIMIT) is one counter for the API's POST
  /api/v1/auth/tokens and the admin's login form (scope "login"). Its counters live in
  Redis when REDIS_URL is set (RATELIMIT_STORAGE_URI), so every worker and server shares
  them; without Redis each worker process counts on its own (2 workers allow twice the
  limit). Only failed logins (401) count, so a busy office behind one address is not
  refused for its own successes.
- A device that has logged in to the account before is not held to the per-address limit
  (strangers from the same address cannot lock its owner out); the account's and the
  device's own throttles still hold. A device is named by the `X-Device-Id` header on the
  API (a random id the app keeps, 16 to 200 characters) and by a long-lived signed cookie
  in the admin (DEVICE_COOKIE), set at its first successful login.
- Limited answers carry the IETF draft's headers (draft-ietf-httpapi-ratelimit-headers):
  `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds) and
  `RateLimit-Policy` (`10;w=60`); `Retry-After` only on a 429.
"""
import secrets
import time

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from shared.errors import DomainError
from shared.extensions import db, limiter
from shared.phones import normalise_phone
from shared.services import logins

DEVICE_HEADER = "X-Device-Id"
DEVICE_COOKIE = "tawasi_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the most browsers keep a cookie (RFC 6265bis)
_SALT = "tawasi.device"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _is_admin() -> bool:
    return request.path == "/admin" or request.path.startswith("/admin/")


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def device_id() -> str | None:
    """The id of the device logging in: the admin browser's signed cookie, or the API's header."""
    if _is_admin():
        try:
            value = _signer().loads(request.cookies.get(DEVICE_COOKIE, ""))
        except BadSignature:
            return None
        return value if isinstance(value, str) else None
    return request.headers.get(DEVICE_HEADER)


def new_device_id() -> str:
    return secrets.token_urlsafe(24)


def remember_device(response: Response, device: str) -> Response:
    """The admin browser's device cookie, naming `device` (signed: a browser cannot forge one)."""
    response.set_cookie(DEVICE_COOKIE, _signer().dumps(device), max_age=DEVICE_COOKIE_AGE, path="/admin",
                        httponly=True, samesite="Lax",
                        secure=request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def _credentials() -> tuple[str | None, str | None]:
    """(email, phone) of the login being tried, as the form or the JSON body sends them."""
    if _is_admin():
        return request.form.get("email") or None, None
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, None
    email, phone = body.get("email"), body.get("phone")
    if isinstance(phone, str) and phone:
        try:
            phone = normalise_phone(phone, current_app.config["DEFAULT_PHONE_REGION"])
        except DomainError:
            phone = None
    return (email if isinstance(email, str) else None), (phone if isinstance(phone, str) else None)


def _from_a_known_device() -> bool:
    email, phone = _credentials()
    return logins.is_known_device(db.session, email, phone, device_id())


def _failed(response: Response) -> bool:
    return response.status_code == 401


# The decorator both login views carry: one counter per address for both faces.
login_limit = limiter.shared_limit(_login_limit, scope="login", methods=["POST"],
                                   exempt_when=_from_a_known_device, deduct_when=_failed)


def _window_seconds(item) -> int:
    return int(item.get_expiry())


def ratelimit_headers(response: Response) -> Response:
    """The IETF draft's RateLimit-* headers on a limited answer; Retry-After on a 429 only."""
    current = limiter.current_limit
    if current is not None:
        reset = max(0, int(current.reset_at - time.time()))
        response.headers["RateLimit-Limit"] = str(current.limit.amount)
        response.headers["RateLimit-Remaining"] = str(max(0, current.remaining))
        response.headers["RateLimit-Reset"] = str(reset)
        response.headers["RateLimit-Policy"] = f"{current.limit.amount};w={_window_seconds(current.limit)}"
        if response.status_code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(max(1, reset))
    if response.status_code < 400:
        response.headers.pop("Retry-After", None)
    return response


def init_app(app) -> None:
    """Before limiter.init_app: Flask runs after_request hooks last-registered first, so
    these headers are written after flask-limiter has counted the answer (deduct_when)."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)  # ours, not its X-RateLimit-*
    app.after_request(ratelimit_headers)
