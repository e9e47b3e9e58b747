"""Configuration read from the environment, with embedded defaults for one machine."""
import os
import secrets
from pathlib import Path


# Defaults for every app, tests included; from_environment() overrides some of them.
STATIC = {
    "DEFAULT_PHONE_REGION": "SY",
    "TIMEZONE": "Asia/Damascus",
    # The day a week starts (date.weekday(): Monday 0 … Saturday 5): "this week" on the
    # admin's dashboard. Saturday, as in Syria.
    "WEEK_STARTS_ON": 5,
    "TOKEN_LIFETIME_DAYS": 30,
    # How long a worker remembers whose a bearer token is and which shops they work for
    # (shared/principals.py): a change made by another process is seen at most this late.
    "PRINCIPAL_CACHE_SECONDS": 5,
    "API_TITLE": "Tawasi API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    # Who integrators write to, and the terms of the API, in the OpenAPI document's info.
    # Placeholders until the operator names theirs (an `email` or `url` for the contact; an
    # SPDX `identifier` or a `url` for the license): openapi.yaml is generated with these.
    "API_CONTACT": {"name": "Tawasi API support"},
    "API_LICENSE": {"name": "Proprietary", "identifier": "LicenseRef-Tawasi-Proprietary"},
    # /docs (api/docs.py): Swagger UI from the pinned flask-swagger-ui package, served by
    # this app (None), or from another base URL such as a CDN's (then allowed by its CSP).
    "DOCS_ASSETS_URL": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "JSON_SORT_KEYS": True,
    "IDEMPOTENCY_TTL_HOURS": 24,
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "10 per minute; 100 per day",
    "COMPRESS_MIMETYPES": ["application/json", "application/problem+json", "text/html",
                           "text/css", "application/javascript"],
    "COMPRESS_MIN_SIZE": 500,
    # Headers (shared/security.py). None: the admin sets its own (admin/assets.py), which
    # loads only itself and the pinned htmx.
    "CSP_ADMIN": None,
    "CSP_DOCS": None,  # None: computed from DOCS_ASSETS_URL (this server, or a CDN's URL)
    "HSTS": "max-age=31536000",
    # Proxies whose X-Forwarded-For/-Proto are believed: 0 (none), a count, or addresses.
    "TRUSTED_PROXIES": 0,
    # The admin's browser session (/admin): a signed cookie that scripts cannot read and
    # other sites' forms do not receive; Secure over HTTPS (shared/sessions.py) or always
    # with SESSION_COOKIE_SECURE=true.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    # A form left open on a phone all day still submits: the token lives as long as the
    # session (renewed at login), not one hour.
    "WTF_CSRF_TIME_LIMIT": None,
    # Every answer says Referrer-Policy: no-referrer, so a form posted over HTTPS carries
    # no Referer to compare: the token (and SameSite=Lax) is the CSRF check.
    "WTF_CSRF_SSL_STRICT": False,
    # Dates and times the admin shows are local time (TIMEZONE).
    "BABEL_DEFAULT_TIMEZONE": "Asia/Damascus",
    # Sync and webhooks (shared/services/sync.py, webhooks.py, webhook_delivery.py).
    "CHANGE_LOG_RETENTION_DAYS": 0,  # 0: sync reads every change still kept
    # The audit trail (the change log's rows) is kept this long; sync may stop reading
    # changes sooner (CHANGE_LOG_RETENTION_DAYS), the rows stay until then.
    "AUDIT_RETENTION_DAYS": 365,
    "WEBHOOKS_ALLOW_PRIVATE": False,  # True: http and private addresses (tests, local development)
    "WEBHOOKS_RESOLVER": None,  # None: the system's DNS; tests give a function (host, port) -> addresses
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    "WEBHOOK_LEASE_SECONDS": 60,  # a worker holds a delivery this long; more than the timeout
    "WEBHOOK_LOG_RETENTION_DAYS": 30,
    # The worker's queue (shared/tasks.py): None picks Redis with REDIS_URL, else SQLite at
    # HUEY_SQLITE_PATH (default instance/huey.db); "memory" for tests.
    "HUEY_STORAGE": None,
    "HUEY_SQLITE_PATH": None,
}


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def from_environment(instance_path: str) -> dict:
    """Settings for a running app; tests override them through create_app(test_config)."""
    default_db = f"sqlite:///{Path(instance_path) / 'tawasi.db'}"
    database_url = os.environ.get("DATABASE_URL", default_db)
    if database_url.startswith("postgres://"):  # Heroku-style URLs
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "DEFAULT_PHONE_REGION": os.environ.get("DEFAULT_PHONE_REGION", STATIC["DEFAULT_PHONE_REGION"]),
        "TIMEZONE": os.environ.get("TIMEZONE", STATIC["TIMEZONE"]),
        "WEEK_STARTS_ON": int(os.environ.get("WEEK_STARTS_ON", STATIC["WEEK_STARTS_ON"])),
        "TOKEN_LIFETIME_DAYS": int(os.environ.get("TOKEN_LIFETIME_DAYS", STATIC["TOKEN_LIFETIME_DAYS"])),
        "PRINCIPAL_CACHE_SECONDS": float(os.environ.get("PRINCIPAL_CACHE_SECONDS")
                                         or STATIC["PRINCIPAL_CACHE_SECONDS"]),
        "TRUSTED_PROXIES": os.environ.get("TRUSTED_PROXIES", "").strip() or 0,
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", STATIC["TIMEZONE"]),
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
        "CHANGE_LOG_RETENTION_DAYS": int(os.environ.get("CHANGE_LOG_RETENTION_DAYS") or 0),
        "AUDIT_RETENTION_DAYS": int(os.environ.get("AUDIT_RETENTION_DAYS") or 365),
        "WEBHOOKS_ALLOW_PRIVATE": os.environ.get("WEBHOOKS_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes"),
        "WEBHOOK_LEASE_SECONDS": int(os.environ.get("WEBHOOK_LEASE_SECONDS") or 60),
        "HUEY_STORAGE": os.environ.get("HUEY_STORAGE") or None,
        "HUEY_SQLITE_PATH": os.environ.get("HUEY_SQLITE_PATH") or None,
    }
