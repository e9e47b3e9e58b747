"""Contributions: what a team member says she did on a job, approved or rejected by the coordinator."""
import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import Role, User
from shared.models.base import (
    IdMixin, Tenanted, TimestampMixin, UTCDateTime, VersionMixin, enum_column,
)
from shared.models.promotions import PromotionJob
from shared.models.teams import coordinated_by


class ContributionKind(str, enum.Enum):
    followers = "followers"
    likes = "likes"
    shares = "shares"
    comments = "comments"
    views = "views"
    posts = "posts"
    other = "other"


class ReviewStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class Contribution(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    """A team's row (tenant: the job's team); its member and the team's coordinator see it."""

    __tablename__ = "contributions"
    __table_args__ = (sa.Index("ix_contributions_team_recent", "team_id", "created_at", "id"),)
    change_kind = "contributions"

    job_id: Mapped[str] = mapped_column(sa.ForeignKey("promotion_jobs.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ContributionKind] = mapped_column(enum_column(ContributionKind))
    quantity: Mapped[int] = mapped_column(sa.BigInteger)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus), default=ReviewStatus.pending)
    reviewed_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="")

    job: Mapped[PromotionJob] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def change_entry(self) -> tuple[str, str, str]:
        return self.team_id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user: User, shop_ids: list[str] | None = None) -> sa.ColumnElement[bool]:
        """The team's coordinator and admins; a promoter her own."""
        if user.role == Role.promoter:
            return cls.user_id == user.id
        return cls.team_id.in_(coordinated_by(user))
