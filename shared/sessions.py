"""The browser session cookie (the admin's login): Flask's signed cookie, Secure over HTTPS."""
from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    """Marks the cookie Secure whenever the request came over HTTPS, so one setting serves
    `make run` on http://127.0.0.1 and a server behind TLS alike. Behind a proxy that
    terminates TLS the app sees http: set SESSION_COOKIE_SECURE=true there."""

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)
