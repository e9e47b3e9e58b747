"""What the dashboard shows at a glance: this week's confirmed orders and the next market
run; for promotion work, the active jobs, the money per currency and the payouts owed.

Read only, always scoped to what the person may see. "This week" is the local week
(the zone TIMEZONE, starting on WEEK_STARTS_ON) holding `today`.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.dates import day_range_utc, week_of
from shared.models import (
    ClientPayment, JobStatus, MarketRun, MarketRunStatus, Order, OrderStatus, Payout, PayoutStatus,
    PromotionJob, Role, User,
)
from shared.models.base import Money
from shared.money import ZERO
from shared.services import market_runs, orders, promotions
from shared.services.access import scoped
from shared.services.promotion_status import BILLED


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


@dataclass(frozen=True)
class MoneyLine:
    """Promotion money in one currency (never summed across currencies).

    earned: what every job paid in money has earned (the figures of services/promotions:
    running for an active job, frozen for an ended one, a cancelled job's included);
    billed: of that, what the clients owe for active and completed jobs (BILLED, as
    their statements say); paid: what the clients paid (client payments);
    outstanding: billed - paid (negative when clients paid ahead).
    """

    currency: str
    earned: Decimal
    billed: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.billed - self.paid


@dataclass(frozen=True)
class Owed:
    """Payouts still pending for one member, in one currency."""

    user_id: str
    name: str
    currency: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class Promotions:
    active: list  # the newest active jobs (promotions.JobWithFigures), at most `shown`
    more: bool  # more active jobs than those
    money: list[MoneyLine]
    owed: list[Owed]


def promotion_work(session: Session, user: User, *, shown: int = 10) -> Promotions:
    """The person's promotion work at a glance, in a fixed number of queries.

    Promoters see their own pending payouts and no client money (client payments are
    the coordinator's business); sellers see the jobs on their pages and what they owe.
    """
    page = promotions.list_jobs(session, user, promotions.JobFilter(status=JobStatus.active),
                                limit=shown, cursor=None)
    money: list[MoneyLine] = []
    if user.role != Role.promoter:
        jobs = session.scalars(scoped(
            sa.select(PromotionJob).where(PromotionJob.price.is_not(None), PromotionJob.status != JobStatus.draft),
            PromotionJob, user, session,
        )).all()
        earned: dict[str, Decimal] = {}
        billed: dict[str, Decimal] = {}
        for shown_job in promotions.with_figures(session, list(jobs)):
            amount = shown_job.figures.earned or ZERO
            earned[shown_job.currency] = earned.get(shown_job.currency, ZERO) + amount
            if shown_job.status in BILLED:
                billed[shown_job.currency] = billed.get(shown_job.currency, ZERO) + amount
        paid = dict(session.execute(scoped(
            sa.select(ClientPayment.currency, sa.type_coerce(sa.func.sum(ClientPayment.amount), Money()))
            .group_by(ClientPayment.currency),
            ClientPayment, user, session,
        )).all())
        money = [MoneyLine(currency, earned.get(currency, ZERO), billed.get(currency, ZERO),
                           paid.get(currency) or ZERO)
                 for currency in sorted(set(earned) | set(paid))]
    rows = session.execute(scoped(
        sa.select(Payout.user_id, User.name, User.email, Payout.currency, sa.func.count(Payout.id),
                  sa.type_coerce(sa.func.sum(Payout.amount), Money()))
        .join(User, User.id == Payout.user_id)
        .where(Payout.status == PayoutStatus.pending)
        .group_by(Payout.user_id, User.name, User.email, Payout.currency)
        .order_by(User.name, Payout.currency),
        Payout, user, session,
    )).all()
    owed = [Owed(user_id, name or email or "", currency, count, amount)
            for user_id, name, email, currency, count, amount in rows]
    return Promotions(active=page.items, more=page.next_cursor is not None, money=money, owed=owed)
