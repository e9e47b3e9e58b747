"""The login throttle, kept in the database so it holds across workers and servers, with
or without Redis (as django-axes keeps it), beside the per-address limit (flask-limiter).

- An account counts its failed logins in a row (`users.failed_logins`). From the
  THRESHOLD-th on, each failure locks it for a while that doubles, from BASE_LOCK up to
  MAX_LOCK (`users.locked_until`); while locked, a login is refused before its password
  is even checked (429 `too-many-attempts`, Retry-After). A success starts the count again.
- A device that has logged in to the account before (a phone's `X-Device-Id`, an admin
  browser's signed cookie; only its SHA-256 is kept in `known_devices`) has a count and a
  lock of its own instead: strangers guessing the password cannot lock its owner out,
  and a stolen device id is still throttled.

Counts are written with one atomic UPDATE each, in a transaction of their own: they must
outlive the refused request, whose own transaction is rolled back, and two workers
counting at once both count.
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.errors import DomainError
from shared.models import KnownDevice, User, utcnow

THRESHOLD = 5  # failures in a row before the first lock
BASE_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)
MAX_DEVICE_ID = 200


class TooManyAttempts(DomainError):
    """Logging in to this account is locked for a while; `retry_after` says how long."""

    status = 429
    code = "too-many-attempts"

    def __init__(self, until: datetime, now: datetime):
        self.retry_after = max(1, int((until - now).total_seconds() + 0.999))
        super().__init__(_l("Too many failed logins to this account. Try again in %(seconds)s seconds.",
                            seconds=self.retry_after))
        self.headers = {"Retry-After": str(self.retry_after)}


def lock_for(failures: int) -> timedelta | None:
    """How long `failures` in a row lock: none below THRESHOLD, then 30 s, 60 s, ... 15 min."""
    if failures < THRESHOLD:
        return None
    return min(BASE_LOCK * 2 ** min(failures - THRESHOLD, 16), MAX_LOCK)


def device_hash(device_id: str | None) -> str | None:
    """The SHA-256 kept for a device id (None for none, or one too short or long to be real)."""
    if not device_id or not 16 <= len(device_id) <= MAX_DEVICE_ID:
        return None
    return hashlib.sha256(device_id.encode("utf-8", "replace")).hexdigest()


@dataclass
class Attempt:
    """Who is logging in, from which device (the account may be None: unknown email)."""

    user: User | None
    device: KnownDevice | None
    device_hash: str | None


def find_user(session: Session, email: str | None, phone: str | None) -> User | None:
    if email is not None:
        return session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    return session.scalar(sa.select(User).where(User.phone == phone)) if phone else None


def attempt(session: Session, user: User | None, device_id: str | None) -> Attempt:
    hashed = device_hash(device_id)
    device = None
    if user is not None and hashed is not None:
        device = session.scalar(sa.select(KnownDevice).where(KnownDevice.user_id == user.id,
                                                             KnownDevice.device_hash == hashed))
    return Attempt(user, device, hashed)


def is_known_device(session: Session, email: str | None, phone: str | None, device_id: str | None) -> bool:
    """Whether this device has logged in to this account before (it is then not held to
    the per-address limit that strangers exhaust)."""
    hashed = device_hash(device_id)
    if hashed is None or (not email and not phone) or "\x00" in (email or phone):
        return False  # (unread credentials: PostgreSQL compares no NUL)
    account = User.email == email.strip().lower() if email else User.phone == phone
    return session.scalar(sa.select(sa.func.count()).select_from(KnownDevice).join(User)
                          .where(account, KnownDevice.device_hash == hashed)) > 0


def check(login: Attempt, now: datetime | None = None) -> None:
    """:raise TooManyAttempts: the throttle this attempt answers to is locked."""
    now = now or utcnow()
    throttle = login.device or login.user
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        raise TooManyAttempts(throttle.locked_until, now)


def _apart(session: Session):
    """A transaction of its own, ended when the block ends (see the module's docstring):
    the one write a service makes outside the request's transaction, because it must
    outlive the refusal it counts."""
    return session.get_bind().begin()


def failed(session: Session, login: Attempt, now: datetime | None = None) -> None:
    """Count a wrong password against the device (when known) or the account, and lock it
    when the count calls for it."""
    if login.user is None:
        return  # no account to lock: the per-address limit is all there is
    now = now or utcnow()
    model, key = (KnownDevice, login.device.id) if login.device is not None else (User, login.user.id)
    with _apart(session) as conn:
        failures = conn.execute(sa.update(model).where(model.id == key)
                                .values(failed_logins=model.failed_logins + 1)
                                .returning(model.failed_logins)).scalar_one()
        if (lock := lock_for(failures)) is not None:
            conn.execute(sa.update(model).where(model.id == key).values(locked_until=now + lock))


def succeeded(session: Session, login: Attempt, now: datetime | None = None) -> None:
    """A correct password: its throttle starts again, and the device is known from now on.
    Written in the request's transaction (it commits with the new token or session)."""
    now = now or utcnow()
    user = login.user
    if login.device is not None:
        session.execute(sa.update(KnownDevice).where(KnownDevice.id == login.device.id)
                        .values(failed_logins=0, locked_until=None, last_login_at=now))
    else:
        session.execute(sa.update(User).where(User.id == user.id, User.failed_logins > 0)
                        .values(failed_logins=0, locked_until=None)
                        .execution_options(synchronize_session=False))
        if login.device_hash is not None:
            session.add(KnownDevice(user_id=user.id, device_hash=login.device_hash, last_login_at=now))
    session.flush()
