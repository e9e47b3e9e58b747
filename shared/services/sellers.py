"""Sellers (shops): who may add, change, list and delete them."""
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.client_ids import chosen_id
from shared.db import flush
from shared.errors import Conflict, Forbidden
from shared.models import (
    ClientPayment, Customer, MarketRun, Order, Product, PromotionJob, Role, Seller, SellerCategory, SocialPage,
    User,
)
from shared.phones import normalise_phone
from shared.services.access import get_for, scoped
from shared.services.customers import search_key_pattern
from shared.services.pagination import Page, keyset_page


@dataclass
class SellerFilter:
    q: str | None = None


def list_sellers(session: Session, user: User, filters: SellerFilter | None = None, *,
                 limit: int, cursor: str | None) -> Page[Seller]:
    """Newest first. `q` finds a shop by name or area (Arabic spelling variants match:
    "احمد" finds "أحمد") or by WhatsApp number, typed any common way ("0944 111")."""
    stmt = scoped(sa.select(Seller), Seller, user)
    if filters and (pattern := search_key_pattern(filters.q)):
        stmt = stmt.where(Seller.search_key.like(pattern, escape="\\"))
    return keyset_page(session, stmt, Seller, limit=limit, cursor=cursor)


def normalised(data: Mapping, *, phone_region: str) -> dict:
    """The fields of `data` a shop keeps, as it keeps them (the WhatsApp phone in E.164,
    read in `data`'s phone_region when it names one, else in `phone_region`).

    create_seller and update_seller store what this returns; a form checking one field
    as it is typed asks it too, so the person sees the same message before saving.

    :raise Invalid: the WhatsApp phone is not a phone number.
    """
    fields = {name: data[name] for name in ("name", "category", "area", "phone_region") if name in data}
    if "whatsapp_phone" in data:
        fields["whatsapp_phone"] = normalise_phone(data["whatsapp_phone"],
                                                   data.get("phone_region") or phone_region,
                                                   field="whatsapp_phone")
    return fields


def create_seller(session: Session, user: User, data: Mapping, *, phone_region: str) -> Seller:
    """A seller user owns the shops it creates; a coordinator manages the client shops it creates.

    `data`: id (optional, the client's choice), name, whatsapp_phone, category, area,
    phone_region (the country local phone numbers are read in; `phone_region`, the
    server's default, when left out).

    :raise Forbidden: a promoter (promoters work on jobs, not shops).
    :raise Invalid: the WhatsApp phone is not a phone number.
    """
    if user.role not in (Role.seller, Role.coordinator, Role.admin):
        raise Forbidden(_l("Only sellers, coordinators and admins can add a shop."))
    fields = normalised(data, phone_region=phone_region)
    seller = Seller(
        id=chosen_id(session, Seller, data),
        name=fields["name"], phone_region=fields.get("phone_region") or phone_region,
        whatsapp_phone=fields.get("whatsapp_phone"),
        category=fields.get("category", SellerCategory.other),
        area=fields.get("area") or "",
        owner_id=user.id if user.role == Role.seller else None,
        coordinator_id=user.id if user.role == Role.coordinator else None,
    )
    session.add(seller)
    flush(session)
    return seller


def get_seller(session: Session, user: User, seller_id: str, *, for_update: bool = False) -> Seller:
    """:raise NotFound: no such shop among those the user works for."""
    return get_for(session, user, Seller, seller_id, for_update=for_update)


def update_seller(session: Session, seller: Seller, changes: Mapping, *,
                  phone_region: str | None = None) -> Seller:
    """Change name, whatsapp_phone, category, area and/or phone_region (only those present
    in `changes`). A WhatsApp phone without a country code is read in the shop's country,
    the new one when phone_region changes too; numbers already stored stay as they are.
    The `phone_region` argument is unused (as in customers.create_customer).

    :raise Invalid: the WhatsApp phone is not a phone number.
    :raise Stale: the shop changed since it was read.
    """
    changes = normalised(changes, phone_region=seller.phone_region)
    if "name" in changes:
        seller.name = changes["name"]
    if "phone_region" in changes:
        seller.phone_region = changes["phone_region"]
    if "whatsapp_phone" in changes:
        seller.whatsapp_phone = changes["whatsapp_phone"]
    if "category" in changes:
        seller.category = changes["category"]
    if "area" in changes:
        seller.area = changes["area"]
    flush(session)
    return seller


def delete_seller(session: Session, seller: Seller) -> None:
    """Delete a shop with its catalogue and customers.

    :raise Conflict: the shop has orders, promotion jobs or client payments: its books must stay.
    """
    orders = session.scalar(sa.select(sa.func.count()).where(Order.seller_id == seller.id))
    if orders:
        raise Conflict(_l("%(name)s has %(orders)s order(s) on its books; a shop with orders "
                          "cannot be deleted.", name=seller.name, orders=orders), code="in-use", orders=orders)
    jobs = session.scalar(sa.select(sa.func.count()).where(PromotionJob.seller_id == seller.id))
    paid = session.scalar(sa.select(sa.func.count()).where(ClientPayment.seller_id == seller.id))
    if jobs or paid:
        raise Conflict(_l("%(name)s has promotion jobs or client payments on its books; it cannot "
                          "be deleted.", name=seller.name), code="in-use", jobs=jobs, client_payments=paid)
    # Through the ORM, not the database's cascade, so the change log (and phones syncing it)
    # sees each row go.
    for model in (MarketRun, Customer, Product, SocialPage):
        for row in session.scalars(sa.select(model).where(model.seller_id == seller.id)):
            session.delete(row)
    session.delete(seller)
    flush(session)
