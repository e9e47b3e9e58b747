"""Contests: shops' online competitions the team enters for in-kind prizes.

The team's coordinator records contests and their results; members read their team's
contests, enter them, and take back an entry of their own. A prize is in kind: its
estimated value is never added to money anywhere.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from shared.db import flush
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.models import Contest, ContestEntry, EntryResult, Role, Seller, Team, TeamMember, User, utcnow
from shared.services.access import get_for, scoped
from shared.services.pagination import Page, keyset_page
from shared.services.teams import check_coordinator, coordinates, team_for_write
from shared.text import fold, like_pattern

_SHOWN = (selectinload(Contest.entries).joinedload(ContestEntry.user),)


@dataclass
class ContestFilter:
    team_id: str | None = None
    q: str | None = None


def list_contests(session: Session, user: User, filters: ContestFilter, *, limit: int,
                  cursor: str | None) -> Page[Contest]:
    stmt = scoped(sa.select(Contest), Contest, user, session).options(*_SHOWN)
    if filters.team_id:
        stmt = stmt.where(Contest.team_id == filters.team_id)
    if filters.q and (key := fold(filters.q)):
        stmt = stmt.where(Contest.search_key.like(like_pattern(key), escape="\\"))
    return keyset_page(session, stmt, Contest, limit=limit, cursor=cursor)


def get_contest(session: Session, user: User, contest_id: str, *, for_update: bool = False) -> Contest:
    """:raise NotFound: not a contest of a team the user coordinates or belongs to."""
    return get_for(session, user, Contest, contest_id, options=_SHOWN, for_update=for_update)


def _refreshed(session: Session, contest: Contest) -> Contest:
    flush(session)
    return session.scalars(sa.select(Contest).where(Contest.id == contest.id).options(*_SHOWN)
                           .execution_options(populate_existing=True)).one()


def _check(session: Session, user: User, contest: Contest) -> None:
    """:raise Forbidden: a member (she reads the contest and enters it, nothing more)."""
    check_coordinator(user, session.get(Team, contest.team_id))


def _set_shop(session: Session, user: User, contest: Contest, data: Mapping) -> None:
    if "seller_id" in data:
        contest.seller_id = get_for(session, user, Seller, data["seller_id"]).id if data["seller_id"] else None
    if "shop_name" in data:
        contest.shop_name = data["shop_name"] or ""
    if "shop_url" in data:
        contest.shop_url = data["shop_url"]
    if not contest.shop_name and contest.seller_id:
        contest.shop_name = session.get(Seller, contest.seller_id).name


def _set_details(contest: Contest, data: Mapping) -> None:
    if "title" in data:
        contest.title = data["title"]
    if "prize_description" in data:
        contest.prize_description = data["prize_description"]
    if "prize_value" in data:
        contest.prize_value = data["prize_value"]
    if "currency" in data:
        contest.currency = data["currency"]
    if "starts_at" in data:
        contest.starts_at = data["starts_at"]
    if "ends_at" in data:
        contest.ends_at = data["ends_at"]
    if "rules_url" in data:
        contest.rules_url = data["rules_url"]
    if "notes" in data:
        contest.notes = data["notes"] or ""
    if contest.ends_at < contest.starts_at:
        raise Invalid("ends_at", _l("must not be before starts_at"))
    if contest.prize_value is not None and not contest.currency:
        raise Invalid("currency", _l("required with prize_value"))


def create_contest(session: Session, user: User, data: Mapping) -> Contest:
    """`data`: team_id (optional with one team), seller_id or shop_name, shop_url, title,
    prize_description, prize_value + currency, starts_at, ends_at, rules_url, notes.

    :raise NotFound: a team or shop the user cannot see. :raise Forbidden: a member.
    """
    team = team_for_write(session, user, data.get("team_id"))
    contest = Contest(team_id=team.id, shop_name="", notes="")
    _set_shop(session, user, contest, data)
    _set_details(contest, data)
    session.add(contest)
    return _refreshed(session, contest)


def update_contest(session: Session, user: User, contest: Contest, changes: Mapping) -> Contest:
    """:raise Forbidden: a member. :raise Invalid: an end before the start. :raise Stale."""
    _check(session, user, contest)
    _set_shop(session, user, contest, changes)
    _set_details(contest, changes)
    contest.updated_at = utcnow()
    return _refreshed(session, contest)


def delete_contest(session: Session, user: User, contest: Contest) -> None:
    """:raise Forbidden: a member."""
    _check(session, user, contest)
    session.delete(contest)
    flush(session)


def _claim(session: Session, contest: Contest) -> None:
    """Write the contest first: entries change it, and a stale concurrent write fails."""
    contest.updated_at = utcnow()
    flush(session)


def add_entry(session: Session, user: User, contest: Contest, data: Mapping) -> Contest:
    """A member enters: herself (a promoter), or the one named (the coordinator).

    :raise Forbidden: a promoter entering someone else.
    :raise Invalid: the one named is not in the team. :raise Conflict: already entered.
    """
    team = session.get(Team, contest.team_id)
    if user.role == Role.promoter:
        if data.get("user_id") not in (None, user.id):
            raise Forbidden(_l("You can enter only yourself."))
        member_id = user.id
    else:
        check_coordinator(user, team)
        member_id = data.get("user_id")
        if not member_id:
            raise Invalid("user_id", _l("required: say which member enters"))
    in_team = session.scalar(sa.select(TeamMember.id).where(TeamMember.team_id == team.id,
                                                            TeamMember.user_id == member_id))
    if not in_team:
        raise Invalid("user_id", _l("%(id)r is not a member of the contest's team", id=member_id))
    if any(entry.user_id == member_id for entry in contest.entries):
        raise Conflict(_l("She has already entered this contest."), user_id=member_id)
    _claim(session, contest)
    contest.entries.append(ContestEntry(user_id=member_id, entered_at=utcnow(), note=data.get("note") or "",
                                        evidence_url=data.get("evidence_url"), result=EntryResult.pending,
                                        prize_received=False))
    try:
        return _refreshed(session, contest)
    except IntegrityError:  # the same member entered by a request at the same moment (SQLite)
        raise Conflict(_l("She has already entered this contest."), user_id=member_id) from None


def _entry(contest: Contest, entry_id: str) -> ContestEntry:
    entry = next((e for e in contest.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound(_l("No entry with id %(id)r in this contest.", id=entry_id))
    return entry


def update_entry(session: Session, user: User, contest: Contest, entry_id: str, changes: Mapping, *,
                 today: date) -> Contest:
    """The result (won, lost) and the prize received (the coordinator), or the note and
    evidence (the coordinator, or the member on her own entry).

    :raise NotFound: no such entry. :raise Forbidden: a member setting a result, or
        touching another's entry. :raise Invalid: a prize received on an entry not won.
    """
    entry = _entry(contest, entry_id)
    team = session.get(Team, contest.team_id)
    if not coordinates(user, team):
        if entry.user_id != user.id or {"result", "prize_received", "prize_received_on"} & set(changes):
            raise Forbidden(_l("Only the team's coordinator records results and prizes; you can "
                               "change the note and evidence of your own entry."))
    _claim(session, contest)
    if "result" in changes:
        entry.result = changes["result"]
    if "prize_received" in changes:
        entry.prize_received = changes["prize_received"]
        if entry.prize_received and "prize_received_on" not in changes:
            entry.prize_received_on = entry.prize_received_on or today
    if "prize_received_on" in changes:
        entry.prize_received_on = changes["prize_received_on"]
    if not entry.prize_received:
        entry.prize_received_on = None
    if entry.prize_received and entry.result != EntryResult.won:
        raise Invalid("prize_received", _l("only a won entry receives a prize"))
    if "note" in changes:
        entry.note = changes["note"]
    if "evidence_url" in changes:
        entry.evidence_url = changes["evidence_url"]
    return _refreshed(session, contest)


def remove_entry(session: Session, user: User, contest: Contest, entry_id: str) -> None:
    """:raise NotFound: no such entry. :raise Forbidden: a member removing another's entry."""
    entry = _entry(contest, entry_id)
    if not coordinates(user, session.get(Team, contest.team_id)) and entry.user_id != user.id:
        raise Forbidden(_l("You can take back only your own entry."))
    _claim(session, contest)
    contest.entries.remove(entry)
    flush(session)
