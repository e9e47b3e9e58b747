"""The change log: every write of a tenant's row appends a Change in the same transaction.

An ORM flush is watched (`after_flush`): inserted and updated rows are `upsert`s,
deleted rows `delete`s (tombstones), and a child row (an order's line, a run's cost)
records its parent as written. Writes that bypass the ORM (a conditional UPDATE) call
`record()` themselves. An account (User) is logged too, as its own tenant.

It is also the audit trail (shared/services/audit.py): each change says who made it
(`actor_id`), from which client (`client`: an API token or an admin login session) and,
for money, the amounts before and after (`money`).

Each tenant's changes are numbered by TenantCounter, incremented with one atomic
upsert that holds the counter row's lock until the transaction ends. So two
transactions writing one shop take their numbers one after the other, and the second
cannot commit a smaller number than the first: a reader asking for "after N" never
misses a change that committed late. Shop order numbers come from the same row.
"""
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.models import Change, ChangeOp, Tenanted, TenantChild, TenantCounter, User, utcnow
from shared.models.base import Money

ACTOR = "changelog.actor_id"  # session.info key: the user making this request's changes
CLIENT = "changelog.client"  # session.info key: "token:<id>" or "admin:<login session>"
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


Entry = tuple[tuple[str, str, str], ChangeOp, dict]  # (tenant, kind, row id), op, money changed


def _money(obj, op: ChangeOp, *, new: bool = False) -> dict:
    """{column: [before, after]} of the Money columns this write of `obj` changed, as
    decimal strings (None where there was or is none); a child row's columns are
    prefixed with its table ("payments.amount")."""
    state = sa.inspect(obj)
    prefix = "" if isinstance(obj, Tenanted | User) else state.mapper.local_table.name + "."
    found = {}
    for attr in state.mapper.column_attrs:
        if not isinstance(attr.columns[0].type, Money):
            continue
        if new or op == ChangeOp.delete:
            value = state.dict.get(attr.key)
            pair = [None, value] if new else [value, None]
        else:
            history = state.attrs[attr.key].history
            if not history.added:
                continue
            pair = [history.deleted[0] if history.deleted else None, history.added[0]]
        pair = [_amount(value) for value in pair]
        if pair[0] != pair[1]:
            found[prefix + attr.key] = pair
    return found


def _amount(value) -> str | None:
    return None if value is None else f"{Decimal(str(value)):.2f}"


def _entries(obj, op: ChangeOp, *, new: bool = False) -> Entry | None:
    if isinstance(obj, TenantChild):
        parent = obj.change_parent()
        return (parent.change_entry(), ChangeOp.upsert, _money(obj, op, new=new)) if parent is not None else None
    if isinstance(obj, Tenanted | User):
        return obj.change_entry(), op, _money(obj, op, new=new)
    return None


def _write(session: Session, entries: Iterable[Entry]) -> None:
    """Append the changes, one numbered block per tenant (tenants in a fixed order, so two
    transactions touching the same shops take their locks in the same order). Each carries
    who made it and from which client (session.info, set where the request authenticated)
    and the money it changed."""
    latest: dict[tuple[str, str, str], ChangeOp] = {}
    money: dict[tuple[str, str, str], dict] = defaultdict(dict)
    noted = session.info.get(_NOTED_MONEY) or {}
    for key, op, changed in entries:
        money[key].update(noted.pop(key, {}))
        if latest.get(key) != ChangeOp.delete:  # a row deleted in this flush stays deleted
            latest[key] = op
        money[key].update(changed)
    by_tenant: dict[str, list] = defaultdict(list)
    for (tenant_id, kind, row_id), op in latest.items():
        by_tenant[tenant_id].append((kind, row_id, op))
    if not by_tenant:
        return
    actor, client, now, rows = session.info.get(ACTOR), session.info.get(CLIENT), utcnow(), []
    for tenant_id in sorted(by_tenant):
        written = sorted(by_tenant[tenant_id])
        last = _bump(session, tenant_id, "last_seq", len(written))
        for offset, (kind, row_id, op) in enumerate(written):
            rows.append({"tenant_id": tenant_id, "seq": last - len(written) + 1 + offset, "kind": kind,
                         "row_id": row_id, "op": op, "at": now, "actor_id": actor, "client": client,
                         "money": money[tenant_id, kind, row_id] or None})
    session.connection().execute(sa.insert(_changes), rows)


_NOTED_MONEY = "changelog.noted_money"


def note_money(session: Session, obj: Tenanted, column: str, before, after) -> None:
    """Money a statement the ORM does not see changed (`UPDATE ... SET amount_paid =
    amount_paid + x`): it goes with the next change recorded for `obj` in this session."""
    if before != after:
        noted = session.info.setdefault(_NOTED_MONEY, {})
        noted.setdefault(obj.change_entry(), {})[column] = [_amount(before), _amount(after)]


def record(session: Session, obj: Tenanted, op: ChangeOp = ChangeOp.upsert, *, money: dict | None = None) -> None:
    """Record a write the ORM did not see (a conditional UPDATE, a bulk statement), with
    the money it changed when it did ({column: [before, after]})."""
    entry = _entries(obj, op)
    if entry is not None:
        _write(session, [(entry[0], entry[1], money or {})])


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    found = []
    for obj in session.new:
        found.append(_entries(obj, ChangeOp.upsert, new=True))
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


@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_noted_money(session: Session, *_args) -> None:
    session.info.pop(_NOTED_MONEY, None)
