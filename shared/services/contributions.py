"""Contributions: what a member did on a job (kind, quantity, evidence), and the coordinator's review.

A promoter records and edits her own while they are pending; the job's coordinator
records for a member, edits, approves, or rejects with a reason. Approved quantities
are the weights of a payout split "by contributions" (services/payouts.py).
"""
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload

from shared.db import flush
from shared.errors import Conflict, Forbidden, Invalid
from shared.i18n import status_label
from shared.models import Contribution, JobStatus, PromotionJob, ReviewStatus, Role, User, utcnow
from shared.services import promotions
from shared.services.access import get_for, scoped
from shared.services.pagination import Page, keyset_page


# What a list shows beside each contribution: the member's name and the job's title.
_SHOWN = (joinedload(Contribution.user), joinedload(Contribution.job))


@dataclass
class ContributionFilter:
    job_id: str | None = None
    user_id: str | None = None
    team_id: str | None = None
    status: ReviewStatus | None = None


def list_contributions(session: Session, user: User, filters: ContributionFilter, *, limit: int,
                       cursor: str | None) -> Page[Contribution]:
    """A coordinator's teams' contributions; a promoter's own. Newest first."""
    stmt = scoped(sa.select(Contribution), Contribution, user, session).options(*_SHOWN)
    if filters.job_id:
        stmt = stmt.where(Contribution.job_id == filters.job_id)
    if filters.user_id:
        stmt = stmt.where(Contribution.user_id == filters.user_id)
    if filters.team_id:
        stmt = stmt.where(Contribution.team_id == filters.team_id)
    if filters.status:
        stmt = stmt.where(Contribution.status == filters.status)
    return keyset_page(session, stmt, Contribution, limit=limit, cursor=cursor)


def get_contribution(session: Session, user: User, contribution_id: str, *,
                     for_update: bool = False) -> Contribution:
    """:raise NotFound: not one of the user's own, nor of a team she coordinates."""
    return get_for(session, user, Contribution, contribution_id, for_update=for_update)


def _reviews(user: User) -> bool:
    """Whoever sees a contribution and is not a promoter coordinates its team (visible_to)."""
    return user.role in (Role.coordinator, Role.admin)


def create_contribution(session: Session, user: User, data: Mapping) -> Contribution:
    """`data`: job_id, user_id (coordinators: the member), kind, quantity, note, evidence_url.

    :raise NotFound: a job the user cannot see.
    :raise Forbidden: the page owner; a promoter recording for someone else.
    :raise Conflict: the job is a draft.
    :raise Invalid: the member named is not assigned to the job.
    """
    job = get_for(session, user, PromotionJob, data["job_id"])
    if user.role == Role.promoter:
        if data.get("user_id") not in (None, user.id):
            raise Forbidden(_l("You can record only your own contributions."))
        member_id = user.id
    elif promotions.coordinates(user, job):
        member_id = data.get("user_id")
        if not member_id:
            raise Invalid("user_id", _l("required: say which member did it"))
    else:
        raise Forbidden(_l("Only the job's members and coordinator record contributions."))
    if job.status == JobStatus.draft:
        raise Conflict(_l("This job is a draft: contributions are recorded once it is active."),
                       current=job.status.value)
    if member_id not in {member.user_id for member in job.members}:
        raise Invalid("user_id", _l("%(id)r is not assigned to this job", id=member_id))
    contribution = Contribution(
        job_id=job.id, team_id=job.team_id, user_id=member_id, kind=data["kind"],
        quantity=data["quantity"], note=data.get("note") or "", evidence_url=data.get("evidence_url"),
        status=ReviewStatus.pending, rejection_reason="",
    )
    session.add(contribution)
    flush(session)
    return contribution


def update_contribution(session: Session, user: User, contribution: Contribution,
                        changes: Mapping) -> Contribution:
    """Edit kind, quantity, note, evidence_url (its member, while pending; or the
    coordinator), or review it: `status` approved, rejected (with `rejection_reason`) or
    pending again (the coordinator).

    :raise Forbidden: a member reviewing, or editing once it was reviewed.
    :raise Invalid: a rejection without a reason.
    """
    reviewing = "status" in changes or "rejection_reason" in changes
    if reviewing and not _reviews(user):
        raise Forbidden(_l("Only the team's coordinator approves or rejects contributions."))
    if not _reviews(user) and contribution.status != ReviewStatus.pending:
        raise Forbidden(_l("This contribution was %(status)s: ask your coordinator to change it.",
                           status=status_label(contribution.status)))
    if "kind" in changes:
        contribution.kind = changes["kind"]
    if "quantity" in changes:
        contribution.quantity = changes["quantity"]
    if "note" in changes:
        contribution.note = changes["note"]
    if "evidence_url" in changes:
        contribution.evidence_url = changes["evidence_url"]
    if reviewing:
        status = changes.get("status", contribution.status)
        reason = changes.get("rejection_reason", contribution.rejection_reason if status ==
                             ReviewStatus.rejected else "").strip()
        if status == ReviewStatus.rejected and not reason:
            raise Invalid("rejection_reason", _l("required when rejecting: say why, so she can learn"))
        contribution.status = status
        contribution.rejection_reason = reason if status == ReviewStatus.rejected else ""
        pending = status == ReviewStatus.pending
        contribution.reviewed_by_id = None if pending else user.id
        contribution.reviewed_at = None if pending else utcnow()
    contribution.updated_at = utcnow()
    flush(session)
    return contribution


def delete_contribution(session: Session, user: User, contribution: Contribution) -> None:
    """:raise Forbidden: a member deleting one already reviewed."""
    if not _reviews(user) and contribution.status != ReviewStatus.pending:
        raise Forbidden(_l("This contribution was %(status)s: ask your coordinator to change it.",
                           status=status_label(contribution.status)))
    session.delete(contribution)
    flush(session)


def approved_quantities(session: Session, job_id: str) -> dict[str, int]:
    """{member id: sum of her approved quantities on the job}, in one grouped query."""
    rows = session.execute(
        sa.select(Contribution.user_id, sa.func.sum(Contribution.quantity))
        .where(Contribution.job_id == job_id, Contribution.status == ReviewStatus.approved)
        .group_by(Contribution.user_id)
    ).all()
    return {user_id: int(total) for user_id, total in rows if total}
