"""The change log: one record per write of a tenant's row, in commit order per tenant.

Sync (phones catching up), webhooks and the audit trail all read it. Records are
appended by shared.changelog in the transaction of the write they describe.
"""
import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.extensions import db
from shared.models.base import UTCDateTime, enum_column, utcnow

# BIGINT on PostgreSQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class ChangeOp(str, enum.Enum):
    """What a write did to a row: `upsert` (created or changed) or `delete`."""

    upsert = "upsert"
    delete = "delete"


class Change(db.Model):
    """`tenant_id`'s row `kind`/`row_id` was written (`upsert`) or deleted, as its `seq`-th change.

    `seq` counts per tenant, taken from TenantCounter under its row lock, so within a
    tenant a larger seq always committed later: "what changed after N" misses nothing.
    """

    __tablename__ = "changes"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "seq"), sa.Index("ix_changes_at", "at"),
                      sa.Index("ix_changes_row_id", "row_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(sa.String(26))
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[str] = mapped_column(sa.String(30))
    row_id: Mapped[str] = mapped_column(sa.String(26))
    op: Mapped[ChangeOp] = mapped_column(enum_column(ChangeOp, 6))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The audit trail (shared/services/audit.py) reads these. Who made the change (a user
    # id), when a person did; from which client: "token:<api token id>", "admin:<login
    # session>", or none (a command, the worker).
    actor_id: Mapped[str | None] = mapped_column(sa.String(26))
    client: Mapped[str | None] = mapped_column(sa.String(40))
    # Money the write changed: {"amount_paid": ["0.00", "150.00"], "payments.amount": [null, "150.00"]},
    # before and after (a child row's fields prefixed with its table).
    money: Mapped[dict | None] = mapped_column(sa.JSON)


class TenantCounter(db.Model):
    """Per tenant (shop) counters, each taken under this row's lock: the change log's
    sequence and the shop's order numbers. One row per shop, so one lock per shop."""

    __tablename__ = "tenant_counters"

    tenant_id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    last_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    last_order_number: Mapped[int] = mapped_column(default=0, server_default="0")
    # Changes numbered up to here were pruned (shared.services.sync.prune): a sync cursor
    # from before them answers 410.
    pruned_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
