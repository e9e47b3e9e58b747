"""Who may see what: every lookup of a tenant's row goes through here.

Like flaskr's get_post(id, check_author=True): the lookup and the permission check
are one call, and a row the principal may not see is NotFound, never Forbidden, so
ids of other tenants leak nothing.
"""
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.errors import Forbidden, NotFound
from shared.models import Role, Seller, User

T = TypeVar("T")

# What a person calls each kind of row in a "not found" message.
_NOUNS = {"Seller": _l("seller"), "Product": _l("product"), "MarketRun": _l("market run"),
          "Order": _l("order"), "Customer": _l("customer")}


def seller_visibility(user: User) -> sa.ColumnElement[bool]:
    """The sellers a user works for: admin all; a seller user its own; a coordinator its clients."""
    if user.role == Role.admin:
        return sa.true()
    if user.role == Role.seller:
        return Seller.owner_id == user.id
    if user.role == Role.coordinator:
        return Seller.coordinator_id == user.id
    return sa.false()


def visible_seller_ids(user: User) -> sa.Select:
    return sa.select(Seller.id).where(seller_visibility(user))


def scoped(stmt: sa.Select, model: type, user: User, session: Session | None = None) -> sa.Select:
    """Restrict a select over `model` to the rows of sellers the user works for.

    Lists pass `session`: the user's shops are then read first (one small query) and
    the filter becomes `seller_id = :id` for a one-shop user, so the database walks the
    (seller_id, created_at, id) index in page order instead of sorting every row of
    the shop, as it must for `seller_id IN (SELECT ...)`.
    """
    if model is Seller:
        return stmt.where(seller_visibility(user))
    if user.role == Role.admin:
        return stmt
    if session is None:
        return stmt.where(model.seller_id.in_(visible_seller_ids(user)))
    ids = session.scalars(visible_seller_ids(user)).all()
    if len(ids) == 1:
        return stmt.where(model.seller_id == ids[0])
    return stmt.where(model.seller_id.in_(ids)) if ids else stmt.where(sa.false())


def get_for(session: Session, user: User, model: type[T], obj_id: str, *, options=()) -> T:
    """Load one row the user may see, or raise NotFound.

    :raise NotFound: no such row, or it belongs to a tenant the user does not work for.
    """
    stmt = scoped(sa.select(model).where(model.id == obj_id), model, user).options(*options)
    obj = session.scalars(stmt).one_or_none()
    if obj is None:
        noun = _NOUNS.get(model.__name__, model.__name__.lower())
        raise NotFound(_l("No %(noun)s with id %(id)r in your account.", noun=noun, id=obj_id))
    return obj


def seller_for_write(session: Session, user: User, seller_id: str | None) -> Seller:
    """The shop a new row goes into: the one named, or the user's only shop when none is named.

    :raise NotFound: the named seller is not one the user works for.
    :raise Invalid: none named and the user works for several shops (or none).
    """
    from shared.errors import Invalid

    if seller_id:
        return get_for(session, user, Seller, seller_id)
    if user.role == Role.promoter:
        raise Forbidden(_l("Promoters cannot change a shop's catalogue or orders."))
    ids = session.scalars(visible_seller_ids(user).limit(2)).all()
    if len(ids) == 1:
        return session.get(Seller, ids[0])
    if not ids:
        raise Invalid("seller_id", _l("you have no shop yet: create a seller first"))
    raise Invalid("seller_id", _l("required: you work for several shops, say which one"))
