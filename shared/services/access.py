"""Who may see what: every lookup of a tenant's row goes through here.

Like flaskr's get_post(id, check_author=True): the lookup and the permission check
are one call, and a row the principal may not see is NotFound, never Forbidden, so
ids of other tenants leak nothing. The rule itself comes from the model
(`Model.visible_to(user)`, see shared.models.base.Tenanted), so rows that are not
keyed by a shop fit the same two functions.
"""
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared import principals
from shared.errors import Forbidden, Invalid, NotFound
from shared.models import Role, Seller, User, shops_of

T = TypeVar("T")

# What a person calls each kind of row in a "not found" message.
_NOUNS = {"Seller": _l("seller"), "Product": _l("product"), "MarketRun": _l("market run"),
          "Order": _l("order"), "Customer": _l("customer"), "Payment": _l("payment"),
          "SocialPage": _l("page"), "PromotionJob": _l("promotion job"), "Team": _l("team"),
          "Contribution": _l("contribution"), "PayoutSet": _l("payout set"), "Payout": _l("payout"),
          "Contest": _l("contest"), "ClientPayment": _l("client payment")}


def shop_ids_of(session: Session, user: User) -> list[str] | None:
    """The ids of the shops the user works for; None for an admin (every shop).

    Remembered by the worker for a few seconds (shared.principals: a dashboard scopes seven
    lists by them), and not used while a shop is added, changed or deleted but not yet
    flushed (the query's autoflush then sees it).
    """
    if user.role == Role.admin:
        return None
    if any(isinstance(row, Seller) for row in (*session.new, *session.dirty, *session.deleted)):
        # A shop added, changed or deleted but not yet flushed: read through it.
        return list(session.scalars(sa.select(Seller.id).where(shops_of(user))))
    return principals.shop_ids_of(session, user)


def scoped(stmt: sa.Select, model: type, user: User, session: Session | None = None) -> sa.Select:
    """Restrict a select over `model` to the rows the user may see.

    Lists pass `session`: the user's shops are then read first (one small query), so a
    one-shop user's filter becomes `seller_id = :id` and the database walks the
    (seller_id, created_at, id) index in page order instead of sorting every row of
    the shop, as it must for `seller_id IN (SELECT ...)`.
    """
    shop_ids = shop_ids_of(session, user) if session is not None and model is not Seller else None
    return stmt.where(model.visible_to(user, shop_ids))


def get_for(session: Session, user: User, model: type[T], obj_id: str, *, options=(),
            for_update: bool = False) -> T:
    """Load one row the user may see, or raise NotFound.

    `for_update` locks the row (PostgreSQL) and reads it fresh: for a write that must
    see the row as it is now, not as an earlier read in this request saw it.

    :raise NotFound: no such row, or one the user may not see.
    """
    shop_ids = principals.known_shop_ids(user) if model is not Seller else None
    if options or for_update:
        stmt = (sa.select(model).where(model.id == obj_id, model.visible_to(user, shop_ids))
                .options(*options))
        if for_update:
            stmt = stmt.with_for_update(of=model).execution_options(populate_existing=True)
        obj = session.scalars(stmt).unique().one_or_none()  # unique(): options may join a collection
    else:
        stmt, params = _by_id(model, user, shop_ids, obj_id)
        obj = session.scalars(stmt, params).one_or_none()
    if obj is None:
        noun = _NOUNS.get(model.__name__, model.__name__.lower())
        raise NotFound(_l("No %(noun)s with id %(id)r in your account.", noun=noun, id=obj_id))
    return obj


@dataclass(frozen=True)
class _Someone:
    """A user as `visible_to` reads one: the role, which picks the rule's shape, and the
    id as a bound parameter, so one statement serves every user of that role."""

    role: Role
    id: sa.BindParameter = sa.bindparam("_user_id")


_BY_ID: dict[tuple, sa.Select] = {}  # (model, role, shops known?) -> the statement, built once


def _by_id(model: type, user: User, shop_ids: list[str] | None, obj_id: str) -> tuple[sa.Select, dict]:
    """`SELECT model WHERE id = :id AND <visible to user>`, built once per model and kind of
    user and bound per request (building the expression was ~15% of a lookup's CPU)."""
    params = {"_id": obj_id, "_user_id": user.id}
    one_shop = shop_ids is not None and len(shop_ids) == 1
    if shop_ids is not None and not one_shop:  # several shops: a list literal, not cached
        return sa.select(model).where(model.id == obj_id, model.visible_to(user, shop_ids)), {}
    key = (model, user.role, one_shop)
    stmt = _BY_ID.get(key)
    if stmt is None:
        shops = [sa.bindparam("_shop")] if one_shop else None
        stmt = sa.select(model).where(model.id == sa.bindparam("_id"),
                                      model.visible_to(_Someone(user.role), shops))
        _BY_ID[key] = stmt
    if one_shop:
        params["_shop"] = shop_ids[0]
    return stmt, params


def seller_for_write(session: Session, user: User, seller_id: str | None) -> Seller:
    """The shop a new row goes into: the one named, or the user's only shop when none is named.

    :raise NotFound: the named seller is not one the user works for.
    :raise Forbidden: promoters change no shop's catalogue or orders.
    :raise Invalid: none named and the user works for several shops (or none).
    """
    if seller_id:
        return get_for(session, user, Seller, seller_id)
    if user.role == Role.promoter:
        raise Forbidden(_l("Promoters cannot change a shop's catalogue or orders."))
    ids = shop_ids_of(session, user)  # remembered a few seconds (shared/principals.py)
    if ids is None:  # an admin works for every shop
        ids = session.scalars(sa.select(Seller.id).where(shops_of(user)).limit(2)).all()
    if len(ids) == 1:
        return session.get(Seller, ids[0])
    if not ids:
        raise Invalid("seller_id", _l("you have no shop yet: create a seller first"))
    raise Invalid("seller_id", _l("required: you work for several shops, say which one"))
