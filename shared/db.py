"""The unit of work: services flush, the face commits once per request (`commit`).

Optimistic-lock failures (a versioned row changed since it was read) surface here as
the domain's `Stale` error, never as SQLAlchemy's StaleDataError.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shared.errors import Stale

CHANGED_MEANWHILE = _l("Someone else changed this at the same moment. Reload it and try again.")


def flush(session: Session) -> None:
    """Write pending changes now, inside the transaction, so a service sees the outcome.

    :raise Stale: a versioned row was changed by another transaction since it was read.
    """
    try:
        session.flush()
    except StaleDataError:
        raise Stale(CHANGED_MEANWHILE) from None  # the face rolls the request back


def commit(session: Session) -> None:
    """End the request's transaction: the only place a request commits.

    :raise Stale: as `flush`.
    """
    flush(session)
    session.commit()
