"""Promotion jobs: a coordinator's paid work on a client's page, its progress and earnings.

Rules decided here (the API and the admin share them):
- A job runs on one page and belongs to the page's shop; its coordinator (and admins)
  change it. The promoters assigned to it and the page's owner read it.
- Figures come from the latest count (by observation time): gained = max(0, latest -
  baseline); progress = min(1, gained / target_gain); earned = price x min(gained,
  target_gain) / target_gain, rounded half-up to the cent once (shared.money.prorate).
  An in-kind job earns no money (earned is null); its reward is listed apart.
- Completing or cancelling a job stores its last count and earnings on it
  (promotion_status.apply_transition): they never move after.
- Counts are typed in by people who looked at the page. Tawasi never reads, follows,
  likes or posts anything itself.

Lists get their figures from one grouped query (the latest count per job), never one
query per job.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload, selectinload

from shared.dates import local_day
from shared.db import flush
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.events import emit
from shared.i18n import lazy_join, status_label
from shared.models import (
    JobEvent, JobMember, JobStatus, ProgressRecord, PromotionJob, Role, SocialPage, Split, Team,
    TeamMember, User, utcnow,
)
from shared.money import prorate
from shared.services.access import get_for, scoped
from shared.services.figures import WithFigures
from shared.services.pagination import Page, keyset_page
from shared.services.promotion_status import ENDED, RECORDING, TERMS_EDITABLE, apply_transition
from shared.text import fold, like_pattern

# A phone's clock may run a little ahead of the server's: an observation up to this far
# "in the future" is taken as now-ish rather than refused.
CLOCK_SKEW = timedelta(minutes=5)
# A history this long or shorter is charted point by point; a longer one by day.
SERIES_POINTS = 60
_PROGRESS_PLACES = Decimal("0.0001")

# What a list shows: the page and the members, in a fixed number of queries.
LIST_OPTIONS = _SHOWN = (
    joinedload(PromotionJob.page, innerjoin=True),
    selectinload(PromotionJob.members).joinedload(JobMember.user),
)
_DETAIL = (*_SHOWN, selectinload(PromotionJob.progress), selectinload(PromotionJob.events))


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesPoint:
    at: datetime
    count: int


@dataclass(frozen=True)
class JobFigures:
    latest_count: int | None
    gained: int
    progress: float
    earned: Decimal | None
    frozen: bool
    history: list[ProgressRecord] = field(default_factory=list)
    series: list[SeriesPoint] = field(default_factory=list)


@dataclass(frozen=True)
class JobWithFigures(WithFigures[PromotionJob]):
    """A job and its `figures`: what the Promotion schemas show."""

    figures: JobFigures


def earned_for(price: Decimal | None, gained: int, target_gain: int) -> Decimal | None:
    """price x min(gained, target_gain) / target_gain, half-up to the cent; None in kind."""
    if price is None:
        return None
    return prorate(price, min(gained, target_gain), target_gain)


def figures_of(job: PromotionJob, latest_count: int | None, *, history=(), series=()) -> JobFigures:
    """The job's figures from its latest count, or from what was frozen when it ended."""
    frozen = job.status in ENDED
    count = job.final_count if frozen else latest_count
    gained = max(0, count - job.baseline_count) if count is not None else 0
    capped = min(gained, job.target_gain)
    progress = (Decimal(capped) / Decimal(job.target_gain)).quantize(_PROGRESS_PLACES, ROUND_DOWN)
    if frozen:
        earned = job.final_earned if job.price is not None else None
    else:
        earned = earned_for(job.price, gained, job.target_gain)
    return JobFigures(latest_count=count, gained=gained, progress=float(progress), earned=earned,
                      frozen=frozen, history=list(history), series=list(series))


def latest_counts(session: Session, job_ids: list[str]) -> dict[str, int]:
    """{job id: its latest count} (by observation time, then entry) in one grouped query."""
    if not job_ids:
        return {}
    ranked = (
        sa.select(
            ProgressRecord.job_id, ProgressRecord.count,
            sa.func.row_number().over(
                partition_by=ProgressRecord.job_id,
                order_by=(ProgressRecord.observed_at.desc(), ProgressRecord.created_at.desc(),
                          ProgressRecord.id.desc()),
            ).label("rank"),
        )
        .where(ProgressRecord.job_id.in_(job_ids))
        .subquery()
    )
    return dict(session.execute(sa.select(ranked.c.job_id, ranked.c.count).where(ranked.c.rank == 1)).all())


def with_figures(session: Session, jobs: list[PromotionJob]) -> list[JobWithFigures]:
    """Each job with its figures: one query for all of them."""
    latest = latest_counts(session, [job.id for job in jobs if job.status not in ENDED])
    return [JobWithFigures(job, figures_of(job, latest.get(job.id))) for job in jobs]


def series_of(history: list[ProgressRecord], tz_name: str) -> list[SeriesPoint]:
    """Every point of a short history; for a long one, the last count of each local day."""
    points = [SeriesPoint(record.observed_at, record.count) for record in history]
    if len(points) <= SERIES_POINTS:
        return points
    by_day: dict = {}
    for point in points:  # oldest first: the last of each day wins
        by_day[local_day(point.at, tz_name)] = point
    return list(by_day.values())


def _detailed(session: Session, job: PromotionJob, tz_name: str) -> JobWithFigures:
    history = list(job.progress)
    latest = history[-1].count if history else None
    return JobWithFigures(job, figures_of(job, latest, history=history,
                                          series=series_of(history, tz_name)))


def refreshed(session: Session, job: PromotionJob, tz_name: str) -> JobWithFigures:
    """The job as it is now (after this request's writes), with its detail figures."""
    flush(session)
    job = session.scalars(sa.select(PromotionJob).where(PromotionJob.id == job.id).options(*_DETAIL)
                          .execution_options(populate_existing=True)).unique().one()
    return _detailed(session, job, tz_name)


def current_figures(session: Session, job: PromotionJob) -> JobFigures:
    """The job's figures now (its latest count read fresh)."""
    return figures_of(job, latest_counts(session, [job.id]).get(job.id))


# --- reading -------------------------------------------------------------------------------


@dataclass
class JobFilter:
    status: JobStatus | None = None
    seller_id: str | None = None
    page_id: str | None = None
    team_id: str | None = None
    q: str | None = None


def list_jobs(session: Session, user: User, filters: JobFilter, *, limit: int,
              cursor: str | None) -> Page[JobWithFigures]:
    """Newest first, each with its figures (not its history: see get_job)."""
    stmt = scoped(sa.select(PromotionJob), PromotionJob, user, session).options(*_SHOWN)
    if filters.status:
        stmt = stmt.where(PromotionJob.status == filters.status)
    if filters.seller_id:
        stmt = stmt.where(PromotionJob.seller_id == filters.seller_id)
    if filters.page_id:
        stmt = stmt.where(PromotionJob.page_id == filters.page_id)
    if filters.team_id:
        stmt = stmt.where(PromotionJob.team_id == filters.team_id)
    if filters.q and (key := fold(filters.q)):
        pattern = like_pattern(key)
        on_page = sa.select(SocialPage.id).where(SocialPage.search_key.like(pattern, escape="\\"))
        stmt = stmt.where(sa.or_(PromotionJob.search_key.like(pattern, escape="\\"),
                                 PromotionJob.page_id.in_(on_page)))
    page = keyset_page(session, stmt, PromotionJob, limit=limit, cursor=cursor)
    return Page(with_figures(session, page.items), page.next_cursor)


def get_job(session: Session, user: User, job_id: str, *, tz_name: str,
            for_update: bool = False) -> JobWithFigures:
    """The job with its figures, its progress history and chart series.

    :raise NotFound: no such job among those the user may see.
    """
    job = get_for(session, user, PromotionJob, job_id, options=_DETAIL, for_update=for_update)
    return _detailed(session, job, tz_name)


def load_job(session: Session, user: User, job_id: str, *, for_update: bool = False) -> PromotionJob:
    """The bare job row (no figures), e.g. for a write that answers with something else."""
    return get_for(session, user, PromotionJob, job_id, options=_SHOWN, for_update=for_update)


def history(job: PromotionJob) -> list[ProgressRecord]:
    return list(job.progress)


# --- who may change it -----------------------------------------------------------------------


def coordinates(user: User, job: PromotionJob) -> bool:
    return user.role == Role.admin or job.coordinator_id == user.id


def check_coordinator(user: User, job: PromotionJob) -> None:
    """:raise Forbidden: the user may read the job (its owner, a member) but not change it."""
    if not coordinates(user, job):
        raise Forbidden(_l("Only the job's coordinator can change it; you can read it."))


def _team_for(session: Session, user: User, coordinator_id: str, team_id: str | None, *,
              default: bool) -> Team | None:
    """The named team (one of the coordinator's), or her only team when `default`.

    :raise NotFound: a team the user cannot see. :raise Invalid: another coordinator's team.
    """
    if team_id:
        team = get_for(session, user, Team, team_id)
        if team.coordinator_id != coordinator_id:
            raise Invalid("team_id", _l("is not a team of the job's coordinator"))
        return team
    if not default:
        return None
    teams = session.scalars(sa.select(Team).where(Team.coordinator_id == coordinator_id).limit(2)).all()
    return teams[0] if len(teams) == 1 else None


# --- writing ---------------------------------------------------------------------------------


def _set_terms(job: PromotionJob, data: Mapping) -> None:
    if "metric" in data:
        job.metric = data["metric"]
    if "baseline_count" in data:
        job.baseline_count = data["baseline_count"]
    if "target_gain" in data:
        job.target_gain = data["target_gain"]
    if "currency" in data:
        job.currency = data["currency"]
    if data.get("price") is not None:
        job.price, job.reward_description, job.reward_value = data["price"], None, None
    elif data.get("reward") is not None:
        reward = data["reward"]
        job.price, job.reward_description = None, reward["description"]
        job.reward_value = reward.get("estimated_value")


def create_job(session: Session, user: User, data: Mapping, *, tz_name: str) -> JobWithFigures:
    """A draft job on a page of a client shop. `data`: page_id, team_id, title, metric,
    baseline_count, target_gain, price or reward {description, estimated_value}, currency,
    deadline, notes, disclosure, split.

    :raise NotFound: the page (or the team) is not one the user may see.
    :raise Forbidden: the user is not a coordinator or an admin (page owners read jobs).
    :raise Invalid: the team is another coordinator's.
    """
    page = get_for(session, user, SocialPage, data["page_id"])
    if user.role not in (Role.coordinator, Role.admin):
        raise Forbidden(_l("Only coordinators run promotion jobs; you can read the jobs on your pages."))
    coordinator_id = user.id if user.role == Role.coordinator else (page.seller.coordinator_id or user.id)
    job = PromotionJob(
        seller_id=page.seller_id, page=page, coordinator_id=coordinator_id,
        team=_team_for(session, user, coordinator_id, data.get("team_id"), default=True),
        title=data.get("title") or "", deadline=data.get("deadline"), notes=data.get("notes") or "",
        disclosure=data.get("disclosure") or "", split=data.get("split") or Split.equal,
        status=JobStatus.draft, reward_received=False,
    )
    _set_terms(job, data)
    job.events.append(JobEvent(from_status=None, to_status=JobStatus.draft, actor_id=user.id, at=utcnow()))
    session.add(job)
    return refreshed(session, job, tz_name)


def update_job(session: Session, user: User, job: PromotionJob, changes: Mapping, *,
               tz_name: str) -> JobWithFigures:
    """Change a job; `status` moves it (promotion_status), ending it freezes its figures.

    :raise Forbidden: not the job's coordinator.
    :raise Conflict: terms of a job no longer a draft; a team change with members on
        it; a status change not allowed.
    :raise Invalid: reward_received on a job paid in money; a team not the coordinator's.
    :raise Stale: the job changed since it was read.
    """
    check_coordinator(user, job)
    job.updated_at = utcnow()  # claim the row first: a write from a stale read fails now
    flush(session)
    terms = [name for name in ("metric", "baseline_count", "target_gain", "price", "currency", "reward")
             if name in changes]
    if terms and job.status not in TERMS_EDITABLE:
        raise Conflict(_l("This job is %(status)s: its terms (%(fields)s) can change only while it "
                          "is a draft.", status=status_label(job.status), fields=lazy_join(terms)),
                       current=job.status.value, fields=terms)
    _set_terms(job, changes)
    if "team_id" in changes and changes["team_id"] != job.team_id:
        if job.members:
            raise Conflict(_l("Members are assigned to this job from its team: remove them "
                              "before changing the team."))
        job.team = _team_for(session, user, job.coordinator_id, changes["team_id"], default=False)
    if "reward_received" in changes:
        if job.price is not None and changes["reward_received"]:
            raise Invalid("reward_received", _l("this job is paid in money, not in kind"))
        job.reward_received = changes["reward_received"]
    if "title" in changes:
        job.title = changes["title"]
    if "notes" in changes:
        job.notes = changes["notes"]
    if "disclosure" in changes:
        job.disclosure = changes["disclosure"]
    if "deadline" in changes:
        job.deadline = changes["deadline"]
    if "split" in changes:
        job.split = changes["split"]
    if "status" in changes and changes["status"] != job.status:
        now = current_figures(session, job)
        apply_transition(job, changes["status"], user, final_count=now.latest_count,
                         final_earned=now.earned if job.price is not None else None)
    return refreshed(session, job, tz_name)


def delete_job(session: Session, user: User, job: PromotionJob) -> None:
    """:raise Forbidden: not its coordinator. :raise Conflict: no longer a draft: cancel it."""
    check_coordinator(user, job)
    if job.status != JobStatus.draft:
        raise Conflict(_l("This job is %(status)s; only drafts can be deleted. Cancel it instead, "
                          "so its history and earnings stay on record.",
                          status=status_label(job.status)), current=job.status.value)
    session.delete(job)
    flush(session)


# --- progress --------------------------------------------------------------------------------


def add_progress(session: Session, user: User, job: PromotionJob, *, count: int,
                 observed_at: datetime | None = None, evidence_url: str | None = None,
                 note: str = "") -> ProgressRecord:
    """A count seen on the page, typed in by `user` (kept as who recorded it).

    :raise Forbidden: not the job's coordinator.
    :raise Conflict: the job is not active (a draft has not started; an ended job is frozen).
    :raise Invalid: `observed_at` is in the future.
    """
    check_coordinator(user, job)
    if job.status not in RECORDING:
        if job.status == JobStatus.draft:
            detail = _l("This job is a draft: make it active before recording progress.")
        else:
            detail = _l("This job is %(status)s: its figures are frozen and take no new counts.",
                        status=status_label(job.status))
        raise Conflict(detail, current=job.status.value)
    now = utcnow()
    if observed_at is not None and observed_at > now + CLOCK_SKEW:
        raise Invalid("observed_at", _l("is in the future (%(at)s); a count is recorded after it "
                                        "was seen", at=observed_at.isoformat()),
                      now=now.isoformat())
    record = ProgressRecord(count=count, observed_at=min(observed_at or now, now), evidence_url=evidence_url,
                            note=note or "", recorded_by_id=user.id, created_at=now)
    job.progress.append(record)
    job.updated_at = now
    emit("promotion.progress_recorded", job)
    flush(session)
    return record


def delete_progress(session: Session, user: User, job: PromotionJob, record_id: str) -> None:
    """Remove a count typed by mistake, while the job is active.

    :raise NotFound: no such record on this job. :raise Conflict: the job is not active.
    """
    check_coordinator(user, job)
    record = next((r for r in job.progress if r.id == record_id), None)
    if record is None:
        raise NotFound(_l("No progress record with id %(id)r on this job.", id=record_id))
    if job.status not in RECORDING:
        raise Conflict(_l("This job is %(status)s: its progress history can no longer change.",
                          status=status_label(job.status)), current=job.status.value)
    job.progress.remove(record)
    job.updated_at = utcnow()
    flush(session)


# --- members ---------------------------------------------------------------------------------


def add_members(session: Session, user: User, job: PromotionJob, user_ids: list[str], *,
                tz_name: str) -> JobWithFigures:
    """Assign members of the job's team; those already on it stay as they are.

    :raise Forbidden: not the job's coordinator.
    :raise Conflict: the job has ended, or has no team.
    :raise Invalid: someone named is not a member of the job's team.
    """
    check_coordinator(user, job)
    if job.status in ENDED:
        raise Conflict(_l("This job is %(status)s: its members can no longer change.",
                          status=status_label(job.status)), current=job.status.value)
    if job.team_id is None:
        raise Conflict(_l("This job has no team: set its team_id before assigning members."))
    in_team = set(session.scalars(sa.select(TeamMember.user_id).where(TeamMember.team_id == job.team_id)))
    outsiders = [user_id for user_id in dict.fromkeys(user_ids) if user_id not in in_team]
    if outsiders:
        raise Invalid("user_ids", _l("%(id)r is not a member of the job's team", id=outsiders[0]),
                      user_ids=outsiders)
    assigned = {member.user_id for member in job.members}
    for user_id in dict.fromkeys(user_ids):
        if user_id not in assigned:
            job.members.append(JobMember(user_id=user_id, assigned_at=utcnow()))
    job.updated_at = utcnow()
    return refreshed(session, job, tz_name)


def remove_member(session: Session, user: User, job: PromotionJob, user_id: str) -> None:
    """:raise NotFound: she is not assigned to this job. :raise Conflict: the job has ended."""
    check_coordinator(user, job)
    member = next((m for m in job.members if m.user_id == user_id), None)
    if member is None:
        raise NotFound(_l("No member with id %(id)r on this job.", id=user_id))
    if job.status in ENDED:
        raise Conflict(_l("This job is %(status)s: its members can no longer change.",
                          status=status_label(job.status)), current=job.status.value)
    job.members.remove(member)
    job.updated_at = utcnow()
    flush(session)


__all__ = [
    "JobFigures", "JobFilter", "JobWithFigures", "SeriesPoint", "add_members", "add_progress",
    "check_coordinator", "coordinates", "create_job", "current_figures", "delete_job",
    "delete_progress", "earned_for", "figures_of", "get_job", "history", "latest_counts",
    "list_jobs", "load_job", "refreshed", "remove_member", "series_of", "update_job",
    "with_figures",
]
