"""Users and their API tokens."""
import enum
import hashlib
from datetime import datetime

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
