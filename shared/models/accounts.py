"""Users and their API tokens."""
import enum
import hashlib
from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.base import IdMixin, TimestampMixin, UTCDateTime


class Role(str, enum.Enum):
    admin = "admin"
    coordinator = "coordinator"
    seller = "seller"
    promoter = "promoter"


class Language(str, enum.Enum):
    ar = "ar"
    en = "en"


class User(IdMixin, TimestampMixin, UserMixin, db.Model):
    __tablename__ = "users"

    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20))
    language: Mapped[Language] = mapped_column(
        sa.Enum(Language, native_enum=False, length=5), default=Language.ar
    )
    active: Mapped[bool] = mapped_column(default=True)
    # The login throttle (shared/services/logins.py): failed attempts in a row from devices
    # that never logged in to this account, and until when such devices are refused.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # In the change log (the audit trail) as the account's own tenant: who created, reset,
    # deactivated it. Sync never reads it (no one's shop or team).
    change_kind: ClassVar[str] = "users"

    def change_entry(self) -> tuple[str, str, str]:
        return self.id, self.change_kind, self.id

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email or self.phone} {self.role.value}>"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(IdMixin, TimestampMixin, db.Model):
    """A bearer token: only its SHA-256 is stored, so a database leak leaks no token."""

    __tablename__ = "api_tokens"

    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class KnownDevice(IdMixin, db.Model):
    """A device (a phone's X-Device-Id, an admin browser's signed cookie) that logged in to
    this account: its correct password is not refused for strangers' failures. It has a
    throttle of its own (failed attempts, locked until). Only the device id's SHA-256 is kept."""

    __tablename__ = "known_devices"
    __table_args__ = (sa.UniqueConstraint("user_id", "device_hash"),)

    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    device_hash: Mapped[str] = mapped_column(sa.String(64))
    last_login_at: Mapped[datetime] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotencyKey(IdMixin, db.Model):
    """The first successful answer to a change (POST, PUT, PATCH, DELETE) carrying an
    Idempotency-Key, replayed to retries of the same request."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status_code: Mapped[int | None]
    response_body: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    response_headers: Mapped[dict | None] = mapped_column(sa.JSON)
