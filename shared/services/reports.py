"""Sales reports: what the shops the user works for sold, collected, gave back and spent at
the market, per currency, over local days.

Rules:
- Sales: an order counts on the local day it was placed (`created_at` in the app's time
  zone); cancelled orders never count; `revenue` sums the totals of the counted orders
  (after returns), `delivered_revenue` those of them delivered; `top_products` ranks
  what customers kept (net of returns).
- Cash: `collected` is the money received in the period (by payment date), whatever
  order it was for, in the currency it was handed over in, less payments recorded by
  mistake and corrected in the period; `refunded` the money given back in the period.
  Credit moved between a customer's orders is no cash and is in neither.
- `returned`: the value of goods given back in the period (by return date).
- Market runs: the runs whose run_date is in the period: per currency, how many had
  orders or costs in it, their recorded `market_cost`, and `market_margin` summed over
  the runs whose cost in that currency is recorded (null when none is).
Amounts are never summed across currencies: each currency is its own row.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.dates import day_range_utc
from shared.errors import Invalid
from shared.models import (
    MarketRun, Order, OrderReturn, OrderStatus, Payment, PaymentMethod, RefundReason, Seller, User,
)
from shared.models.base import Money
from shared.money import ZERO
from shared.services.access import get_for, scoped
from shared.services.market_runs import with_figures as runs_with_figures
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
    orders: int = 0
    revenue: Decimal = ZERO
    delivered_revenue: Decimal = ZERO
    collected: Decimal = ZERO
    refunded: Decimal = ZERO
    returned: Decimal = ZERO
    market_runs: int = 0
    market_cost: Decimal | None = None
    market_margin: Decimal | None = None
    top_products: list[TopProduct] = field(default_factory=list)


@dataclass
class SalesReport:
    start: date | None
    end: date | None
    currencies: list[CurrencySales]


def _between(column, lower, upper) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if lower is not None:
        conditions.append(column >= lower)
    if upper is not None:
        conditions.append(column < upper)
    return conditions


def _shop(model, seller_id: str | None) -> list[sa.ColumnElement[bool]]:
    """`model`'s rows of one shop (payments and returns through their order)."""
    if not seller_id:
        return []
    if model in (Payment, OrderReturn):
        return [model.order_id.in_(sa.select(Order.id).where(Order.seller_id == seller_id))]
    return [model.seller_id == seller_id]


def _sales(session, user, rows: dict, seller_id, lower, upper) -> None:
    counted = sa.and_(COUNTED, *_shop(Order, seller_id), *_between(Order.created_at, lower, upper))
    is_delivered = Order.status == OrderStatus.delivered
    totals = session.execute(scoped(
        sa.select(
            Order.currency,
            sa.func.count(Order.id),
            sa.func.sum(Order.total),
            sa.type_coerce(sa.func.sum(sa.case((is_delivered, Order.total), else_=sa.null())), Money),
        ).where(counted).group_by(Order.currency),
        Order, user,
    )).all()
    for currency, count, total, delivered in totals:
        row = rows[currency]
        row.orders, row.revenue, row.delivered_revenue = count, total or ZERO, delivered or ZERO

    per_product = scoped(product_totals(Order.currency, kept=True).where(counted), Order, user).subquery()
    ranked = sa.select(
        per_product,
        sa.func.row_number().over(
            partition_by=per_product.c.currency,
            order_by=(per_product.c.quantity.desc(), per_product.c.amount.desc(),
                      per_product.c.name, per_product.c.product_id),
        ).label("rank"),
    ).where(per_product.c.quantity > 0).subquery()
    top_rows = session.execute(
        sa.select(ranked.c.currency, ranked.c.product_id, ranked.c.name, ranked.c.quantity,
                  sa.type_coerce(ranked.c.amount, Money))
        .where(ranked.c.rank <= TOP_PRODUCTS)
        .order_by(ranked.c.currency, ranked.c.rank)
    ).all()
    for currency, product_id, product_name, qty, amount in top_rows:
        rows[currency].top_products.append(TopProduct(product_id, product_name, int(qty), amount))


def _cash(session, user, rows: dict, seller_id, lower, upper) -> None:
    cash = sa.and_(Payment.method != PaymentMethod.credit, *_shop(Payment, seller_id),
                   *_between(Payment.paid_at, lower, upper))
    is_correction = Payment.reason == RefundReason.correction
    collected = sa.case((Payment.amount > 0, Payment.amount), (is_correction, Payment.amount), else_=0)
    refunded = sa.case((sa.and_(Payment.amount < 0, ~is_correction), -Payment.amount), else_=0)
    for currency, got, gave in session.execute(scoped(
        sa.select(Payment.currency, sa.type_coerce(sa.func.sum(collected), Money),
                  sa.type_coerce(sa.func.sum(refunded), Money))
        .where(cash).group_by(Payment.currency),
        Payment, user,
    )):
        rows[currency].collected, rows[currency].refunded = got or ZERO, gave or ZERO


def _returns(session, user, rows: dict, seller_id, lower, upper) -> None:
    for currency, amount in session.execute(scoped(
        sa.select(OrderReturn.currency, sa.type_coerce(sa.func.sum(OrderReturn.amount), Money))
        .where(*_shop(OrderReturn, seller_id), *_between(OrderReturn.returned_at, lower, upper))
        .group_by(OrderReturn.currency),
        OrderReturn, user,
    )):
        rows[currency].returned = amount or ZERO


def _market(session, user, rows: dict, seller_id, start, end) -> None:
    stmt = scoped(sa.select(MarketRun), MarketRun, user, session).where(*_shop(MarketRun, seller_id))
    if start:
        stmt = stmt.where(MarketRun.run_date >= start)
    if end:
        stmt = stmt.where(MarketRun.run_date <= end)
    for run in runs_with_figures(session, list(session.scalars(stmt))):
        for figures in run.figures.currencies:
            row = rows[figures.currency]
            row.market_runs += 1
            if figures.cost is not None:
                row.market_cost = (row.market_cost or ZERO) + figures.cost
                row.market_margin = (row.market_margin or ZERO) + figures.margin


def sales_report(session: Session, user: User, *, start: date | None, end: date | None,
                 seller_id: str | None, tz_name: str) -> SalesReport:
    """From `start` to `end` (local days, both included, either open): see the module's rules.

    :raise Invalid: `start` is after `end`.
    :raise NotFound: `seller_id` names a shop the user does not work for.
    """
    if start and end and start > end:
        raise Invalid("to", _l("%(end)s is before from (%(start)s): swap them",
                               end=end.isoformat(), start=start.isoformat()))
    if seller_id:
        get_for(session, user, Seller, seller_id)
    lower, upper = day_range_utc(start, end, tz_name)
    rows: dict[str, CurrencySales] = defaultdict(lambda: CurrencySales(""))
    _sales(session, user, rows, seller_id, lower, upper)
    _cash(session, user, rows, seller_id, lower, upper)
    _returns(session, user, rows, seller_id, lower, upper)
    _market(session, user, rows, seller_id, start, end)
    for currency, row in rows.items():
        row.currency = currency
    return SalesReport(start=start, end=end, currencies=[rows[c] for c in sorted(rows)])
