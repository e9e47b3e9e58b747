"""Sellers (shops): who may add, change, list and delete them."""
from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.db import flush
from shared.errors import Conflict, Forbidden
from shared.models import Order, Role, Seller, SellerCategory, User
from shared.phones import normalise_phone
from shared.services.access import get_for, scoped
from shared.services.pagination import Page, keyset_page


def list_sellers(session: Session, user: User, *, limit: int, cursor: str | None) -> Page[Seller]:
    stmt = scoped(sa.select(Seller), Seller, user)
    return keyset_page(session, stmt, Seller, limit=limit, cursor=cursor)


def create_seller(session: Session, user: User, data: Mapping, *, phone_region: str) -> Seller:
    """A seller user owns the shops it creates; a coordinator manages the client shops it creates.

    `data`: name, whatsapp_phone, category, area.

    :raise Forbidden: a promoter (promoters work on jobs, not shops).
    :raise Invalid: the WhatsApp phone is not a phone number.
    """
    if user.role not in (Role.seller, Role.coordinator, Role.admin):
        raise Forbidden(_l("Only sellers, coordinators and admins can add a shop."))
    seller = Seller(
        name=data["name"],
        whatsapp_phone=normalise_phone(data.get("whatsapp_phone"), phone_region, field="whatsapp_phone"),
        category=data.get("category", SellerCategory.other),
        area=data.get("area") or "",
        owner_id=user.id if user.role == Role.seller else None,
        coordinator_id=user.id if user.role == Role.coordinator else None,
    )
    session.add(seller)
    flush(session)
    return seller


def get_seller(session: Session, user: User, seller_id: str, *, for_update: bool = False) -> Seller:
    """:raise NotFound: no such shop among those the user works for."""
    return get_for(session, user, Seller, seller_id, for_update=for_update)


def update_seller(session: Session, seller: Seller, changes: Mapping, *, phone_region: str) -> Seller:
    """Change name, whatsapp_phone, category and/or area (only those present in `changes`).

    :raise Invalid: the WhatsApp phone is not a phone number.
    :raise Stale: the shop changed since it was read.
    """
    if "name" in changes:
        seller.name = changes["name"]
    if "whatsapp_phone" in changes:
        seller.whatsapp_phone = normalise_phone(changes["whatsapp_phone"], phone_region,
                                                field="whatsapp_phone")
    if "category" in changes:
        seller.category = changes["category"]
    if "area" in changes:
        seller.area = changes["area"]
    flush(session)
    return seller


def delete_seller(session: Session, seller: Seller) -> None:
    """Delete a shop with its catalogue and customers.

    :raise Conflict: the shop has orders: its books (orders, payments, market runs) must stay.
    """
    orders = session.scalar(sa.select(sa.func.count()).where(Order.seller_id == seller.id))
    if orders:
        raise Conflict(_l("%(name)s has %(orders)s order(s) on its books; a shop with orders "
                          "cannot be deleted.", name=seller.name, orders=orders), code="in-use", orders=orders)
    session.delete(seller)
    flush(session)
