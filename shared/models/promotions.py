"""Promotion jobs: a coordinator's paid work on a page, its status history, progress and members."""
import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import User
from shared.models.base import (
    IdMixin, Money, TenantChild, Tenanted, TimestampMixin, UTCDateTime, VersionMixin, enum_column,
    utcnow,
)
from shared.models.pages import SocialPage
from shared.models.sellers import Seller
from shared.text import fold

if TYPE_CHECKING:
    from shared.models.teams import Team

# Counts of followers, views... are typed by people; a bound keeps sums inside BIGINT.
MAX_COUNT = 1_000_000_000_000


class Metric(str, enum.Enum):
    followers = "followers"
    likes = "likes"
    shares = "shares"
    comments = "comments"
    views = "views"


class JobStatus(str, enum.Enum):
    draft = "draft"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"


class Split(str, enum.Enum):
    """How a job's payouts are shared among its members."""

    equal = "equal"
    contributions = "contributions"


class PromotionJob(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    """A coordinator's job on one page: grow `metric` by `target_gain` from `baseline_count`,
    for `price` (the whole target, paid pro-rata) or an in-kind reward.

    The row belongs to the page's shop (`seller_id`, copied from the page): its change
    records go to the shop, whose owner may read it.
    """

    __tablename__ = "promotion_jobs"
    __table_args__ = (
        sa.Index("ix_promotion_jobs_seller_recent", "seller_id", "created_at", "id"),
        sa.Index("ix_promotion_jobs_coordinator_recent", "coordinator_id", "created_at", "id"),
    )
    change_kind = "promotions"

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="RESTRICT"), index=True)
    page_id: Mapped[str] = mapped_column(sa.ForeignKey("pages.id", ondelete="RESTRICT"), index=True)
    coordinator_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    team_id: Mapped[str | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    metric: Mapped[Metric] = mapped_column(enum_column(Metric), default=Metric.followers)
    baseline_count: Mapped[int] = mapped_column(sa.BigInteger)
    target_gain: Mapped[int] = mapped_column(sa.BigInteger)
    # Money for the whole target, or (price NULL) an in-kind reward; `currency` is the
    # price's, or the reward's estimated value's.
    price: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    reward_description: Mapped[str | None] = mapped_column(sa.Text)
    reward_value: Mapped[Decimal | None] = mapped_column(Money)
    reward_received: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[date | None] = mapped_column(sa.Date)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    disclosure: Mapped[str] = mapped_column(sa.String(60), default="")
    split: Mapped[Split] = mapped_column(enum_column(Split), default=Split.equal)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.draft, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Frozen when the job is completed or cancelled: its earnings never move after.
    final_count: Mapped[int | None] = mapped_column(sa.BigInteger)
    final_earned: Mapped[Decimal | None] = mapped_column(Money)
    # How much of the earnings payout sets have covered so far (see services/payouts.py).
    paid_through: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"), server_default="0")
    # fold(title): searched together with the page's search_key.
    search_key: Mapped[str] = mapped_column(sa.Text, default="")

    seller: Mapped[Seller] = relationship()
    page: Mapped[SocialPage] = relationship()
    coordinator: Mapped[User] = relationship(foreign_keys=[coordinator_id])
    team: Mapped["Team | None"] = relationship()
    members: Mapped[list["JobMember"]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="JobMember.assigned_at"
    )
    events: Mapped[list["JobEvent"]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="JobEvent.at"
    )
    progress: Mapped[list["ProgressRecord"]] = relationship(
        back_populates="job", cascade="all, delete-orphan",
        order_by=lambda: (ProgressRecord.observed_at, ProgressRecord.created_at, ProgressRecord.id),
    )

    @property
    def in_kind(self) -> bool:
        return self.price is None

    @classmethod
    def visible_to(cls, user: User, shop_ids: list[str] | None = None) -> sa.ColumnElement[bool]:
        """Its coordinator, admins, the promoters assigned to it, and the page's owner (reading)."""
        from shared.models.accounts import Role

        if user.role == Role.admin:
            return sa.true()
        if user.role == Role.coordinator:
            return cls.coordinator_id == user.id
        if user.role == Role.promoter:
            return cls.id.in_(sa.select(JobMember.job_id).where(JobMember.user_id == user.id))
        if user.role == Role.seller:
            return super().visible_to(user, shop_ids)
        return sa.false()


@sa.event.listens_for(PromotionJob, "before_insert")
@sa.event.listens_for(PromotionJob, "before_update")
def _job_search_key(_mapper, _connection, job: PromotionJob) -> None:
    job.search_key = fold(job.title)


class JobMember(IdMixin, TenantChild, db.Model):
    """A team member assigned to a job: she sees it, records contributions, shares its payouts."""

    __tablename__ = "promotion_members"
    __table_args__ = (sa.UniqueConstraint("job_id", "user_id"),)

    job_id: Mapped[str] = mapped_column(sa.ForeignKey("promotion_jobs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job: Mapped[PromotionJob] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    def change_parent(self) -> PromotionJob:
        return self.job


class JobEvent(IdMixin, TenantChild, db.Model):
    """One status change of a job: who, when, from, to."""

    __tablename__ = "promotion_events"

    job_id: Mapped[str] = mapped_column(sa.ForeignKey("promotion_jobs.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[JobStatus | None] = mapped_column(enum_column(JobStatus))
    to_status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job: Mapped[PromotionJob] = relationship(back_populates="events")

    def change_parent(self) -> PromotionJob:
        return self.job


class ProgressRecord(IdMixin, TenantChild, db.Model):
    """A count seen on the page at a moment, typed in by a person (never read by a bot)."""

    __tablename__ = "promotion_progress"
    __table_args__ = (sa.Index("ix_promotion_progress_job_observed", "job_id", "observed_at"),)

    job_id: Mapped[str] = mapped_column(sa.ForeignKey("promotion_jobs.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(sa.BigInteger)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    evidence_url: Mapped[str | None] = mapped_column(sa.String(500))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job: Mapped[PromotionJob] = relationship(back_populates="progress")

    def change_parent(self) -> PromotionJob:
        return self.job
