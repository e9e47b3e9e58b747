"""The promotion job life cycle: draft -> active -> completed, or cancelled before it completes.

The one place that decides whether a job's status may change; it records the change in
the job's history and, when the job ends (completed or cancelled), freezes its
earnings at the last count (callers pass the figures and flush).
"""
from flask_babel import lazy_gettext as _l

from shared.errors import Conflict
from shared.events import emit
from shared.i18n import lazy_join, status_label
from shared.models import JobEvent, JobStatus, PromotionJob, User, utcnow

S = JobStatus
ALLOWED: dict[JobStatus, tuple[JobStatus, ...]] = {
    S.draft: (S.active, S.cancelled),
    S.active: (S.completed, S.cancelled),
    S.completed: (),
    S.cancelled: (),
}
# The terms (metric, baseline, target, price or reward) may change only before work starts.
TERMS_EDITABLE = (S.draft,)
# Progress is recorded while the job runs; after it ends its figures are frozen.
RECORDING = (S.active,)
# The page owner owes what these jobs earned (the client statement), and only these are paid out.
BILLED = (S.active, S.completed)
ENDED = (S.completed, S.cancelled)


def apply_transition(job: PromotionJob, to: JobStatus, actor: User | None, *,
                     final_count: int | None = None, final_earned=None) -> JobEvent:
    """Move `job` to `to` and append the history event. Ending the job stores
    `final_count` and `final_earned` (its figures now) on it: they never move after.

    :raise Conflict: the change is not allowed from the job's current status; the error
        carries `allowed`, the statuses it may move to.
    """
    current = job.status
    allowed = ALLOWED[current]
    if to not in allowed:
        names = lazy_join(status_label(s) for s in allowed) if allowed else _l("none (it is final)")
        raise Conflict(
            _l("This promotion job is %(current)s and cannot become %(to)s. Allowed next: "
               "%(allowed)s.", current=status_label(current), to=status_label(to), allowed=names),
            code="invalid-transition", current=current.value, allowed=[s.value for s in allowed],
        )
    now = utcnow()
    job.status = to
    if to == S.active:
        job.started_at = now
    if to in ENDED:
        job.ended_at = now
        job.final_count = final_count
        job.final_earned = final_earned
    event = JobEvent(from_status=current, to_status=to, actor_id=actor.id if actor else None, at=now)
    job.events.append(event)
    if to == S.completed:
        emit("promotion.completed", job)
    return event
