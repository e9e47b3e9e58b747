"""Accounts: creating users, checking passwords, issuing and revoking API tokens."""
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.db import flush
from shared.errors import Conflict, Invalid, Unauthenticated
from shared.models import ApiToken, Language, Role, User, utcnow
from shared.models.accounts import hash_token

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
BAD_CREDENTIALS = _l("Email or password is wrong.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    session: Session,
    *,
    email: str | None,
    password: str,
    role: Role | str,
    name: str = "",
    phone: str | None = None,
    language: Language | str = Language.ar,
) -> User:
    if not email and not phone:
        raise Invalid("email", _l("an email or a phone number is required"))
    if len(password) < 8:
        raise Invalid("password", _l("must be at least 8 characters"))
    email = email.strip().lower() if email else None
    if email and session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(_l("A user with email %(email)s already exists.", email=email), code="duplicate")
    user = User(
        email=email,
        phone=phone,
        name=name,
        password_hash=hash_password(password),
        role=Role(role),
        language=Language(language),
    )
    session.add(user)
    flush(session)
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """:raise Unauthenticated: with one message whether the email exists or not."""
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise Unauthenticated(BAD_CREDENTIALS, code="wrong-credentials") from None
    if user is None or not user.active:
        raise Unauthenticated(BAD_CREDENTIALS, code="wrong-credentials")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def issue_token(session: Session, user: User, lifetime: timedelta) -> tuple[str, ApiToken]:
    """A new bearer token; the plain token is returned once and only its hash is kept."""
    plain = secrets.token_urlsafe(32)
    token = ApiToken(user=user, token_hash=hash_token(plain), expires_at=utcnow() + lifetime)
    session.add(token)
    flush(session)
    return plain, token


def user_for_token(session: Session, plain: str) -> tuple[User, ApiToken] | None:
    """The user behind a live token, or None if unknown, expired or revoked."""
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.active:
        return None
    return token.user, token


def revoke_token(session: Session, token: ApiToken, at: datetime | None = None) -> None:
    token.revoked_at = at or utcnow()
    flush(session)
