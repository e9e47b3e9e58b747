"""Payouts: a job's earnings, less the coordinator's share, split among its members.

Rules decided here:
- A payout set covers the job's earnings not covered before: from the job's
  `paid_through` up to what it has earned now (frozen once it ended). The coordinator
  keeps her team's percentage of that, rounded half-up once; the rest is split among
  the members, equally or by their approved contributions, with shared.money.allocate
  (largest remainder: the shares sum exactly to the amount).
- Never twice for the same earnings: the job row is locked (PostgreSQL) and its
  `paid_through` moved by a compare-and-set UPDATE; of two requests made from the same
  read, one moves it and the other is refused (409) and writes nothing. Each set
  records the range it covers (`earned_before`, `earned_through`), unique per job.
- A payout runs pending -> paid, with the day and the method.
- Only jobs paid in money, active or completed (what the client is billed for), are
  paid out; in-kind rewards are handed over, not split.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload, selectinload

from shared.db import flush
from shared.errors import Conflict, Forbidden, Invalid
from shared.events import emit
from shared.i18n import lazy_join, status_label
from shared.models import (
    PaymentMethod, Payout, PayoutSet, PayoutStatus, PromotionJob, Role, Split, Team, User, utcnow,
)
from shared.money import allocate, prorate
from shared.services import contributions, promotions
from shared.services.access import get_for, scoped
from shared.services.pagination import Page, keyset_page
from shared.services.promotion_status import BILLED

# The payout life cycle, written once: pending -> paid.
ALLOWED: dict[PayoutStatus, tuple[PayoutStatus, ...]] = {
    PayoutStatus.pending: (PayoutStatus.paid,),
    PayoutStatus.paid: (),
}
_SET_SHOWN = (selectinload(PayoutSet.payouts),)
# What a list shows beside each payout: the member's name and the job's title.
_PAYOUT_SHOWN = (joinedload(Payout.user), joinedload(Payout.payout_set).joinedload(PayoutSet.job))


# --- reading -------------------------------------------------------------------------------


@dataclass
class PayoutFilter:
    job_id: str | None = None
    user_id: str | None = None
    team_id: str | None = None
    status: PayoutStatus | None = None


def list_payouts(session: Session, user: User, filters: PayoutFilter, *, limit: int,
                 cursor: str | None) -> Page[Payout]:
    """Her teams' payouts for a coordinator; her own for a promoter. Newest first."""
    stmt = scoped(sa.select(Payout), Payout, user, session).options(*_PAYOUT_SHOWN)
    if filters.job_id:
        stmt = stmt.where(Payout.job_id == filters.job_id)
    if filters.user_id:
        stmt = stmt.where(Payout.user_id == filters.user_id)
    if filters.team_id:
        stmt = stmt.where(Payout.team_id == filters.team_id)
    if filters.status:
        stmt = stmt.where(Payout.status == filters.status)
    return keyset_page(session, stmt, Payout, limit=limit, cursor=cursor)


def get_payout(session: Session, user: User, payout_id: str, *, for_update: bool = False) -> Payout:
    """:raise NotFound: not her own, nor of a team the user coordinates."""
    return get_for(session, user, Payout, payout_id, for_update=for_update)


def list_payout_sets(session: Session, user: User, *, job_id: str | None, team_id: str | None,
                     limit: int, cursor: str | None) -> Page[PayoutSet]:
    stmt = scoped(sa.select(PayoutSet), PayoutSet, user, session).options(*_SET_SHOWN)
    if job_id:
        stmt = stmt.where(PayoutSet.job_id == job_id)
    if team_id:
        stmt = stmt.where(PayoutSet.team_id == team_id)
    return keyset_page(session, stmt, PayoutSet, limit=limit, cursor=cursor)


def get_payout_set(session: Session, user: User, set_id: str) -> PayoutSet:
    """:raise NotFound: not a set of a team the user coordinates."""
    return get_for(session, user, PayoutSet, set_id, options=_SET_SHOWN)


# --- splitting -------------------------------------------------------------------------------


def _weights(session: Session, job: PromotionJob, split: Split) -> dict[str, int]:
    """{member id: weight}: 1 each for the assigned members, or their approved quantities.

    :raise Conflict: nobody to pay (no members; no approved contributions).
    """
    if split == Split.equal:
        weights = {member.user_id: 1 for member in job.members}
        if not weights:
            raise Conflict(_l("Nobody is assigned to this job: assign members before paying out."))
        return weights
    approved = contributions.approved_quantities(session, job.id)
    if not approved:
        raise Conflict(_l("No contribution to this job is approved yet: approve contributions, or "
                          "split equally."))
    # In a fixed order (the job's members as assigned, then anyone since unassigned), so a
    # cent left over by the rounding always goes to the same person.
    assigned = [member.user_id for member in job.members]
    order = [u for u in assigned if u in approved] + sorted(u for u in approved if u not in assigned)
    return {user_id: approved[user_id] for user_id in order}


def create_payout_set(session: Session, user: User, job_id: str, *, split: Split | None = None) -> PayoutSet:
    """Pay out what the job earned since its last payout set (see the module's rules).

    :raise NotFound: a job the user cannot see.
    :raise Forbidden: not the job's coordinator (the page owner, a member).
    :raise Conflict: in kind, not active or completed, no team, nothing new earned,
        nobody to pay, or paid out by another request at the same moment.
    """
    job = get_for(session, user, PromotionJob, job_id, for_update=True,
                  options=(selectinload(PromotionJob.members),))
    promotions.check_coordinator(user, job)
    if job.price is None:
        raise Conflict(_l("This job is paid in kind: its reward is handed over, not split."))
    if job.status not in BILLED:
        raise Conflict(_l("This job is %(status)s: only active and completed jobs are paid out.",
                          status=status_label(job.status)), current=job.status.value,
                       allowed=[s.value for s in BILLED])
    team = session.get(Team, job.team_id) if job.team_id else None
    if team is None:
        raise Conflict(_l("This job has no team: set its team_id before paying out."))
    earned = promotions.current_figures(session, job).earned
    before = job.paid_through
    if earned <= before:
        raise Conflict(_l("Nothing new to pay out: %(paid)s %(currency)s of the %(earned)s earned "
                          "were paid out already.", paid=f"{before:.2f}", currency=job.currency,
                          earned=f"{earned:.2f}"), paid_through=f"{before:.2f}", earned=f"{earned:.2f}")
    split = split or job.split
    weights = _weights(session, job, split)
    gross = earned - before
    coordinator_amount = prorate(gross, team.coordinator_share, 100)
    amount = gross - coordinator_amount
    claimed = session.execute(
        sa.update(PromotionJob)
        .where(PromotionJob.id == job.id, PromotionJob.paid_through == before)
        .values(paid_through=earned)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(_l("This job was paid out by someone else at the same moment; reload it "
                          "to see what is left."))
    payout_set = PayoutSet(job_id=job.id, team_id=team.id, currency=job.currency, split=split,
                           earned_before=before, earned_through=earned,
                           coordinator_share=team.coordinator_share,
                           coordinator_amount=coordinator_amount, amount=amount, created_by_id=user.id)
    members = list(weights)
    for position, (member_id, share) in enumerate(zip(members, allocate(amount, list(weights.values())))):
        payout_set.payouts.append(Payout(
            position=position, job_id=job.id, team_id=team.id, user_id=member_id,
            weight=weights[member_id], amount=share, currency=job.currency,
            status=PayoutStatus.pending, note="",
        ))
    session.add(payout_set)
    flush(session)
    return payout_set


# --- paying ----------------------------------------------------------------------------------


def update_payout(session: Session, user: User, payout: Payout, changes: Mapping, *,
                  today: date) -> Payout:
    """Mark a payout paid (`status`, `paid_on` today if left out, `method` cash if left
    out), correct the day or method of a paid one, or change its note.

    :raise Forbidden: the promoter it is for (she reads it).
    :raise Conflict: a paid payout made pending again.
    :raise Invalid: a day or method for a payout still pending.
    """
    if user.role not in (Role.coordinator, Role.admin):
        raise Forbidden(_l("Only the team's coordinator records payouts as paid; you can read yours."))
    target = changes.get("status", payout.status)
    if target != payout.status and target not in ALLOWED[payout.status]:
        allowed = ALLOWED[payout.status]
        raise Conflict(_l("This payout is %(current)s and cannot become %(to)s. Allowed next: "
                          "%(allowed)s.", current=status_label(payout.status), to=status_label(target),
                          allowed=lazy_join(status_label(s) for s in allowed) if allowed
                          else _l("none (it is final)")),
                       current=payout.status.value, allowed=[s.value for s in allowed])
    if target == PayoutStatus.pending:
        for name in ("paid_on", "method"):
            if name in changes:
                raise Invalid(name, _l("only for a paid payout: send \"status\": \"paid\" with it"))
    else:
        if payout.status != PayoutStatus.paid:
            emit("payout.paid", payout)
        payout.status = PayoutStatus.paid
        payout.paid_on = changes.get("paid_on") or payout.paid_on or today
        payout.method = changes.get("method") or payout.method or PaymentMethod.cash
    if "note" in changes:
        payout.note = changes["note"]
    payout.updated_at = utcnow()
    flush(session)
    return payout
