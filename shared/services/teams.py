"""Teams: a coordinator's promoters, the accounts she makes for them, and her share.

A coordinator (or an admin) changes her teams; members read them. A new promoter
account gets an initial password shown once, in the answer that creates it (only its
hash is kept). `team_summary` is what /me shows of a user's teams.
"""
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload, selectinload

from shared.db import flush
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.models import (
    Contest, JobMember, JobStatus, Language, PayoutSet, PromotionJob, Role, Team, TeamMember, TeamRole, User,
    utcnow,
)
from shared.phones import normalise_phone
from shared.services import accounts
from shared.services.access import get_for, scoped
from shared.services.pagination import Page, keyset_page
from shared.text import fold, like_pattern

_SHOWN = (selectinload(Team.members).joinedload(TeamMember.user),)
MAX_SHARE = Decimal("100")
# Initial passwords people can read out and type on a phone: no 0/o, 1/l/i.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


# --- reading -------------------------------------------------------------------------------


def list_teams(session: Session, user: User, *, q: str | None, limit: int,
               cursor: str | None) -> Page[Team]:
    """The teams the user coordinates or belongs to (all for an admin), newest first."""
    stmt = scoped(sa.select(Team), Team, user, session).options(*_SHOWN)
    if q and (key := fold(q)):
        stmt = stmt.where(Team.search_key.like(like_pattern(key), escape="\\"))
    return keyset_page(session, stmt, Team, limit=limit, cursor=cursor)


def get_team(session: Session, user: User, team_id: str, *, for_update: bool = False) -> Team:
    """:raise NotFound: no such team among those the user coordinates or belongs to."""
    return get_for(session, user, Team, team_id, options=_SHOWN, for_update=for_update)


def _refreshed(session: Session, team: Team) -> Team:
    flush(session)
    return session.scalars(sa.select(Team).where(Team.id == team.id).options(*_SHOWN)
                           .execution_options(populate_existing=True)).one()


@dataclass(frozen=True)
class TeamSummary:
    """A team as /me shows it."""

    id: str
    name: str
    role: TeamRole
    coordinator_id: str
    coordinator_name: str
    coordinator_share: Decimal
    member_count: int


def team_summary(session: Session, user: User) -> list[TeamSummary]:
    """The teams `user` coordinates or belongs to, oldest first, in one query.

    (An admin coordinates no team of her own: she gets those she coordinates, if any.)
    """
    members = (sa.select(TeamMember.team_id, sa.func.count().label("n"))
               .group_by(TeamMember.team_id).subquery())
    rows = session.execute(
        sa.select(Team, User.name, sa.func.coalesce(members.c.n, 0))
        .join(User, User.id == Team.coordinator_id)
        .outerjoin(members, members.c.team_id == Team.id)
        .where(sa.or_(Team.coordinator_id == user.id,
                      Team.id.in_(sa.select(TeamMember.team_id).where(TeamMember.user_id == user.id))))
        .order_by(Team.created_at, Team.id)
    ).all()
    return [TeamSummary(id=team.id, name=team.name,
                        role=TeamRole.coordinator if team.coordinator_id == user.id else TeamRole.member,
                        coordinator_id=team.coordinator_id, coordinator_name=name,
                        coordinator_share=team.coordinator_share, member_count=count)
            for team, name, count in rows]


# --- who may change it -----------------------------------------------------------------------


def coordinates(user: User, team: Team) -> bool:
    return user.role == Role.admin or team.coordinator_id == user.id


def check_coordinator(user: User, team: Team) -> None:
    """:raise Forbidden: a member, who may read her team but not change it."""
    if not coordinates(user, team):
        raise Forbidden(_l("Only the team's coordinator can change it; you can read it."))


def team_for_write(session: Session, user: User, team_id: str | None) -> Team:
    """The team a new row goes to: the one named, or the coordinator's only team.

    :raise NotFound: a team the user cannot see.
    :raise Forbidden: a team the user belongs to but does not coordinate.
    :raise Invalid: none named, and the user has several teams or none.
    """
    if team_id:
        team = get_for(session, user, Team, team_id)
        check_coordinator(user, team)
        return team
    if user.role not in (Role.coordinator, Role.admin):
        raise Forbidden(_l("Only coordinators manage a team's records."))
    teams = session.scalars(sa.select(Team).where(Team.coordinator_id == user.id).limit(2)).all()
    if len(teams) == 1:
        return teams[0]
    if not teams:
        raise Invalid("team_id", _l("you have no team yet: create one first"))
    raise Invalid("team_id", _l("required: you have several teams, say which one"))


def _check_share(share: Decimal) -> Decimal:
    if share > MAX_SHARE:
        raise Invalid("coordinator_share", _l("is a percentage: at most 100"))
    return share


# --- writing ---------------------------------------------------------------------------------


def create_team(session: Session, user: User, data: Mapping) -> Team:
    """A coordinator's new team (an admin names the coordinator). `data`: name,
    coordinator_share (a percentage), coordinator_id (admins).

    :raise Forbidden: sellers and promoters.
    :raise Invalid: a share above 100; an admin's coordinator_id that is no coordinator.
    """
    if user.role == Role.coordinator:
        coordinator_id = user.id
    elif user.role == Role.admin:
        coordinator = session.get(User, data.get("coordinator_id") or "")
        if coordinator is None or coordinator.role != Role.coordinator:
            raise Invalid("coordinator_id", _l("name the coordinator the team is for"))
        coordinator_id = coordinator.id
    else:
        raise Forbidden(_l("Only coordinators have teams."))
    team = Team(coordinator_id=coordinator_id, name=data["name"],
                coordinator_share=_check_share(data.get("coordinator_share") or Decimal("0.00")))
    session.add(team)
    return _refreshed(session, team)


def update_team(session: Session, user: User, team: Team, changes: Mapping) -> Team:
    """:raise Forbidden: a member. :raise Invalid: a share above 100. :raise Stale: changed meanwhile."""
    check_coordinator(user, team)
    if "name" in changes:
        team.name = changes["name"]
    if "coordinator_share" in changes:
        team.coordinator_share = _check_share(changes["coordinator_share"])
    team.updated_at = utcnow()
    return _refreshed(session, team)


def delete_team(session: Session, user: User, team: Team) -> None:
    """:raise Conflict: jobs, payouts or contests are on its books."""
    check_coordinator(user, team)
    for model, noun in ((PromotionJob, _l("promotion jobs")), (PayoutSet, _l("payouts")),
                        (Contest, _l("contests"))):
        if session.scalar(sa.select(sa.func.count()).select_from(model).where(model.team_id == team.id)):
            raise Conflict(_l("This team has %(what)s on its books; it cannot be deleted.", what=noun))
    session.delete(team)
    flush(session)


def _claim(session: Session, team: Team) -> None:
    """Write the team first: a concurrent change based on an older read is Stale."""
    team.updated_at = utcnow()
    flush(session)


def _promoter(session: Session, *, user_id: str | None, email: str | None, phone: str | None,
              phone_region: str) -> User:
    if user_id:
        found, field = session.get(User, user_id), "user_id"
    elif email:
        found, field = session.scalar(sa.select(User).where(User.email == email.strip().lower())), "email"
    else:
        number = normalise_phone(phone, phone_region)
        found, field = session.scalar(sa.select(User).where(User.phone == number)), "phone"
    if found is None:
        raise NotFound(_l("No promoter account with this %(field)s; create one with POST "
                          "/api/v1/teams/{id}/accounts.", field=field))
    if found.role != Role.promoter:
        raise Invalid(field, _l("belongs to an account that is not a promoter's"))
    return found


def add_member(session: Session, user: User, team: Team, *, user_id: str | None = None,
               email: str | None = None, phone: str | None = None, phone_region: str) -> TeamMember:
    """Add an existing promoter, named by id, email or phone.

    :raise Forbidden: a member. :raise NotFound: no promoter account so named.
    :raise Invalid: the account is not a promoter's. :raise Conflict: already a member.
    """
    check_coordinator(user, team)
    promoter = _promoter(session, user_id=user_id, email=email, phone=phone, phone_region=phone_region)
    _claim(session, team)
    if any(member.user_id == promoter.id for member in team.members):
        raise Conflict(_l("%(name)s is already in this team.", name=promoter.name or promoter.email),
                       user_id=promoter.id)
    member = TeamMember(user=promoter, joined_at=utcnow())
    team.members.append(member)
    flush(session)
    return member


def _initial_password() -> str:
    """12 letters and digits in three groups of four (kq7m-p9xa-3ter): about 62 bits."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


@dataclass(frozen=True)
class NewAccount:
    """A promoter account just made, with the password shown this once."""

    team_id: str
    user_id: str
    name: str
    email: str | None
    phone: str | None
    language: Language
    initial_password: str


def create_promoter_account(session: Session, user: User, team: Team, data: Mapping, *,
                            phone_region: str) -> NewAccount:
    """A new promoter account (name, email and/or phone, language), made a member of the
    team, with an initial password returned once.

    :raise Forbidden: a member. :raise Conflict: the email or phone is already an account's.
    :raise Invalid: neither email nor phone; not a phone number.
    """
    check_coordinator(user, team)
    phone = normalise_phone(data.get("phone"), phone_region)
    if phone and session.scalar(sa.select(User.id).where(User.phone == phone)):
        raise Conflict(_l("An account with phone %(phone)s already exists: add it with POST "
                          "/api/v1/teams/{id}/members.", phone=phone))
    password = _initial_password()
    promoter = accounts.create_user(session, email=data.get("email"), phone=phone, password=password,
                                    role=Role.promoter, name=data["name"],
                                    language=data.get("language") or Language.ar)
    _claim(session, team)
    team.members.append(TeamMember(user=promoter, joined_at=utcnow()))
    flush(session)
    return NewAccount(team_id=team.id, user_id=promoter.id, name=promoter.name, email=promoter.email,
                      phone=promoter.phone, language=promoter.language, initial_password=password)


def remove_member(session: Session, user: User, team: Team, user_id: str) -> None:
    """Take a promoter out of the team, and off its draft and active jobs (ended jobs keep
    her, with her contributions and payouts).

    :raise NotFound: she is not in the team.
    """
    check_coordinator(user, team)
    member = next((m for m in team.members if m.user_id == user_id), None)
    if member is None:
        raise NotFound(_l("No member with id %(id)r in this team.", id=user_id))
    _claim(session, team)
    running = session.scalars(
        sa.select(JobMember).join(PromotionJob, PromotionJob.id == JobMember.job_id)
        .where(JobMember.user_id == user_id, PromotionJob.team_id == team.id,
               PromotionJob.status.in_((JobStatus.draft, JobStatus.active)))
        .options(joinedload(JobMember.job))
    ).all()
    for assignment in running:
        assignment.job.updated_at = utcnow()
        session.delete(assignment)
    team.members.remove(member)
    flush(session)
