"""The audit trail: the change log read by admins (who changed which row, when, from
which client, and money before and after), kept AUDIT_RETENTION_DAYS (a year).

The log is one table for sync, webhooks and the audit (shared/changelog.py). Sync may
stop reading old changes sooner (CHANGE_LOG_RETENTION_DAYS, `flask prune-changes`: their
cursors answer 410), but the rows stay until the audit's year is over; `flask
prune-audit` (and the worker, daily) deletes them then.
"""
import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.errors import Forbidden, Invalid
from shared.models import Change, Role, User, utcnow
from shared.services import sync
from shared.services.pagination import Page

RETENTION = timedelta(days=365)


@dataclass
class AuditFilter:
    kind: str | None = None
    row_id: str | None = None
    user_id: str | None = None
    tenant_id: str | None = None
    start: datetime | None = None  # from this moment on (included)
    end: datetime | None = None  # before this moment


def require_admin(actor: User) -> None:
    """:raise Forbidden: `actor` is not an admin."""
    if actor.role != Role.admin:
        raise Forbidden(_l("Only admins read the audit trail."))


def _encode(change_id: int) -> str:
    return base64.urlsafe_b64encode(str(change_id).encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        if not (text.isdigit() and len(text) <= 19):
            raise ValueError(text)
        return int(text)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise Invalid("cursor", _l("is not a cursor this API gave out; start again without it")) from exc


def entries(session: Session, actor: User, filters: AuditFilter, *, limit: int,
            cursor: str | None) -> Page[Change]:
    """Every write, newest first, narrowed by `filters`.

    :raise Forbidden: `actor` is not an admin.
    :raise Invalid: a cursor this API did not give out.
    """
    require_admin(actor)
    stmt = sa.select(Change)
    if filters.kind:
        stmt = stmt.where(Change.kind == filters.kind)
    if filters.row_id:
        stmt = stmt.where(Change.row_id == filters.row_id)
    if filters.user_id:
        stmt = stmt.where(Change.actor_id == filters.user_id)
    if filters.tenant_id:
        stmt = stmt.where(Change.tenant_id == filters.tenant_id)
    if filters.start:
        stmt = stmt.where(Change.at >= filters.start)
    if filters.end:
        stmt = stmt.where(Change.at < filters.end)
    if cursor:
        stmt = stmt.where(Change.id < _decode(cursor))
    rows = list(session.scalars(stmt.order_by(Change.id.desc()).limit(limit + 1)))
    if len(rows) <= limit:
        return Page(rows, None)
    return Page(rows[:limit], _encode(rows[limit - 1].id))


def prune(session: Session, *, older_than: timedelta = RETENTION, now: datetime | None = None) -> int:
    """Forget changes older than `older_than` (a year by default), for the audit and sync
    alike (their sync cursors answer 410). Returns how many were deleted."""
    return sync.delete_before(session, (now or utcnow()) - older_than)
