"""Sales reports: what the shops the user works for sold, per currency, over local days.

Rules: an order counts on the local day it was placed (`created_at` in the app's
time zone); cancelled orders never count; `revenue` sums the totals of the counted
orders, `delivered_revenue` those of them delivered, `collected` their `amount_paid`.
Amounts are never summed across currencies: each currency is its own row.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.dates import day_range_utc
from shared.errors import Invalid
from shared.models import Order, OrderStatus, Seller, User
from shared.models.base import Money
from shared.money import ZERO
from shared.services.access import get_for, scoped
from shared.services.orders import product_totals
from shared.services.order_status import COUNTED

TOP_PRODUCTS = 5


@dataclass
class TopProduct:
    product_id: str | None
    name: str
    quantity: int
    revenue: Decimal


@dataclass
class CurrencySales:
    currency: str
    orders: int
    revenue: Decimal
    delivered_revenue: Decimal
    collected: Decimal
    top_products: list[TopProduct] = field(default_factory=list)


@dataclass
class SalesReport:
    start: date | None
    end: date | None
    currencies: list[CurrencySales]


def _counted_orders(seller_id: str | None, lower, upper) -> sa.ColumnElement[bool]:
    """The WHERE clause of the orders a report counts."""
    conditions = [COUNTED]
    if seller_id:
        conditions.append(Order.seller_id == seller_id)
    if lower is not None:
        conditions.append(Order.created_at >= lower)
    if upper is not None:
        conditions.append(Order.created_at < upper)
    return sa.and_(*conditions)


def sales_report(session: Session, user: User, *, start: date | None, end: date | None,
                 seller_id: str | None, tz_name: str) -> SalesReport:
    """Orders placed from `start` to `end` (local days, both included, either open).

    :raise Invalid: `start` is after `end`.
    :raise NotFound: `seller_id` names a shop the user does not work for.
    """
    if start and end and start > end:
        raise Invalid("to", _l("%(end)s is before from (%(start)s): swap them",
                               end=end.isoformat(), start=start.isoformat()))
    if seller_id:
        get_for(session, user, Seller, seller_id)
    lower, upper = day_range_utc(start, end, tz_name)
    counted = _counted_orders(seller_id, lower, upper)

    is_delivered = Order.status == OrderStatus.delivered
    totals = session.execute(scoped(
        sa.select(
            Order.currency,
            sa.func.count(Order.id),
            sa.func.sum(Order.total),
            sa.type_coerce(sa.func.sum(sa.case((is_delivered, Order.total), else_=sa.null())), Money),
            sa.func.sum(Order.amount_paid),
        ).where(counted).group_by(Order.currency).order_by(Order.currency),
        Order, user,
    )).all()

    per_product = scoped(product_totals(Order.currency).where(counted), Order, user).subquery()
    ranked = sa.select(
        per_product,
        sa.func.row_number().over(
            partition_by=per_product.c.currency,
            order_by=(per_product.c.quantity.desc(), per_product.c.amount.desc(),
                      per_product.c.name, per_product.c.product_id),
        ).label("rank"),
    ).subquery()
    top_rows = session.execute(
        sa.select(ranked.c.currency, ranked.c.product_id, ranked.c.name, ranked.c.quantity,
                  sa.type_coerce(ranked.c.amount, Money))
        .where(ranked.c.rank <= TOP_PRODUCTS)
        .order_by(ranked.c.currency, ranked.c.rank)
    ).all()
    tops: dict[str, list[TopProduct]] = {}
    for currency, product_id, product_name, qty, amount in top_rows:
        tops.setdefault(currency, []).append(TopProduct(product_id, product_name, int(qty), amount))

    return SalesReport(start=start, end=end, currencies=[
        CurrencySales(currency=currency, orders=count, revenue=total or ZERO,
                      delivered_revenue=delivered or ZERO, collected=paid or ZERO,
                      top_products=tops.get(currency, []))
        for currency, count, total, delivered, paid in totals
    ])
