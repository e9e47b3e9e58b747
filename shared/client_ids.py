"""Ids a client chooses for the rows it creates (a ULID), so rows made offline can name each other.

Every create accepts an optional `id`: 26 characters of Crockford's base 32, the first
0-7 (a ULID). The API's one mechanism (api.conventions) answers the same id with the
same request again with the first answer, from the `client_ids` table; and a service
takes the row's id with `chosen_id`, which refuses an id another row already has.
The two refusals are 409 problems: `id-taken` (another row, or another user's create,
has it) and `id-reused` (your earlier create with this id was a different request).
"""
import re
from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.errors import Conflict
from shared.models import ClientChosenId, new_id, utcnow

ULID = re.compile(r"^[0-7][0-9a-hjkmnp-tv-z]{25}$", re.IGNORECASE)
ULID_PATTERN = ULID.pattern.replace("a-hjkmnp-tv-z", "A-HJKMNP-TV-Za-hjkmnp-tv-z")


def is_ulid(value) -> bool:
    return isinstance(value, str) and bool(ULID.match(value))


def id_taken(row_id: str) -> Conflict:
    return Conflict(_l("The id %(id)r is already taken by another row: choose a new one.", id=row_id),
                    code="id-taken", id=row_id)


def id_reused(row_id: str) -> Conflict:
    return Conflict(_l("You created a row with the id %(id)r before, with another request. A "
                       "retry must send exactly the same request; a new row needs a new id.", id=row_id),
                    code="id-reused", id=row_id)


def chosen_id(session: Session, model: type, data: Mapping, key: str = "id") -> str:
    """The id of a new `model` row: the one the client chose in `data[key]`, or a new one.

    :raise Conflict: (`id-taken`) a row of this kind already has the chosen id.
    """
    row_id = data.get(key)
    if not row_id:
        return new_id()
    if session.scalar(sa.select(model.id).where(model.id == row_id)) is not None:
        raise id_taken(row_id)
    return row_id


def chosen_in(body) -> str | None:
    """The id a create's JSON body chose (lowercase), if it chose a well-formed one."""
    if isinstance(body, Mapping) and is_ulid(body.get("id")):
        return body["id"].lower()
    return None


def claim(session: Session, user_id: str, row_id: str, fingerprint: str) -> ClientChosenId:
    """The stored create for this id (an earlier one's, maybe another user's), or a new claim.

    Like an Idempotency-Key's claim (shared.idempotency): a concurrent create of the same
    id waits on the id's primary key until the first ends, then sees its answer.
    """
    for _attempt in range(3):
        existing = session.scalars(sa.select(ClientChosenId).where(ClientChosenId.id == row_id)
                                   .execution_options(populate_existing=True)).one_or_none()
        if existing is not None and existing.status_code is not None:
            return existing
        if existing is not None:  # left unfinished: forget it
            session.delete(existing)
        row = ClientChosenId(id=row_id, user_id=user_id, fingerprint=fingerprint, created_at=utcnow())
        session.add(row)
        try:
            session.flush()
            return row
        except IntegrityError:  # the same id, claimed by a request that has now committed
            session.rollback()
    raise RuntimeError("could not claim a client-chosen id")  # pragma: no cover


def store(row: ClientChosenId, status_code: int, body: bytes, headers: dict[str, str]) -> None:
    row.status_code = status_code
    row.response_body = body
    row.response_headers = headers
