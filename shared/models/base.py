"""Column types and mixins every table shares: opaque ids, UTC timestamps, exact money, tenancy."""
import os
import time
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.money import CENT, RATE_UNIT

if TYPE_CHECKING:
    from shared.models.accounts import User

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id() -> str:
    """An opaque, URL-safe, roughly time-ordered id (ULID layout: 48-bit ms time + 80 random bits)."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, rem = divmod(value, 32)
        chars.append(_CROCKFORD[rem])
    return "".join(reversed(chars))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.TypeDecorator):
    """Aware UTC datetimes in Python on every database (SQLite keeps no time zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Money(sa.TypeDecorator):
    """A Decimal amount stored as whole cents (BIGINT).

    SQLite has no exact decimal type, so Numeric there is a float and SUM() drifts;
    integer cents are exact on SQLite and PostgreSQL alike, SUM() included.
    """

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) / CENT).to_integral_value())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) * CENT).quantize(CENT)


class Rate(sa.TypeDecorator):
    """An exchange rate a person typed ("34", "0.0295"), exact to RATE_PLACES decimal
    places, stored as whole millionths (BIGINT) for the same reason as Money."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) / RATE_UNIT).to_integral_value())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) * RATE_UNIT).quantize(RATE_UNIT)


def enum_column(cls, length: int = 20) -> sa.Enum:
    """An enum stored as its value in a VARCHAR (no database enum type to migrate)."""
    return sa.Enum(cls, native_enum=False, length=length)


class IdMixin:
    id: Mapped[str] = mapped_column(sa.String(26), primary_key=True, default=new_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class VersionMixin:
    """Optimistic locking: every ORM UPDATE says "WHERE version = <the one read>" and bumps
    it, so a write based on a stale read fails (StaleDataError, turned into Conflict by
    shared.db) instead of silently undoing another."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @sa.orm.declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class Tenanted:
    """A row of one tenant (a shop): who may see it, and what the change log records for it.

    `change_kind` names the kind in the change log (and in sync); `change_entry()` says
    which row a write of this one changes: `(tenant_id, kind, row_id)`. A child row
    (an order's line) answers its parent's entry, so writing a line records its order.
    """

    change_kind: ClassVar[str]

    def change_entry(self) -> tuple[str, str, str]:
        return self.seller_id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user: "User", shop_ids: list[str] | None = None) -> sa.ColumnElement[bool]:
        """The rows of this kind `user` may see; `shop_ids`, when the caller has read them
        already (see access.scoped), are the shops the user works for."""
        from shared.models.accounts import Role
        from shared.models.sellers import Seller, shops_of

        if user.role == Role.admin:
            return sa.true()
        if shop_ids is None:
            return cls.seller_id.in_(sa.select(Seller.id).where(shops_of(user)))
        if len(shop_ids) == 1:  # `= :id` lets the database walk (seller_id, created_at, id) in order
            return cls.seller_id == shop_ids[0]
        return cls.seller_id.in_(shop_ids) if shop_ids else sa.false()


class TenantChild:
    """A row that is part of another (an order's line): writing it changes its parent."""

    def change_parent(self) -> Tenanted:
        raise NotImplementedError
