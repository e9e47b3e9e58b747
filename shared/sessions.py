"""The browser session cookie (the admin's login): Flask's signed cookie, Secure over HTTPS."""
from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    """Marks the cookie Secure whenever the request came over HTTPS, so one setting serves
    `make run` on http://127.0.0.1 and a server behind TLS alike. Behind a proxy that
    terminates TLS the app sees http: set SESSION_COOKIE_SECURE=true there.

    A request without the cookie (every API call: bearer tokens only) gets an empty
    session without building the signing serializer, and an empty, unchanged session is
    saved as Flask saves it (Vary: Cookie if it was read, no cookie) without working out
    the cookie's settings: the two were ~6% of a bearer request's CPU.
    """

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    def open_session(self, app, request):
        if not request.cookies.get(self.get_cookie_name(app)) and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
