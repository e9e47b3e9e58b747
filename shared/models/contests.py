"""Contests: a shop's online competition the team enters, for an in-kind prize."""
import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import User
from shared.models.base import (
    IdMixin, Money, TenantChild, Tenanted, TimestampMixin, UTCDateTime, VersionMixin, enum_column,
    utcnow,
)
from shared.models.sellers import Seller
from shared.models.teams import Team, teams_of
from shared.text import fold


class EntryResult(str, enum.Enum):
    pending = "pending"
    won = "won"
    lost = "lost"


class Contest(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    """A team's row (tenant: the team). The shop running it is a seller Tawasi knows, or
    just a name and a page URL."""

    __tablename__ = "contests"
    __table_args__ = (sa.Index("ix_contests_team_recent", "team_id", "created_at", "id"),)
    change_kind = "contests"

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    seller_id: Mapped[str | None] = mapped_column(sa.ForeignKey("sellers.id", ondelete="SET NULL"))
    shop_name: Mapped[str] = mapped_column(sa.String(120), default="")
    shop_url: Mapped[str | None] = mapped_column(sa.String(500))
    title: Mapped[str] = mapped_column(sa.String(200))
    prize_description: Mapped[str] = mapped_column(sa.Text)
    prize_value: Mapped[Decimal | None] = mapped_column(Money)  # estimated, in `currency`
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rules_url: Mapped[str | None] = mapped_column(sa.String(500))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    search_key: Mapped[str] = mapped_column(sa.Text, default="")

    team: Mapped[Team] = relationship()
    seller: Mapped[Seller | None] = relationship()
    entries: Mapped[list["ContestEntry"]] = relationship(
        back_populates="contest", cascade="all, delete-orphan", order_by="ContestEntry.entered_at"
    )

    def change_entry(self) -> tuple[str, str, str]:
        return self.team_id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user: User, shop_ids: list[str] | None = None) -> sa.ColumnElement[bool]:
        """The team's coordinator, its members and admins."""
        return cls.team_id.in_(teams_of(user))


@sa.event.listens_for(Contest, "before_insert")
@sa.event.listens_for(Contest, "before_update")
def _contest_search_key(_mapper, _connection, contest: Contest) -> None:
    contest.search_key = fold(f"{contest.title} {contest.shop_name}")


class ContestEntry(IdMixin, TenantChild, db.Model):
    """A team member's entry, with its result and whether the prize was received."""

    __tablename__ = "contest_entries"
    __table_args__ = (sa.UniqueConstraint("contest_id", "user_id"),)

    contest_id: Mapped[str] = mapped_column(sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(sa.String(500))
    result: Mapped[EntryResult] = mapped_column(enum_column(EntryResult), default=EntryResult.pending)
    prize_received: Mapped[bool] = mapped_column(default=False)
    prize_received_on: Mapped[date | None] = mapped_column(sa.Date)

    contest: Mapped[Contest] = relationship(back_populates="entries")
    user: Mapped[User] = relationship()

    def change_parent(self) -> Contest:
        return self.contest
