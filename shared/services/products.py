"""Products: a shop's catalogue, searchable in Arabic and Latin letters."""
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.client_ids import chosen_id
from shared.db import flush
from shared.errors import Conflict
from shared.models import MarketRunCost, OrderLine, Product, User
from shared.services.access import get_for, scoped, seller_for_write
from shared.services.pagination import Page, keyset_page
from shared.text import fold, like_pattern


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


def create_product(session: Session, user: User, data: Mapping) -> Product:
    """`data`: id (optional, the client's choice), seller_id (optional with one shop), name,
    description, price, currency, available, photo_url.

    :raise NotFound: the named shop is not one the user works for.
    :raise Invalid: no shop named and the user works for several.
    """
    seller = seller_for_write(session, user, data.get("seller_id"))
    product = Product(
        id=chosen_id(session, Product, data), seller=seller, name=data["name"], description=data.get("description") or "",
        price=data["price"], currency=data["currency"], available=data.get("available", True),
        photo_url=data.get("photo_url"),
    )
    session.add(product)
    flush(session)
    return product


def get_product(session: Session, user: User, product_id: str, *, for_update: bool = False) -> Product:
    """:raise NotFound: no such product in the shops the user works for."""
    return get_for(session, user, Product, product_id, for_update=for_update)


def update_product(session: Session, product: Product, changes: Mapping) -> Product:
    """Change name, description, price, currency, available and/or photo_url.

    Orders already placed keep the price they were placed at.

    :raise Stale: the product changed since it was read.
    """
    if "name" in changes:
        product.name = changes["name"]
    if "description" in changes:
        product.description = changes["description"]
    if "price" in changes:
        product.price = changes["price"]
    if "currency" in changes:
        product.currency = changes["currency"]
    if "available" in changes:
        product.available = changes["available"]
    if "photo_url" in changes:
        product.photo_url = changes["photo_url"]
    flush(session)
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
                          "Mark it unavailable instead.", name=product.name), code="in-use")
    session.delete(product)
    flush(session)
