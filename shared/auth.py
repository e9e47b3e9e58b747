"""Who is asking: bearer tokens (the API) and login sessions (the admin), for the whole app.

flask-login's callbacks live here, not in a face, so both faces share them. The answer
to an unauthenticated request depends on the face: a 401 problem under /api, a
redirect to the admin's login page under /admin (an `HX-Redirect` for htmx).
"""
from urllib.parse import urlencode

from flask import Response, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError

from shared import principals
from shared.changelog import ACTOR, CLIENT
from shared.errors import Unauthenticated
from shared.extensions import db, login_manager
from shared.models import User

ADMIN_LOGIN = "/admin/login"
# The admin's login session, named in the audit trail ("admin:<id>"): set at each login.
ADMIN_LOGIN_ID = "login_id"


@login_manager.request_loader
def load_user_from_bearer(req):
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    found = principals.user_for_token(db.session(), token.strip())  # remembered a few seconds
    if found is None:
        return None
    user, api_token = found
    g.api_token = api_token
    db.session.info[ACTOR] = user.id
    db.session.info[CLIENT] = f"token:{api_token.id}"
    return user


@login_manager.user_loader
def load_user_from_session(user_id: str):
    user = db.session.get(User, user_id)
    if user is not None:
        db.session.info[ACTOR] = user.id
        db.session.info[CLIENT] = f"admin:{session.get(ADMIN_LOGIN_ID, '')}"
    return user


def _admin_login_url() -> str:
    here = request.full_path.rstrip("?")
    try:
        return url_for("admin.login", next=here)
    except BuildError:  # the admin has no login page registered (yet)
        return f"{ADMIN_LOGIN}?{urlencode({'next': here})}"


@login_manager.unauthorized_handler
def unauthorized():
    if request.path == "/admin" or request.path.startswith("/admin/"):
        target = _admin_login_url()
        if request.headers.get("HX-Request"):
            return Response(status=401, headers={"HX-Redirect": target})
        return redirect(target)
    raise Unauthenticated(_l("Log in first."))


def require_token() -> None:
    """API requests authenticate with a bearer token only (never a browser session cookie).

    :raise Unauthenticated: no valid bearer token was sent.
    """
    if request.method == "OPTIONS":
        return
    if not (current_user.is_authenticated and g.get("api_token")):
        raise Unauthenticated(
            _l("Send 'Authorization: Bearer <token>'; get a token from POST /api/v1/auth/tokens.")
        )
