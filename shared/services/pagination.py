"""Keyset (cursor) pages, newest first: no OFFSET, no COUNT, stable while rows are added."""
import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Generic, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.errors import Invalid

T = TypeVar("T")
MAX_LIMIT = 100


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(created_at: datetime, obj_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), obj_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _short_int(text: str) -> int:
    if len(text) > 20:
        raise ValueError("not a cursor's number")
    return int(text)


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, obj_id = json.loads(raw, parse_int=_short_int)
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError("cursor time without a zone")
        if not (isinstance(obj_id, str) and obj_id.isascii() and obj_id.isalnum() and len(obj_id) <= 64):
            raise ValueError("not an id")  # an id holding \u0000 would reach the database
        return moment.astimezone(timezone.utc), obj_id
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, OverflowError, RecursionError) as exc:
        raise Invalid("cursor", _l("is not a cursor this API gave out; start again without it")) from exc


def keyset_page(session: Session, stmt: sa.Select, model, *, limit: int, cursor: str | None) -> Page:
    """One page of `stmt` ordered by (created_at, id) descending, after `cursor` if given."""
    if cursor:
        stamp, last_id = decode_cursor(cursor)
        # A row value, not `created_at < t OR (created_at = t AND id < x)`: the database
        # then seeks the (…, created_at, id) index to the cursor instead of filtering every
        # newer row, so a page deep in a million orders costs what the first one does.
        stmt = stmt.where(sa.tuple_(model.created_at, model.id) < sa.tuple_(
            sa.bindparam(None, stamp, type_=model.created_at.type),
            sa.bindparam(None, last_id, type_=model.id.type)))
    stmt = stmt.order_by(model.created_at.desc(), model.id.desc()).limit(limit + 1)
    rows = list(session.scalars(stmt).unique())
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].created_at, rows[-1].id))
