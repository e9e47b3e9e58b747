"""Bearer-token authentication for the API: issuing and revoking tokens."""
from datetime import timedelta

from flask import current_app, g

from api.conventions import Blueprint, View
from shared.auth import require_token
from shared.extensions import db, limiter
from shared.phones import normalise_phone
from shared.schemas.accounts import Token, TokenCreate
from shared.services import accounts

blp = Blueprint(
    "auth", __name__, url_prefix="/api/v1/auth", public=True,
    description="Log in with email and password to get a bearer token; log out by revoking it.",
)


@blp.route("/tokens")
class Tokens(View):
    @blp.arguments(TokenCreate, example={"email": "reem@example.com", "password": "correct horse battery"})
    @blp.response(201, Token, example={"token": "q3Vb2n-kZ", "expires_at": "2026-12-26T10:00:00+00:00"})
    @blp.doc(security=[])
    @limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
    def post(self, data):
        """Get a token

        Exchange an email (or, for an account made with a phone number only, the
        `phone`) and password for a bearer token. Send it on every other
        call as `Authorization: Bearer <token>`. A wrong email or password is a 401
        with the same message either way. Too many attempts from one address are
        answered 429 with Retry-After.
        """
        phone = normalise_phone(data["phone"], current_app.config["DEFAULT_PHONE_REGION"])
        user = accounts.authenticate(db.session, data["email"], data["password"], phone=phone)
        lifetime = timedelta(days=current_app.config["TOKEN_LIFETIME_DAYS"])
        plain, token = accounts.issue_token(db.session, user, lifetime)
        return {"token": plain, "expires_at": token.expires_at}


@blp.route("/tokens/current")
class CurrentToken(View):
    @blp.response(204)
    def delete(self):
        """Revoke this token

        Logs this device out: the token sent with this request stops working at once.
        """
        require_token()
        accounts.revoke_token(db.session, g.api_token)
        return None
