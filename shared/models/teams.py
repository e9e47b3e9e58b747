"""Teams: a coordinator's promoters, and the share of earnings she keeps.

A team is a tenant of its own in the change log (its id is the tenant id): its
members, their contributions, payouts and contests are the team's rows, not a shop's.
"""
import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import Role, User
from shared.models.base import (
    IdMixin, Money, TenantChild, Tenanted, TimestampMixin, UTCDateTime, VersionMixin, utcnow,
)
from shared.text import fold


class TeamRole(str, enum.Enum):
    """A person's place in a team."""

    coordinator = "coordinator"
    member = "member"


class Team(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    __tablename__ = "teams"
    __table_args__ = (sa.Index("ix_teams_coordinator_recent", "coordinator_id", "created_at", "id"),)
    change_kind = "teams"

    coordinator_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(120))
    # A percentage (20.00 = 20 %) of each payout's earnings the coordinator keeps;
    # stored like money, as exact hundredths.
    coordinator_share: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    search_key: Mapped[str] = mapped_column(sa.Text, default="")

    coordinator: Mapped[User] = relationship(foreign_keys=[coordinator_id])
    members: Mapped[list["TeamMember"]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.joined_at"
    )

    def change_entry(self) -> tuple[str, str, str]:
        return self.id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user: User, shop_ids: list[str] | None = None) -> sa.ColumnElement[bool]:
        """Its coordinator and admins; its members (reading)."""
        return cls.id.in_(teams_of(user)) if user.role != Role.admin else sa.true()


def teams_of(user: User) -> sa.Select:
    """The ids of the teams a user coordinates or belongs to (every team for an admin)."""
    if user.role == Role.admin:
        return sa.select(Team.id)
    if user.role == Role.coordinator:
        return sa.select(Team.id).where(Team.coordinator_id == user.id)
    if user.role == Role.promoter:
        return sa.select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    return sa.select(Team.id).where(sa.false())


def coordinated_by(user: User) -> sa.Select:
    """The ids of the teams a user may change: her own as coordinator, every team for an admin."""
    if user.role == Role.admin:
        return sa.select(Team.id)
    if user.role == Role.coordinator:
        return sa.select(Team.id).where(Team.coordinator_id == user.id)
    return sa.select(Team.id).where(sa.false())


@sa.event.listens_for(Team, "before_insert")
@sa.event.listens_for(Team, "before_update")
def _team_search_key(_mapper, _connection, team: Team) -> None:
    team.search_key = fold(team.name)


class TeamMember(IdMixin, TenantChild, db.Model):
    """A promoter in a team (writing one changes the team, in the change log)."""

    __tablename__ = "team_members"
    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"),)

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    def change_parent(self) -> Team:
        return self.team
