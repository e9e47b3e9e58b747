"""A client's statement: what a page owner owes for promotion work, per currency.

owed = what the shop's active and completed jobs paid in money have earned (see
services/promotions.py); paid = the client payments recorded; outstanding = owed -
paid (negative when the client paid ahead). Jobs paid in kind are listed apart: their
estimated values are never added to money, and amounts are never summed across
currencies. The jobs counted are those the reader may see on the shop.
"""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from shared.models import ClientPayment, PromotionJob, Seller, User
from shared.models.base import Money
from shared.money import ZERO
from shared.services import promotions
from shared.services.access import get_for, scoped
from shared.services.promotion_status import BILLED


@dataclass(frozen=True)
class StatementTotal:
    currency: str
    owed: Decimal
    paid: Decimal


@dataclass(frozen=True)
class StatementJob:
    id: str
    title: str
    page_id: str
    platform: str
    handle: str
    status: str
    metric: str
    target_gain: int
    gained: int
    progress: float
    currency: str
    price: Decimal | None
    earned: Decimal | None
    reward_description: str | None
    reward_value: Decimal | None
    reward_received: bool


@dataclass(frozen=True)
class Statement:
    seller_id: str
    seller_name: str
    totals: list[StatementTotal]
    jobs: list[StatementJob]
    in_kind: list[StatementJob]
    payments: list[ClientPayment]


def _line(shown: promotions.JobWithFigures) -> StatementJob:
    job, figures = shown.row, shown.figures
    return StatementJob(
        id=job.id, title=job.title, page_id=job.page_id, platform=job.page.platform,
        handle=job.page.handle, status=job.status, metric=job.metric.value,
        target_gain=job.target_gain, gained=figures.gained, progress=figures.progress,
        currency=job.currency, price=job.price, earned=figures.earned,
        reward_description=job.reward_description, reward_value=job.reward_value,
        reward_received=job.reward_received,
    )


def statement(session: Session, user: User, seller_id: str) -> Statement:
    """The shop's statement, in a fixed number of queries.

    :raise NotFound: a shop the user does not work for.
    """
    seller = get_for(session, user, Seller, seller_id)
    jobs = session.scalars(
        scoped(sa.select(PromotionJob), PromotionJob, user, session)
        .where(PromotionJob.seller_id == seller.id, PromotionJob.status.in_(BILLED))
        .options(joinedload(PromotionJob.page, innerjoin=True))
        .order_by(PromotionJob.created_at.desc(), PromotionJob.id.desc())
    ).all()
    lines = [_line(shown) for shown in promotions.with_figures(session, list(jobs))]
    owed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.earned is not None:
            owed[line.currency] += line.earned
    paid = dict(session.execute(
        sa.select(ClientPayment.currency, sa.type_coerce(sa.func.sum(ClientPayment.amount), Money()))
        .where(ClientPayment.seller_id == seller.id).group_by(ClientPayment.currency)
    ).all())
    payments = session.scalars(
        sa.select(ClientPayment).where(ClientPayment.seller_id == seller.id)
        .order_by(ClientPayment.paid_on, ClientPayment.created_at, ClientPayment.id)
    ).all()
    totals = [StatementTotal(currency=currency, owed=owed.get(currency, ZERO), paid=paid.get(currency) or ZERO)
              for currency in sorted(set(owed) | set(paid))]
    return Statement(seller_id=seller.id, seller_name=seller.name, totals=totals,
                     jobs=[line for line in lines if line.price is not None],
                     in_kind=[line for line in lines if line.price is None], payments=list(payments))
