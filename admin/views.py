"""The admin's blueprint and its own pages: logging in and out, the language switch, the dashboard.

The sections (sellers, orders, market runs, users) register their views on `bp` in
modules of their own.
"""
import secrets

import marshmallow as ma
from flask import Response, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from admin import formatting, language
from admin.assets import HTMX_CONFIG, HTMX_INTEGRITY, HTMX_URL
from admin.conventions import Blueprint, View, field_errors
from admin.navigation import local_path, page_path, role_label, sections_for
from admin.rendering import error_response, next_page_url, render
from shared import ratelimits
from shared.auth import ADMIN_LOGIN_ID
from shared.dates import local_today
from shared.errors import Unauthenticated
from shared.extensions import db
from shared.models import Role
from shared.schemas.accounts import TokenCreate
from shared.services import accounts, admin_prefs, dashboard
from shared.services.logins import TooManyAttempts

bp = Blueprint("admin", __name__, url_prefix="/admin",
               template_folder="templates", static_folder="static")

# Open to visitors who have not logged in; every other admin page asks them to.
PUBLIC = {"admin.login", "admin.switch_language", "admin.static"}
credentials = TokenCreate()  # the API's login schema: same fields, same messages


@bp.before_request
def require_login() -> Response | None:
    """Anonymous visitors go to the login page and come back after (`next`); an htmx
    request gets 401 with HX-Redirect, so htmx loads the login page whole."""
    if request.endpoint in PUBLIC:
        return None
    if current_user.is_authenticated:
        if current_user.is_active:
            return None
        logout_user()  # deactivated since logging in
    login = url_for(".login", next=page_path())
    if request.headers.get("HX-Request") == "true":
        return Response(status=401, headers={"HX-Redirect": login})
    return redirect(login)


@bp.after_request
def page_headers(response: Response) -> Response:
    response.vary.add("HX-Request")
    if request.endpoint != "admin.static":
        # Pages show a person's business: no copy stays in a (shared) phone's cache.
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")  # old browsers; CSP frame-ancestors for the rest
    return response


FORM_EXPIRED = _l("Form expired")
FORM_EXPIRED_DETAIL = _l("This page was opened before you last logged in or out, so its form can no longer be "
                         "sent. Reload the page and do it again.")


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> Response:
    """A form whose CSRF token the session no longer knows. Logged out meanwhile (in another
    tab, or the session ended): log in again and come back to the page; else, a page to
    reload, saying why (not "the request could not be read"). The login form itself
    keeps its plain refusal: there is nothing to log in to first."""
    if not current_user.is_authenticated and request.endpoint != "admin.login":
        login = url_for(".login", next=page_path())
        if request.headers.get("HX-Request") == "true":
            return Response(status=401, headers={"HX-Redirect": login})
        return redirect(login, 303)
    return error_response(400, FORM_EXPIRED, FORM_EXPIRED_DETAIL)


@bp.view("/login", "login")
class Login(View):
    """The login form; works without JavaScript (a plain POST and a redirect). Limited as
    the API's login is (shared/ratelimits.py); this browser is remembered as a device of
    the account (a signed cookie), so strangers' failures never lock its owner out."""

    decorators = [ratelimits.login_limit]

    def get(self):
        target = local_path(request.args.get("next"), url_for(".dashboard"))
        if current_user.is_authenticated:
            return redirect(target)
        return _login_page(target)

    def post(self):
        target = local_path(request.form.get("next"), url_for(".dashboard"))
        typed = {name: request.form[name] for name in ("email", "password") if request.form.get(name)}
        device = ratelimits.device_id() or ratelimits.new_device_id()  # this browser, from now on
        try:
            data = credentials.load(typed)
            user = accounts.authenticate(db.session, data["email"], data["password"], device_id=device)
        except ma.ValidationError as error:
            return _login_page(target, code=422, email=typed.get("email", ""), errors=field_errors(error))
        except Unauthenticated as error:
            return _login_page(target, code=401, email=typed.get("email", ""), problem=error.detail)
        except TooManyAttempts as error:
            response = _login_page(target, code=429, email=typed.get("email", ""), problem=error.detail)
            response.headers["Retry-After"] = str(error.retry_after)
            return response
        # Committed after this answer (admin.conventions.View): authenticate() may have
        # upgraded the password's hash, and it remembers this browser as a device.
        session.clear()  # nothing from before the login (a planted value, the old CSRF secret)
        session[ADMIN_LOGIN_ID] = secrets.token_hex(8)  # names this login in the audit trail
        login_user(user)
        # Their language also in this browser: the login page after logout speaks it too.
        return ratelimits.remember_device(language.remember(redirect(target, 303), user.language.value), device)


def _login_page(target: str, *, code: int = 200, email: str = "", errors=None, problem=None):
    return render("admin/login.html", code=code, next=target, email=email, errors=errors or {},
                  problem=problem, here=url_for(".login", next=target))


@bp.view("/logout", "logout")
class Logout(View):
    def post(self):
        logout_user()
        session.clear()
        return redirect(url_for(".login"), 303)


@bp.view("/language", "switch_language")
class SwitchLanguage(View):
    def post(self):
        """Speak `language` from now on: to the logged-in user everywhere they log in, and
        in this browser (a cookie) before login and after logout."""
        choice = request.form.get("language", "")
        target = local_path(request.form.get("next"), url_for(".dashboard"))
        if current_user.is_authenticated:
            admin_prefs.set_language(db.session, current_user._get_current_object(), choice)
        else:
            admin_prefs.language_from(choice)
        return language.remember(redirect(target, 303), choice)


@bp.view("/", "dashboard")
class Dashboard(View):
    def get(self):
        """Promotion work (active jobs, money per currency, payouts owed), this week's
        confirmed orders and the next market run, then the person's account."""
        user = current_user._get_current_object()
        work = dashboard.promotion_work(db.session, user)
        # Shop owners with no promotion job see their shop's cards first, not empty ones.
        promotions = work if (user.role != Role.seller or work.active or work.money) else None
        week = None  # promoters see nothing of shops
        if user.role != Role.promoter:
            week = dashboard.this_week(
                db.session, user, today=local_today(current_app.config["TIMEZONE"]),
                first_weekday=current_app.config["WEEK_STARTS_ON"], tz_name=current_app.config["TIMEZONE"],
            )
        return render("admin/dashboard.html", user=user, week=week, promotions=promotions)


def _nav_sections() -> list[dict]:
    return sections_for(current_user) if current_user.is_authenticated else []


# Helpers every admin template uses, also when the app's error handler renders one.
bp.add_app_template_global(language.page_language, "page_language")
bp.add_app_template_global(language.page_direction, "page_direction")
bp.add_app_template_global(_nav_sections, "nav_sections")
bp.add_app_template_global(page_path, "page_path")
bp.add_app_template_global(role_label, "role_label")
bp.add_app_template_global(next_page_url, "next_page_url")
bp.add_app_template_global({"url": HTMX_URL, "integrity": HTMX_INTEGRITY, "config": HTMX_CONFIG},
                           "htmx")
formatting.init_app(bp)
