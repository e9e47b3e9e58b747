"""Idempotency-Key storage: the first successful answer to a keyed request, replayed to retries.

The key is claimed inside the request's own transaction and its answer is stored in
that same transaction, just before the one commit: a crash leaves both the change and
its answer, or neither (and then a retry runs afresh). A concurrent request with the
same key waits on the key's unique index until the first one ends, then replays it.
A request that fails stores nothing: it changed nothing, so its retry may run.
"""
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached

from shared.models import IdempotencyKey, new_id, utcnow

MAX_KEY_LENGTH = 255


SWEEP_EVERY = timedelta(minutes=10)
_swept: dict[str, datetime] = {}  # user id -> when this process last forgot their expired keys


def claim(session: Session, user_id: str, key: str, fingerprint: str,
          ttl: timedelta) -> IdempotencyKey:
    """The stored row for (user, key): a finished earlier request's, or a new claim.

    A new claim has `status_code` None: the caller runs the request and `store`s its
    answer before committing. The user's expired keys are forgotten on the way (at most
    every SWEEP_EVERY per process, so a busy client does not pay a DELETE per request),
    so the table stays small with no cron job.

    The claim is one `INSERT ... ON CONFLICT DO NOTHING RETURNING`: a new key costs one
    statement; a key taken already (a retry, or a concurrent request, which that insert
    waits for) is then read, and replayed.
    """
    now = utcnow()
    last = _swept.get(user_id)
    if last is None or not last <= now < last + SWEEP_EVERY:
        session.execute(sa.delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.created_at < now - ttl))
        _swept[user_id] = now
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = IdempotencyKey.__table__
    for _attempt in range(3):
        row_id = new_id()
        claimed = session.execute(
            insert(table).values(id=row_id, user_id=user_id, key=key, fingerprint=fingerprint, created_at=now)
            .on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.key])
            .returning(table.c.id)
        ).scalar()
        if claimed is not None:
            row = IdempotencyKey(id=row_id, user_id=user_id, key=key, fingerprint=fingerprint,
                                 created_at=now, status_code=None, response_body=None, response_headers=None)
            make_transient_to_detached(row)
            session.add(row)  # persistent and clean: `store` then UPDATEs it
            return row
        existing = session.scalar(sa.select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
        if existing is None:  # deleted since (swept by another request): claim again
            continue
        if existing.status_code is not None and existing.created_at >= now - ttl:
            return existing
        # Expired, or left unfinished by an older version: forget it and claim afresh.
        session.delete(existing)
        session.flush()
    raise RuntimeError("could not claim an idempotency key")  # pragma: no cover


def store(row: IdempotencyKey, status_code: int, body: bytes, headers: dict[str, str]) -> None:
    row.status_code = status_code
    row.response_body = body
    row.response_headers = headers


def purge(session: Session, ttl: timedelta, now=None) -> int:
    """Delete every user's keys older than `ttl`; returns how many."""
    cutoff = (now or utcnow()) - ttl
    return session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount
