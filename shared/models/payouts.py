"""Payouts: a job's earnings split among its members, and each member's share until it is paid."""
import enum
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import Role, User
from shared.models.base import (
    IdMixin, Money, Tenanted, TimestampMixin, VersionMixin, enum_column,
)
from shared.models.payments import PaymentMethod
from shared.models.promotions import PromotionJob, Split
from shared.models.teams import coordinated_by


class PayoutStatus(str, enum.Enum):
    pending = "pending"
    paid = "paid"


class PayoutSet(IdMixin, TimestampMixin, Tenanted, db.Model):
    """One split of a job's earnings: those earned after `earned_before` up to
    `earned_through`, less the coordinator's share, shared among members. Consecutive
    sets of a job cover consecutive ranges, so no earnings are paid out twice."""

    __tablename__ = "payout_sets"
    __table_args__ = (
        sa.UniqueConstraint("job_id", "earned_before"),
        sa.Index("ix_payout_sets_team_recent", "team_id", "created_at", "id"),
    )
    change_kind = "payout_sets"

    job_id: Mapped[str] = mapped_column(sa.ForeignKey("promotion_jobs.id", ondelete="RESTRICT"))
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="RESTRICT"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    split: Mapped[Split] = mapped_column(enum_column(Split))
    earned_before: Mapped[Decimal] = mapped_column(Money)
    earned_through: Mapped[Decimal] = mapped_column(Money)
    coordinator_share: Mapped[Decimal] = mapped_column(Money)  # the team's percentage then
    coordinator_amount: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)  # shared among the members
    created_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    job: Mapped[PromotionJob] = relationship()
    payouts: Mapped[list["Payout"]] = relationship(back_populates="payout_set", order_by="Payout.position")

    def change_entry(self) -> tuple[str, str, str]:
        return self.team_id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user: User, shop_ids: list[str] | None = None) -> sa.ColumnElement[bool]:
        """The team's coordinator and admins (members see their own payouts)."""
        return cls.team_id.in_(coordinated_by(user))


class Payout(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    """A member's share of a payout set: pending until the coordinator pays it."""

    __tablename__ = "payouts"
    __table_args__ = (sa.Index("ix_payouts_team_recent", "team_id", "created_at", "id"),)
    change_kind = "payouts"

    payout_set_id: Mapped[str] = mapped_column(sa.ForeignKey("payout_sets.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[str] = mapped_column(sa.ForeignKey("promotion_jobs.id", ondelete="RESTRICT"), index=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="RESTRICT"))
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # What the share was computed from: 1 each for an equal split, else approved quantities.
    weight: Mapped[int] = mapped_column(sa.BigInteger)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[PayoutStatus] = mapped_column(enum_column(PayoutStatus), default=PayoutStatus.pending)
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    method: Mapped[PaymentMethod | None] = mapped_column(enum_column(PaymentMethod))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    payout_set: Mapped[PayoutSet] = relationship(back_populates="payouts")
    user: Mapped[User] = relationship()

    def change_entry(self) -> tuple[str, str, str]:
        return self.team_id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user: User, shop_ids: list[str] | None = None) -> sa.ColumnElement[bool]:
        """The team's coordinator and admins; a promoter her own."""
        if user.role == Role.promoter:
            return cls.user_id == user.id
        return cls.team_id.in_(coordinated_by(user))
