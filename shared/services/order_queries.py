"""Grouped queries over order lines that market runs and reports share."""
import sqlalchemy as sa

from shared.models import Order, OrderLine, Product
from shared.models.base import Money
from shared.services.order_status import COUNTED


def product_totals(*keys: sa.ColumnElement) -> sa.Select:
    """Lines of counted orders summed per product: `product_id`, `name`, `quantity`, `amount`.

    `amount` is what the customers pay (unit price at their order x quantity). A
    product still in the catalogue is named as it is now; one since deleted
    (product_id NULL) keeps the name its orders were placed with, and deleted
    products of different names stay apart. `keys` (e.g. Order.currency) lead the
    select list and the GROUP BY. Callers add their WHERE on Order (and any join).
    """
    deleted_key = sa.case((OrderLine.product_id.is_(None), OrderLine.product_name))
    return (
        sa.select(
            *keys,
            OrderLine.product_id.label("product_id"),
            sa.func.coalesce(Product.name, sa.func.max(OrderLine.product_name)).label("name"),
            sa.func.sum(OrderLine.quantity).label("quantity"),
            sa.type_coerce(sa.func.sum(OrderLine.unit_price * OrderLine.quantity), Money).label("amount"),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(Product, Product.id == OrderLine.product_id)
        .where(COUNTED)
        .group_by(*keys, OrderLine.product_id, Product.name, deleted_key)
    )
