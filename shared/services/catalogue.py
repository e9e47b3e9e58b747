"""Sellers and their products: who may create, change and list them."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.errors import Conflict, Forbidden
from shared.models import MarketRunCost, Order, OrderLine, Product, Role, Seller, User
from shared.phones import normalise_phone
from shared.services.access import get_for, scoped, seller_for_write
from shared.services.pagination import Page, keyset_page
from shared.text import fold, like_pattern


def _apply(obj, changes: dict) -> None:
    for field, value in changes.items():
        setattr(obj, field, value)


# --- sellers -----------------------------------------------------------------------


def list_sellers(session: Session, user: User, *, limit: int, cursor: str | None) -> Page[Seller]:
    stmt = scoped(sa.select(Seller), Seller, user)
    return keyset_page(session, stmt, Seller, limit=limit, cursor=cursor)


def _normalised(data: dict, phone_region: str) -> dict:
    if "whatsapp_phone" in data:
        data = {**data, "whatsapp_phone": normalise_phone(data["whatsapp_phone"], phone_region,
                                                          field="whatsapp_phone")}
    return data


def create_seller(session: Session, user: User, data: dict, *, phone_region: str) -> Seller:
    """A seller user owns the shops it creates; a coordinator manages the client shops it creates.

    :raise Invalid: the WhatsApp phone is not a phone number.
    """
    seller = Seller(**_normalised(data, phone_region))
    if user.role == Role.seller:
        seller.owner_id = user.id
    elif user.role == Role.coordinator:
        seller.coordinator_id = user.id
    elif user.role != Role.admin:
        raise Forbidden(_l("Only sellers, coordinators and admins can add a shop."))
    session.add(seller)
    session.commit()
    return seller


def get_seller(session: Session, user: User, seller_id: str) -> Seller:
    return get_for(session, user, Seller, seller_id)


def update_seller(session: Session, seller: Seller, changes: dict, *, phone_region: str) -> Seller:
    _apply(seller, _normalised(changes, phone_region))
    session.commit()
    return seller


def delete_seller(session: Session, seller: Seller) -> None:
    """Delete a shop with its catalogue and customers.

    :raise Conflict: the shop has orders: its books (orders, payments, market runs) must stay.
    """
    orders = session.scalar(sa.select(sa.func.count()).where(Order.seller_id == seller.id))
    if orders:
        raise Conflict(_l("%(name)s has %(orders)s order(s) on its books; a shop with orders "
                          "cannot be deleted.", name=seller.name, orders=orders), orders=orders)
    session.delete(seller)
    session.commit()


# --- products ----------------------------------------------------------------------


@dataclass
class ProductFilter:
    seller_id: str | None = None
    q: str | None = None
    available: bool | None = None


def list_products(
    session: Session, user: User, filters: ProductFilter, *, limit: int, cursor: str | None
) -> Page[Product]:
    stmt = scoped(sa.select(Product), Product, user, session)
    if filters.seller_id:
        stmt = stmt.where(Product.seller_id == filters.seller_id)
    if filters.available is not None:
        stmt = stmt.where(Product.available == filters.available)
    if filters.q and (key := fold(filters.q)):
        stmt = stmt.where(Product.search_key.like(like_pattern(key), escape="\\"))
    return keyset_page(session, stmt, Product, limit=limit, cursor=cursor)


def create_product(session: Session, user: User, data: dict) -> Product:
    data = dict(data)
    seller = seller_for_write(session, user, data.pop("seller_id", None))
    product = Product(seller=seller, **data)
    session.add(product)
    session.commit()
    return product


def get_product(session: Session, user: User, product_id: str) -> Product:
    return get_for(session, user, Product, product_id)


def update_product(session: Session, product: Product, changes: dict) -> Product:
    _apply(product, changes)
    session.commit()
    return product


def delete_product(session: Session, product: Product) -> None:
    """Delete a product nobody has ordered yet.

    :raise Conflict: it is on an order or a market run's costs; those keep pointing at it
        (shopping lists, reports), so it is hidden with `available: false` instead.
    """
    used = session.scalar(sa.select(
        sa.exists().where(OrderLine.product_id == product.id)
        | sa.exists().where(MarketRunCost.product_id == product.id)
    ))
    if used:
        raise Conflict(_l("%(name)s has been ordered, so it stays on the books. "
                          "Mark it unavailable instead (PATCH available=false).", name=product.name))
    session.delete(product)
    session.commit()
