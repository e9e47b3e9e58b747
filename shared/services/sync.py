"""Delta sync for offline phones: everything that changed in the user's tenants since a cursor.

The cursor is opaque to the client and signed with SECRET_KEY. It holds who it was
given to, the kinds it covers, and one position per tenant (a shop, or a team):

- `N`                   caught up through change number N: what follows is read from the log;
- `["s", H, kind, id]`  first sync of the tenant, walking its rows kind by kind (by id); H is
                        the tenant's last change number when the walk began, so the log
                        takes over from H and nothing committed meanwhile is missed;
- `["d", N]`            the tenant left the user's view (a shop handed to another
                        coordinator): what changed after N goes out as deleted...
- `["g", kind, id]`     ...then every row it still has, as deleted; then it leaves the cursor.

A tenant new to the user starts with `["s", ...]`. Within a tenant a larger change
number always committed later (shared.changelog's counter lock), so "after N" misses
nothing. Each answer holds at most `limit` rows (`has_more` while more remain); each
row at most once, in its state now, or its id among the deleted.

A cursor older than the change log keeps (prune, CHANGE_LOG_RETENTION_DAYS) answers 410,
and so does one from before the server learned new kinds: the client starts over.
"""
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from shared.errors import DomainError, Forbidden, Invalid
from shared.models import Change, TenantCounter, User, utcnow
from shared.services.access import shop_ids_of
from shared.services.kinds import KINDS, Kind, dump, tenants_of, visible_rows

DEFAULT_LIMIT, MAX_LIMIT = 500, 1000
_SALT = "tawasi.sync.cursor"


class CursorExpired(DomainError):
    """The changes after the cursor are no longer kept: sync again from the start."""

    status = 410
    code = "sync-cursor-expired"


def kinds_version() -> str:
    """Changes when a kind is added: a cursor that predates it must start over."""
    return hashlib.sha256(",".join(KINDS).encode()).hexdigest()[:8]


# --- the cursor ----------------------------------------------------------------------------


def encode_cursor(secret: str, user_id: str, positions: dict) -> str:
    return URLSafeSerializer(secret, salt=_SALT).dumps({"u": user_id, "k": kinds_version(), "t": positions})


def decode_cursor(secret: str, user: User, cursor: str | None) -> dict:
    """The per-tenant positions the cursor holds ({} for none: a first sync).

    :raise Invalid: not a cursor this server signed.
    :raise Forbidden: a cursor given to another user.
    :raise CursorExpired: it predates the kinds this server syncs.
    """
    if not cursor:
        return {}
    try:
        data = URLSafeSerializer(secret, salt=_SALT).loads(cursor)
        user_id, version, positions = data["u"], data["k"], data["t"]
        if not isinstance(positions, dict):
            raise TypeError
    except (BadSignature, KeyError, TypeError, ValueError):
        raise Invalid("since", _l("is not a sync cursor this server gave out; sync again "
                                  "without `since`")) from None
    if user_id != user.id:
        raise Forbidden(_l("This sync cursor was given to another user. Sync again without "
                           "`since`."), code="sync-cursor-foreign")
    if version != kinds_version():
        raise CursorExpired(_l("The server syncs more kinds of rows since this cursor was "
                               "given out. Sync again without `since`."), code=CursorExpired.code)
    return positions


# --- the answer ----------------------------------------------------------------------------


@dataclass
class Collected:
    """What one answer carries, each row at most once: dumped rows and deleted ids, per kind."""

    limit: int
    upserted: dict[str, dict[str, object]] = field(default_factory=lambda: defaultdict(dict))
    deleted: dict[str, dict[str, None]] = field(default_factory=lambda: defaultdict(dict))

    @property
    def room(self) -> int:
        return self.limit - sum(map(len, self.upserted.values())) - sum(map(len, self.deleted.values()))

    def upsert(self, kind: str, row_id: str, row) -> None:
        self.deleted[kind].pop(row_id, None)
        self.upserted[kind][row_id] = row

    def delete(self, kind: str, row_id: str) -> None:
        self.upserted[kind].pop(row_id, None)
        self.deleted[kind][row_id] = None


@dataclass
class SyncPage:
    changes: dict[str, dict[str, list]]
    cursor: str
    has_more: bool


def parse_fields(text: str | None) -> dict[str, frozenset[str]]:
    """`fields=products.name,products.price,orders.status` -> {kind: fields}; `id` is always sent.

    :raise Invalid: an unknown kind or field.
    """
    if not text:
        return {}
    chosen: dict[str, set[str]] = defaultdict(set)
    for item in filter(None, (part.strip() for part in text.split(","))):
        kind, _, name = item.partition(".")
        if kind not in KINDS or not name or name not in KINDS[kind].fields():
            raise Invalid("fields", _l("%(item)r is not kind.field of a synced kind (for "
                                       "example products.name)", item=item))
        chosen[kind].add(name)
    return {kind: frozenset(names) for kind, names in chosen.items()}


class _Pull:
    def __init__(self, session: Session, user: User, limit: int, only: dict[str, frozenset[str]]):
        self.session, self.user, self.only = session, user, only
        self.out = Collected(limit)
        self.shop_ids = shop_ids_of(session, user)
        self.full = False  # the page filled up before every tenant caught up

    # Each step takes the tenant's position and returns its next one (None: it leaves the
    # cursor), having added what it read to the answer.

    def _log(self, tenant_id: str, after: int) -> tuple[list[tuple[str, str]], int, bool]:
        """(kind, row id) changed after `after` (each once), the last number read, and whether more remain."""
        room = self.out.room
        rows = self.session.execute(
            sa.select(Change.seq, Change.kind, Change.row_id)
            .where(Change.tenant_id == tenant_id, Change.seq > after).order_by(Change.seq).limit(room + 1)
        ).all()
        more = len(rows) > room
        rows = rows[:room]
        changed = list(dict.fromkeys((kind, row_id) for _seq, kind, row_id in rows if kind in KINDS))
        return changed, (rows[-1].seq if rows else after), more

    def live(self, tenant_id: str, after: int):
        changed, last, more = self._log(tenant_id, after)
        by_kind: dict[str, list[str]] = defaultdict(list)
        for kind, row_id in changed:
            by_kind[kind].append(row_id)
        for name, ids in by_kind.items():
            kind = KINDS[name]
            shown = visible_rows(self.session, self.user, kind, ids, shop_ids=self.shop_ids)
            for row_id, row in zip(shown, dump(kind, shown.values(), self.only.get(name))):
                self.out.upsert(name, row_id, row)
            # Deleted, or no longer the user's to see (a promoter taken off a job): the
            # phone drops it. An id it never had is dropped as nothing.
            for row_id in ids:
                if row_id not in shown:
                    self.out.delete(name, row_id)
        self.full |= more
        return last

    def snapshot(self, tenant_id: str, high: int, kind_name: str, after: str):
        names = list(KINDS)
        for name in names[names.index(kind_name):]:
            kind = KINDS[name]
            room = self.out.room
            stmt = (sa.select(kind.model)
                    .where(kind.tenant_filter([tenant_id]), kind.model.visible_to(self.user, self.shop_ids),
                           kind.model.id > after)
                    .order_by(kind.model.id).limit(room + 1).options(*kind.options))
            rows = list(self.session.scalars(stmt).unique())
            more = len(rows) > room
            rows = kind.shown(self.session, rows[:room])
            for row, dumped in zip(rows, dump(kind, rows, self.only.get(name))):
                self.out.upsert(name, row.id, dumped)
            if more:
                self.full = True
                return ["s", high, name, rows[-1].id if rows else after]
            after = ""
        return self.live(tenant_id, high) if self.out.room else high

    def drain(self, tenant_id: str, after: int):
        changed, last, more = self._log(tenant_id, after)
        for kind, row_id in changed:
            self.out.delete(kind, row_id)
        if more:
            self.full = True
            return ["d", last]
        return self.gone(tenant_id, next(iter(KINDS)), "")

    def gone(self, tenant_id: str, kind_name: str, after: str):
        names = list(KINDS)
        for name in names[names.index(kind_name):]:
            kind: Kind = KINDS[name]
            room = self.out.room
            ids = list(self.session.scalars(
                sa.select(kind.model.id).where(kind.tenant_filter([tenant_id]), kind.model.id > after)
                .order_by(kind.model.id).limit(room + 1)))
            for row_id in ids[:room]:
                self.out.delete(name, row_id)
            if len(ids) > room:
                self.full = True
                return ["g", name, ids[room - 1] if room else after]
            after = ""
        return None


def _counters(session: Session, tenant_ids) -> dict[str, tuple[int, int]]:
    """{tenant: (last change number, pruned up to)}, for the tenants asked (0, 0 when none)."""
    rows = session.execute(sa.select(TenantCounter.tenant_id, TenantCounter.last_seq, TenantCounter.pruned_seq)
                           .where(TenantCounter.tenant_id.in_(list(tenant_ids)))).all()
    found = {tenant: (last or 0, pruned or 0) for tenant, last, pruned in rows}
    return {tenant: found.get(tenant, (0, 0)) for tenant in tenant_ids}


def _valid(position) -> bool:
    """A position this module wrote (the cursor is signed: this guards against our own slips)."""
    if isinstance(position, bool):
        return False
    if isinstance(position, int):
        return position >= 0
    if not isinstance(position, list) or not position:
        return False
    tag, *rest = position
    if tag == "s":
        return len(rest) == 3 and isinstance(rest[0], int) and rest[1] in KINDS and isinstance(rest[2], str)
    if tag == "d":
        return len(rest) == 1 and isinstance(rest[0], int)
    if tag == "g":
        return len(rest) == 2 and rest[0] in KINDS and isinstance(rest[1], str)
    return False


def pull(session: Session, user: User, *, secret: str, since: str | None, limit: int = DEFAULT_LIMIT,
         only: dict[str, frozenset[str]] | None = None) -> SyncPage:
    """What changed in every tenant the user works for since the cursor `since` (all of it without).

    :raise Invalid: `since` is not a cursor this server gave out.
    :raise Forbidden: `since` was given to another user.
    :raise CursorExpired: the changes after `since` are no longer kept, or it predates a kind.
    """
    positions = decode_cursor(secret, user, since)
    if not all(_valid(p) for p in positions.values()):
        raise Invalid("since", _l("is not a sync cursor this server gave out; sync again without `since`"))
    visible = tenants_of(session, user)
    tenants = sorted(visible | set(positions))
    counters = _counters(session, tenants)
    first_kind = next(iter(KINDS))
    state: dict[str, object] = {}
    for tenant in tenants:
        position = positions.get(tenant)
        in_view = tenant in visible
        if in_view and (position is None or (isinstance(position, list) and position[0] in ("d", "g"))):
            position = ["s", counters[tenant][0], first_kind, ""]
        elif not in_view and isinstance(position, int):
            position = ["d", position]
        elif not in_view and position[0] == "s":
            position = ["d", position[1]]
        known = position if isinstance(position, int) else position[1] if position[0] in ("s", "d") else None
        if known is not None and counters[tenant][1] > known:
            raise CursorExpired(_l("Changes this old are no longer kept. Sync again without "
                                   "`since`: your rows come again in full."), code=CursorExpired.code)
        state[tenant] = position

    work = _Pull(session, user, max(1, limit), only or {})
    for tenant in tenants:
        position = state[tenant]
        if not work.out.room:  # the page is full: more only where a tenant has not caught up
            work.full |= not (isinstance(position, int) and counters[tenant][0] <= position)
            continue
        if isinstance(position, int):
            state[tenant] = work.live(tenant, position)
        elif position[0] == "s":
            state[tenant] = work.snapshot(tenant, position[1], position[2], position[3])
        elif position[0] == "d":
            state[tenant] = work.drain(tenant, position[1])
        else:
            state[tenant] = work.gone(tenant, position[1], position[2])
    state = {tenant: position for tenant, position in state.items() if position is not None}
    changes = {name: {"upserted": list(work.out.upserted[name].values()),
                      "deleted": list(work.out.deleted[name])} for name in KINDS}
    return SyncPage(changes, encode_cursor(secret, user.id, state), work.full)


# --- keeping the log small -------------------------------------------------------------------


def _highest_before(session: Session, cutoff: datetime) -> dict[str, int]:
    """{tenant: its last change number written before `cutoff`}."""
    return dict(session.execute(sa.select(Change.tenant_id, sa.func.max(Change.seq))
                                .where(Change.at < cutoff).group_by(Change.tenant_id)).all())


def expire_before(session: Session, cutoff: datetime) -> int:
    """Sync no longer reads changes written before `cutoff`: a cursor from before them
    answers 410. The rows stay (the audit trail reads them). Returns how many changes
    sync newly stopped reading."""
    highest = _highest_before(session, cutoff)
    if not highest:
        return 0
    pruned = dict(session.execute(sa.select(TenantCounter.tenant_id, TenantCounter.pruned_seq)
                                  .where(TenantCounter.tenant_id.in_(list(highest)))).all())
    for tenant_id, seq in highest.items():
        session.execute(sa.update(TenantCounter).where(TenantCounter.tenant_id == tenant_id,
                                                       TenantCounter.pruned_seq < seq)
                        .values(pruned_seq=seq))
    return sum(max(0, seq - (pruned.get(tenant_id) or 0)) for tenant_id, seq in highest.items())


def delete_before(session: Session, cutoff: datetime) -> int:
    """Forget changes written before `cutoff` for good (sync and the audit trail alike).
    Returns how many were deleted."""
    expire_before(session, cutoff)
    deleted = 0
    for tenant_id, seq in _highest_before(session, cutoff).items():
        deleted += session.execute(sa.delete(Change).where(Change.tenant_id == tenant_id,
                                                           Change.seq <= seq)).rowcount
    return deleted


def prune(session: Session, *, older_than: timedelta, now: datetime | None = None,
          keep_rows_for: timedelta = timedelta(0)) -> int:
    """Sync forgets changes older than `older_than` (their cursors answer 410); the rows
    themselves are deleted once also older than `keep_rows_for` (the audit trail's year:
    AUDIT_RETENTION_DAYS). Returns how many changes sync newly stopped reading."""
    now = now or utcnow()
    expired = expire_before(session, now - older_than)
    delete_before(session, now - max(older_than, keep_rows_for))
    return expired
