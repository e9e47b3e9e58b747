"""Bearer-token authentication for the API: issuing and revoking tokens."""
from datetime import timedelta

from flask import current_app, g

from api.conventions import Blueprint, View, problems, rate_limited
from shared import ratelimits
from shared.auth import require_token
from shared.extensions import db
from shared.phones import normalise_phone
from shared.schemas.accounts import Token, TokenCreate
from shared.services import accounts, me

blp = Blueprint(
    "auth", __name__, url_prefix="/api/v1/auth", public=True,
    description="Log in with email and password to get a bearer token; log out by revoking it.",
)

TOKEN_EXAMPLE = {
    "token": "q3Vb2n-kZ", "expires_at": "2026-12-26T10:00:00+00:00",
    "user": {"id": "01jd3k6w7x8y9z0a1b2c3d4e5f", "name": "Reem", "email": "reem@example.com",
             "role": "seller", "language": "ar", "all_shops": False,
             "shops": [{"id": "01jd3k6w7x8y9z0a1b2c3d4e60", "name": "ريم للتجميل"}],
             "teams": []},
}


DEVICE_ID = {
    "name": ratelimits.DEVICE_HEADER, "in": "header", "required": False,
    "description": "A random id your app makes once per install and keeps (a UUID): once this "
                   "device has logged in, strangers' failures never lock it out.",
    "schema": {"type": "string", "minLength": 16, "maxLength": 200},
}


@blp.route("/tokens")
class Tokens(View):
    @blp.arguments(TokenCreate, example={"email": "reem@example.com", "password": "correct horse battery"})
    @blp.response(201, Token, example=TOKEN_EXAMPLE)
    @blp.doc(security=[], operationId="logIn", parameters=[DEVICE_ID])
    @problems(401)
    @rate_limited(ratelimits.login_limit)
    def post(self, data):
        """Get a token

        Exchange an email (or, for an account made with a phone number only, the
        `phone`) and password for a bearer token, with who you are (`user`, as
        GET /api/v1/me answers). Send the token on every other call as
        `Authorization: Bearer <token>`. A wrong email or password is a 401
        `wrong-credentials` with the same message either way.

        Send `X-Device-Id`, a random id (16 to 200 characters) your app makes once and
        keeps: once this device has logged in, its correct password is never refused
        for others' failures. Too many failed logins from one address are a 429
        `too-many-requests`; after 5 failures in a row an account (or a device that
        logged in before) is locked for 30 seconds, doubling up to 15 minutes: a 429
        `too-many-attempts`. Both say in Retry-After how many seconds to wait. Answers
        carry `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
        `RateLimit-Policy` (the IETF draft) for the per-address limit.
        """
        phone = normalise_phone(data["phone"], current_app.config["DEFAULT_PHONE_REGION"])
        user = accounts.authenticate(db.session, data["email"], data["password"], phone=phone,
                                     device_id=ratelimits.device_id())
        lifetime = timedelta(days=current_app.config["TOKEN_LIFETIME_DAYS"])
        plain, token = accounts.issue_token(db.session, user, lifetime)
        return {"token": plain, "expires_at": token.expires_at,
                "user": me.profile(db.session, user)}


@blp.route("/tokens/current")
class CurrentToken(View):
    @blp.response(204)
    @blp.doc(operationId="logOut")
    @problems(401, 422)  # 422: an Idempotency-Key too long, or reused for another request
    def delete(self):
        """Revoke this token

        Logs this device out: the token sent with this request stops working at once.
        """
        require_token()
        accounts.revoke_token(db.session, db.session.merge(g.api_token, load=False))
        return None
