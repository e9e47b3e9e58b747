"""Who a bearer token belongs to, remembered for a few seconds per worker process.

Every API request starts with "whose token is this?": a lookup of the token joined to
its user, then (for lists and lookups) the shops that user works for. Both change
rarely, so each worker keeps the answer for PRINCIPAL_CACHE_SECONDS (default 5) and the
request builds its User and ApiToken from the remembered columns, with no query.

The bound, stated and tested (tests/test_principals.py):
- a token revoked, a user deactivated or given another role, a shop handed to another
  person, **in this process** (the API's DELETE /auth/tokens, the admin's pages, any ORM
  write of a user, a token or a seller): the cache is emptied at that flush, so the next
  request sees it at once;
- the same change made by **another process** (another gunicorn worker, another server,
  a script): at most PRINCIPAL_CACHE_SECONDS later, when the remembered answer expires.
- a token's own expiry is checked on every request against the remembered expires_at.

PRINCIPAL_CACHE_SECONDS = 0 turns the cache off (every request reads the database).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state

from shared.models import ApiToken, Seller, User, utcnow
from shared.models.accounts import hash_token

MAX_ENTRIES = 10_000  # a worker serving more live tokens than this starts over (rare, harmless)
_USER_COLUMNS = tuple(c.key for c in sa.inspect(User).column_attrs)
_TOKEN_COLUMNS = tuple(c.key for c in sa.inspect(ApiToken).column_attrs)


@dataclass(frozen=True)
class _Entry:
    user: dict
    token: dict
    read_at: datetime


_entries: dict[str, _Entry] = {}  # token hash -> the token and its user
_shops: dict[str, tuple[datetime, list[str]]] = {}  # user id -> the shops they work for
_lock = Lock()


def _ttl() -> timedelta:
    return timedelta(seconds=current_app.config.get("PRINCIPAL_CACHE_SECONDS", 5))


def forget_all() -> None:
    """Empty this process's cache (a user, token or shop was written)."""
    with _lock:
        _entries.clear()
        _shops.clear()


def _row(model, values: dict):
    """A clean, detached `model` row built from remembered columns as a query would load
    it (the columns straight into its dict, no constructor, no attribute events)."""
    obj = sa.inspect(model).class_manager.new_instance()
    instance_state(obj).dict.update(values)
    make_transient_to_detached(obj)
    return obj


def _attached(session: Session, model, values: dict):
    """A persistent, clean `model` row in `session` built from remembered columns, no query;
    the row already in the session's identity map if one is (it is the same row)."""
    present = session.identity_map.get((model, (values["id"],), None))
    if present is not None:
        return present
    obj = _row(model, values)
    session.add(obj)
    return obj


def _live(token: ApiToken | dict, user: User | dict, now: datetime) -> bool:
    get = (lambda row, name: row[name]) if isinstance(token, dict) else getattr
    return (get(token, "revoked_at") is None and get(token, "expires_at") > now
            and get(user, "active"))


def user_for_token(session: Session, plain: str) -> tuple[User, ApiToken] | None:
    """The user behind a live token, or None if unknown, expired or revoked (see the module).

    The user is in `session`; the token, when remembered, is a detached copy (only a
    log-out writes it: `session.merge(token, load=False)` brings it in)."""
    digest = hash_token(plain)
    now = utcnow()
    ttl = _ttl()
    entry = _entries.get(digest) if ttl else None
    if entry is not None and entry.read_at + ttl > now:
        if not _live(entry.token, entry.user, now):
            return None
        return _attached(session, User, entry.user), _row(ApiToken, entry.token)
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not _live(token, token.user, now):
        return None
    if ttl:
        user = token.user
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[digest] = _Entry({k: getattr(user, k) for k in _USER_COLUMNS},
                                      {k: getattr(token, k) for k in _TOKEN_COLUMNS}, now)
    return token.user, token


def known_shop_ids(user: User) -> list[str] | None:
    """The shops `user` works for when remembered (None otherwise, or for an admin): a
    lookup by id then filters `seller_id = :id` instead of `IN (SELECT ...)`."""
    from shared.models import Role

    if user.role == Role.admin or not _ttl():
        return None
    found = _shops.get(user.id)
    return list(found[1]) if found is not None and found[0] + _ttl() > utcnow() else None


def shop_ids_of(session: Session, user: User) -> list[str]:
    """The ids of the shops `user` works for (not an admin), remembered like the token."""
    ttl, now = _ttl(), utcnow()
    found = _shops.get(user.id) if ttl else None
    if found is not None and found[0] + ttl > now:
        return list(found[1])
    from shared.models import shops_of

    ids = list(session.scalars(sa.select(Seller.id).where(shops_of(user))))
    if ttl:
        with _lock:
            if len(_shops) >= MAX_ENTRIES:
                _shops.clear()
            _shops[user.id] = (now, ids)
    return list(ids)


@sa.event.listens_for(Session, "after_flush")
def _forget_on_write(session: Session, _context) -> None:
    """Any ORM write of a user, a token or a shop empties this process's cache."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, (User, ApiToken, Seller)):
            forget_all()
            return
