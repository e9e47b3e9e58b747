"""What every answer promises a browser and a proxy, and how much a request may send.

- Headers on every answer: `X-Content-Type-Options`, `Referrer-Policy`, a
  Content-Security-Policy with `frame-ancestors 'none'` (one per face: the API and the
  /problems pages, the /docs page, the /admin pages), HSTS over HTTPS, and `Cache-Control: no-store` on
  everything under /api/ (each answer there is behind a token, or hands one out).
- A chunked request body (no Content-Length) is measured before the app reads it, so
  one over MAX_CONTENT_LENGTH is a 413 like any other, never a truncated "invalid JSON".
- `X-Forwarded-For` and `X-Forwarded-Proto` are believed only from TRUSTED_PROXIES
  (werkzeug's ProxyFix); without it they are ignored, so a client cannot pick the
  address the login rate limit counts.

The gunicorn side (no `Server` header) is in gunicorn.conf.py.
"""
import io
import ipaddress
from functools import lru_cache

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin"

# Everything the API answers is data, never a page: it may load nothing and be framed nowhere.
API_CSP = "default-src 'none'; frame-ancestors 'none'"


DOCS_PATH = "/docs"


def docs_csp(assets_url: str | None) -> str:
    """The /docs page: Swagger UI's script and styles from `assets_url` (a CDN's URL), or
    from this server when it is a path or None. Swagger UI sets styles on elements
    ('unsafe-inline' styles), fetches /openapi.json and draws icons as data: images."""
    sources = "'self'"
    if assets_url and assets_url.startswith(("https://", "http://")):
        sources += " " + assets_url
    return ("default-src 'none'; "
            f"script-src {sources}; style-src {sources} 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self' data:; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


# --- headers --------------------------------------------------------------------------


def _policy_for(path: str) -> str:
    config = current_app.config
    if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
        return config["CSP_ADMIN"]
    if path == DOCS_PATH or path.startswith(DOCS_PATH + "/"):
        return config.get("CSP_DOCS") or docs_csp(config.get("DOCS_ASSETS_URL"))
    return API_CSP


def secure_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Content-Security-Policy"] = _policy_for(request.path)
    if request.is_secure:
        headers["Strict-Transport-Security"] = current_app.config["HSTS"]
    if request.path.startswith(API_PREFIX):
        # Personal data (and freshly issued tokens) must not be kept by any cache, shared
        # or the client's own HTTP cache. This replaces the API's "private, no-cache":
        # a client that keeps a copy in its own store still sends If-None-Match and
        # gets a 304 (RFC 9111 governs caches, not an app's database).
        headers["Cache-Control"] = "no-store"
    return response


# --- request bodies -------------------------------------------------------------------


class MeasuredChunkedBody:
    """WSGI middleware: a body sent without Content-Length (chunked) is read here, up to
    one byte past MAX_CONTENT_LENGTH, and handed on with the Content-Length it turned
    out to have. Werkzeug then refuses one that is too long with its usual 413 (the
    problem handler shapes it), where reading it itself would stop at the limit and
    hand the truncated text to the JSON parser."""

    CHUNK = 64 * 1024

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (limit is not None and environ.get("wsgi.input_terminated")
                and (chunked or not environ.get("CONTENT_LENGTH"))):
            body = self._read_at_most(environ["wsgi.input"], limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            if body or chunked:
                environ["CONTENT_LENGTH"] = str(len(body))
                environ.pop("HTTP_TRANSFER_ENCODING", None)  # werkzeug ignores a length beside it
        return self.wsgi_app(environ, start_response)

    def _read_at_most(self, stream, size: int) -> bytes:
        parts, have = [], 0
        while have < size:
            try:
                part = stream.read(min(self.CHUNK, size - have))
            except (OSError, ValueError):
                break  # the client went away: what arrived is all there is (and not valid JSON)
            if not part:
                break
            parts.append(part)
            have += len(part)
        return b"".join(parts)


# --- proxies --------------------------------------------------------------------------


@lru_cache(maxsize=8)
def parse_trusted_proxies(value) -> int | tuple:
    """TRUSTED_PROXIES as a number of proxies (int) or a tuple of networks.

    Accepts an int, "2", "" / None (no proxy), or addresses and networks separated by
    commas or spaces ("10.0.0.1, 10.1.0.0/16"), or a list or tuple of them.
    """
    if value is None or value == "":
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, str):
        if value.strip().isdigit():
            return int(value.strip())
        value = value.replace(",", " ").split()
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in value)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: werkzeug's ProxyFix, configured per TRUSTED_PROXIES.

    - 0 / unset: X-Forwarded-* are ignored; the peer's address is the client's.
    - N: N proxies each append to X-Forwarded-For; the Nth address from the right is
      the client's. X-Forwarded-Proto is taken from the nearest proxy.
    - a list of addresses/networks: the headers count only when the peer is one of
      them; the client is the rightmost X-Forwarded-For address that is not (as
      nginx's real_ip_recursive does), so a client cannot prepend a fake one.

    The proxy must overwrite X-Forwarded-Proto, not pass on what the client sent.
    """

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        trusted = parse_trusted_proxies(_hashable(self.app.config.get("TRUSTED_PROXIES")))
        hops = trusted if isinstance(trusted, int) else self._hops(environ, trusted)
        if not hops:
            return self.wsgi_app(environ, start_response)
        return ProxyFix(self.wsgi_app, x_for=hops, x_proto=1)(environ, start_response)

    @staticmethod
    def _hops(environ, networks: tuple) -> int:
        """How many X-Forwarded-For values to believe: up to and including the first,
        from the right, that is not a trusted proxy; 0 when the peer is not trusted."""

        def is_trusted(text: str) -> bool:
            address = _address(text)
            return address is not None and any(address in net for net in networks)

        if not is_trusted(environ.get("REMOTE_ADDR", "")):
            return 0
        header = environ.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = header.split(",") if header else []  # counted as ProxyFix counts them
        hops = 1  # the peer is a proxy: its X-Forwarded-Proto counts even with no X-Forwarded-For
        while hops < len(forwarded) and is_trusted(forwarded[-hops]):
            hops += 1
        return hops


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def init_app(app: Flask) -> None:
    parse_trusted_proxies(_hashable(app.config.get("TRUSTED_PROXIES")))  # a typo fails at start-up
    app.after_request(secure_headers)
    app.wsgi_app = MeasuredChunkedBody(app.wsgi_app, app)
    app.wsgi_app = TrustedProxies(app.wsgi_app, app)  # outermost: sees the peer first
