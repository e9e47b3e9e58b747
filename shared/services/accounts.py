"""Accounts: creating users, checking passwords, issuing and revoking API tokens."""
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.db import flush
from shared.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from shared.models import ApiToken, Language, Role, User, utcnow
from shared.models.accounts import hash_token
from shared.phones import normalise_phone
from shared.services import logins
from shared.services.pagination import Page, keyset_page
from shared.text import ascii_digits, like_pattern

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
BAD_CREDENTIALS = _l("Email or password is wrong.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password(password: str) -> None:
    """:raise Invalid: shorter than 8 characters."""
    if len(password) < 8:
        raise Invalid("password", _l("must be at least 8 characters"))


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
    _check_password(password)
    email = email.strip().lower() if email else None
    if email and session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(_l("A user with email %(email)s already exists.", email=email), code="duplicate")
    if phone and session.scalar(sa.select(User.id).where(User.phone == phone)):
        raise Conflict(_l("A user with phone %(phone)s already exists.", phone=phone), code="duplicate")
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


def authenticate(session: Session, email: str | None, password: str, *, phone: str | None = None,
                 device_id: str | None = None) -> User:
    """The user with this email (or, when `email` is None, this E.164 `phone`: promoters a
    coordinator signed up by phone) and password, logging in from `device_id` (a phone's
    X-Device-Id, an admin browser's cookie; None when unknown). Throttled per account and
    per known device (shared/services/logins.py).

    :raise TooManyAttempts: this account (or this device of it) is locked for a while.
    :raise Unauthenticated: with one message whether the account exists or not.
    """
    user = logins.find_user(session, email, phone)
    login = logins.attempt(session, user, device_id)
    logins.check(login)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        logins.failed(session, login)
        raise Unauthenticated(BAD_CREDENTIALS, code="wrong-credentials") from None
    if user is None or not user.active:
        raise Unauthenticated(BAD_CREDENTIALS, code="wrong-credentials")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    logins.succeeded(session, login)
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


# --- managing accounts (admins) ------------------------------------------------------------


@dataclass
class UserFilter:
    q: str | None = None
    role: Role | None = None


def require_admin(actor: User) -> None:
    """:raise Forbidden: `actor` is not an admin."""
    if actor.role != Role.admin:
        raise Forbidden(_l("Only admins manage accounts."))


def list_users(session: Session, actor: User, filters: UserFilter, *, limit: int,
               cursor: str | None) -> Page[User]:
    """Every account, newest first; `q` finds a name, email or phone (any part of it).

    :raise Forbidden: `actor` is not an admin.
    """
    require_admin(actor)
    stmt = sa.select(User)
    if filters.role:
        stmt = stmt.where(User.role == Role(filters.role))
    if filters.q and (typed := filters.q.strip()):
        text = like_pattern(typed.casefold())
        phone = like_pattern(ascii_digits(typed).replace(" ", "").lstrip("+0") or typed)
        stmt = stmt.where(sa.func.lower(User.name).like(text, escape="\\")
                          | sa.func.lower(User.email).like(text, escape="\\")
                          | User.phone.like(phone, escape="\\"))
    return keyset_page(session, stmt, User, limit=limit, cursor=cursor)


def get_user(session: Session, actor: User, user_id: str, *, for_update: bool = False) -> User:
    """:raise Forbidden: `actor` is not an admin. :raise NotFound: no such account."""
    require_admin(actor)
    stmt = sa.select(User).where(User.id == user_id)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    user = session.scalar(stmt)
    if user is None:
        raise NotFound(_l("No account with id %(id)r.", id=user_id))
    return user


def add_user(session: Session, actor: User, data: Mapping, *, phone_region: str) -> User:
    """An account made by an admin: `data` has email and/or phone, password, role, name,
    language. The phone is kept in E.164.

    :raise Forbidden: `actor` is not an admin.
    :raise Invalid: no email nor phone; a short password; not a phone number.
    :raise Conflict: the email or phone belongs to another account.
    """
    require_admin(actor)
    return create_user(
        session, email=data.get("email"), password=data["password"], role=data["role"],
        name=data.get("name") or "",
        phone=normalise_phone(data.get("phone"), phone_region, field="phone"),
        language=data.get("language") or Language.ar,
    )


def _revoke_tokens(session: Session, user: User) -> None:
    """Every live API token of `user` stops working now."""
    now = utcnow()
    for token in session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))):
        token.revoked_at = now


def reset_password(session: Session, actor: User, user: User, password: str) -> User:
    """A new password for `user`, told to them by the admin; their API tokens stop
    working, so whoever held the old password keeps no way in through the API.

    :raise Forbidden: `actor` is not an admin.
    :raise Invalid: the password is too short.
    """
    require_admin(actor)
    _check_password(password)
    user.password_hash = hash_password(password)
    _revoke_tokens(session, user)
    flush(session)
    return user


def set_active(session: Session, actor: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account. A deactivated person cannot log in, is logged
    out of the admin at their next request, and their API tokens are revoked (so a
    reactivation does not bring old tokens back).

    :raise Forbidden: `actor` is not an admin.
    :raise Conflict: an admin deactivating their own account (no one could undo it).
    """
    require_admin(actor)
    if not active and user.id == actor.id:
        raise Conflict(_l("You cannot deactivate your own account; ask another admin."))
    user.active = active
    if not active:
        _revoke_tokens(session, user)
    flush(session)
    return user
