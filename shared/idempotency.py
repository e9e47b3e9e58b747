"""Idempotency-Key storage: the first successful answer to a keyed request, replayed to retries.

The key is claimed inside the request's own transaction and its answer is stored in
that same transaction, just before the one commit: a crash leaves both the change and
its answer, or neither (and then a retry runs afresh). A concurrent request with the
same key waits on the key's unique index until the first one ends, then replays it.
A request that fails stores nothing: it changed nothing, so its retry may run.
"""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.models import IdempotencyKey, utcnow

MAX_KEY_LENGTH = 255


def claim(session: Session, user_id: str, key: str, fingerprint: str,
          ttl: timedelta) -> IdempotencyKey:
    """The stored row for (user, key): a finished earlier request's, or a new claim.

    A new claim has `status_code` None: the caller runs the request and `store`s its
    answer before committing. The user's expired keys are forgotten on the way, so the
    table stays small with no cron job.
    """
    now = utcnow()
    session.execute(sa.delete(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.created_at < now - ttl))
    for _attempt in range(3):
        existing = session.scalar(sa.select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
        if existing is not None and existing.status_code is not None:
            return existing
        if existing is not None:  # left unfinished by an older version: forget it
            session.delete(existing)
        row = IdempotencyKey(user_id=user_id, key=key, fingerprint=fingerprint, created_at=now)
        session.add(row)
        try:
            session.flush()
            return row
        except IntegrityError:  # the same key, claimed by a request that has now committed
            session.rollback()
    raise RuntimeError("could not claim an idempotency key")  # pragma: no cover


def store(row: IdempotencyKey, status_code: int, body: bytes, headers: dict[str, str]) -> None:
    row.status_code = status_code
    row.response_body = body
    row.response_headers = headers


def purge(session: Session, ttl: timedelta, now=None) -> int:
    """Delete every user's keys older than `ttl`; returns how many."""
    cutoff = (now or utcnow()) - ttl
    return session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount
