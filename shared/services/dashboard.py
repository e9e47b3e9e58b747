"""What the dashboard shows at a glance: this week's confirmed orders and the next market run.

Read only, always scoped to the shops the person works for. "This week" is the local
week (the zone TIMEZONE, starting on WEEK_STARTS_ON) holding `today`.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.dates import day_range_utc, week_of
from shared.models import MarketRun, MarketRunStatus, Order, OrderStatus, User
from shared.models.base import Money
from shared.services import market_runs, orders
from shared.services.access import scoped


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    count: int
    total: Decimal


@dataclass(frozen=True)
class Week:
    start: date
    end: date
    orders: list[Order]  # the newest confirmed orders placed this week (at most `shown`)
    more: bool  # more confirmed orders than those
    totals: list[CurrencyTotal]  # all of this week's confirmed orders, per currency
    next_run: "market_runs.RunWithFigures | None"  # the earliest run still planned


def this_week(session: Session, user: User, *, today: date, first_weekday: int, tz_name: str,
              shown: int = 10) -> Week:
    """Orders placed this week that are confirmed (waiting for the market), and the
    earliest planned market run, even one whose day has passed (not yet marked bought)."""
    start, end = week_of(today, first_weekday)
    page = orders.list_orders(
        session, user, orders.OrderFilter(status=OrderStatus.confirmed, date_from=start, date_to=end),
        tz_name=tz_name, limit=shown, cursor=None,
    )
    lower, upper = day_range_utc(start, end, tz_name)
    rows = session.execute(scoped(
        sa.select(Order.currency, sa.func.count(Order.id),
                  sa.type_coerce(sa.func.sum(Order.total), Money()))
        .where(Order.status == OrderStatus.confirmed, Order.created_at >= lower, Order.created_at < upper)
        .group_by(Order.currency).order_by(Order.currency),
        Order, user, session,
    )).all()
    run = session.scalars(scoped(
        sa.select(MarketRun).where(MarketRun.status == MarketRunStatus.planned)
        .order_by(MarketRun.run_date, MarketRun.created_at).limit(1),
        MarketRun, user, session,
    )).first()
    return Week(start=start, end=end, orders=page.items, more=page.next_cursor is not None,
                totals=[CurrencyTotal(currency, count, total) for currency, count, total in rows],
                next_run=market_runs.with_figures(session, [run])[0] if run else None)
