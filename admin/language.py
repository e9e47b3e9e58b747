"""Which language the admin speaks: the person's own choice, Arabic until they make one.

The API answers in the language a client asks for (Accept-Language, shared/i18n.py).
The admin is read in a browser, whose Accept-Language is the phone's setting rather
than a choice, so here the choice made with the language switch wins: the logged-in
user's `language`, else this browser's cookie, else Arabic.
"""
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

COOKIE = "tawasi_language"
LANGUAGES = ("ar", "en")
DEFAULT = "ar"
# Dates in Arabic as Syria writes them ("تشرين الثاني", not "نوفمبر"); texts come from
# the `ar` catalogue either way.
LOCALES = {"ar": "ar_SY", "en": "en"}
ONE_YEAR = 365 * 24 * 3600


def is_admin_request() -> bool:
    return request.path == "/admin" or request.path.startswith("/admin/")


def chosen() -> str:
    """`ar` or `en`, for the current admin request."""
    try:
        if current_user.is_authenticated:
            language = getattr(current_user.language, "value", current_user.language)
            if language in LANGUAGES:
                return language
    except SQLAlchemyError:  # the user cannot be loaded (database down during a 500)
        pass
    cookie = request.cookies.get(COOKIE)
    return cookie if cookie in LANGUAGES else DEFAULT


def remember(response: Response, language: str) -> Response:
    """Keeps `language` in this browser, for the pages seen before login and after logout."""
    response.set_cookie(
        COOKIE, language, max_age=ONE_YEAR, path="/admin", httponly=True, samesite="Lax",
        secure=current_app.session_interface.get_cookie_secure(current_app),
    )
    return response


def page_language() -> str:
    return get_locale().language


def page_direction() -> str:
    return get_locale().text_direction


def init_app(app: Flask) -> None:
    """Admin requests take their locale from `chosen()`; every other request keeps the
    app's selector (shared/i18n.select_locale)."""
    babel = app.extensions["babel"]
    app_selector = babel.locale_selector

    def select_locale():
        if has_request_context() and is_admin_request():
            return LOCALES[chosen()]
        return app_selector()

    babel.locale_selector = select_locale
