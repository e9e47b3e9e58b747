"""The change log: every write of a tenant's row appends a Change in the same transaction.

An ORM flush is watched (`after_flush`): inserted and updated rows are `upsert`s,
deleted rows `delete`s (tombstones), and a child row (an order's line, a run's cost)
records its parent as written. Writes that bypass the ORM (a conditional UPDATE) call
`record()` themselves.

Each tenant's changes are numbered by TenantCounter, incremented with one atomic
upsert that holds the counter row's lock until the transaction ends. So two
transactions writing one shop take their numbers one after the other, and the second
cannot commit a smaller number than the first: a reader asking for "after N" never
misses a change that committed late. Shop order numbers come from the same row.
"""
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.models import Change, ChangeOp, Tenanted, TenantChild, TenantCounter, utcnow

ACTOR = "changelog.actor_id"  # session.info key: the user making this request's changes
_counters = TenantCounter.__table__
_changes = Change.__table__


def _bump(session: Session, tenant_id: str, column: str, by: int) -> int:
    """Add `by` to the tenant's counter `column` and return its new value, under the row's lock."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(_counters)
        .values(tenant_id=tenant_id, **{column: by})
        .on_conflict_do_update(index_elements=[_counters.c.tenant_id],
                               set_={column: _counters.c[column] + by})
        .returning(_counters.c[column])
    )
    return session.connection().execute(stmt).scalar_one()


def next_order_number(session: Session, tenant_id: str, count: int = 1) -> int:
    """The shop's next order number (1, 2, 3…): taken under the shop's counter lock, so
    concurrent orders can never collide on a number. With `count`, that many numbers
    are reserved and the last is returned (bulk inserts)."""
    return _bump(session, tenant_id, "last_order_number", count)


def _entries(obj, op: ChangeOp) -> tuple[tuple[str, str, str], ChangeOp] | None:
    if isinstance(obj, TenantChild):
        parent = obj.change_parent()
        return (parent.change_entry(), ChangeOp.upsert) if parent is not None else None
    if isinstance(obj, Tenanted):
        return obj.change_entry(), op
    return None


def _write(session: Session, entries: Iterable[tuple[tuple[str, str, str], ChangeOp]]) -> None:
    """Append the changes, one numbered block per tenant (tenants in a fixed order, so two
    transactions touching the same shops take their locks in the same order)."""
    latest: dict[tuple[str, str, str], ChangeOp] = {}
    for key, op in entries:
        if latest.get(key) != ChangeOp.delete:  # a row deleted in this flush stays deleted
            latest[key] = op
    by_tenant: dict[str, list] = defaultdict(list)
    for (tenant_id, kind, row_id), op in latest.items():
        by_tenant[tenant_id].append((kind, row_id, op))
    if not by_tenant:
        return
    actor, now, rows = session.info.get(ACTOR), utcnow(), []
    for tenant_id in sorted(by_tenant):
        written = sorted(by_tenant[tenant_id])
        last = _bump(session, tenant_id, "last_seq", len(written))
        for offset, (kind, row_id, op) in enumerate(written):
            rows.append({"tenant_id": tenant_id, "seq": last - len(written) + 1 + offset, "kind": kind,
                         "row_id": row_id, "op": op, "at": now, "actor_id": actor})
    session.connection().execute(sa.insert(_changes), rows)


def record(session: Session, obj: Tenanted, op: ChangeOp = ChangeOp.upsert) -> None:
    """Record a write the ORM did not see (a conditional UPDATE, a bulk statement)."""
    _write(session, [_entries(obj, op)])


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    found = []
    for obj in session.new:
        found.append(_entries(obj, ChangeOp.upsert))
    for obj in session.dirty:
        if session.is_modified(obj):  # columns, or membership (an order joining a run)
            found.append(_entries(obj, ChangeOp.upsert))
    for obj in session.deleted:
        found.append(_entries(obj, ChangeOp.delete))
    _write(session, [entry for entry in found if entry is not None])


def changes_after(session: Session, tenant_id: str, seq: int, *, limit: int = 1000) -> list[Change]:
    """The tenant's changes numbered after `seq`, oldest first."""
    return list(session.scalars(
        sa.select(Change).where(Change.tenant_id == tenant_id, Change.seq > seq)
        .order_by(Change.seq).limit(limit)
    ))
