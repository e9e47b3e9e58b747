"""Domain events (an order placed, a payment recorded...): what integrators subscribe to.

A service says what happened with `emit(type, row)`, next to the change itself. Nothing
leaves then: the event waits in the session until its transaction commits, when
shared.services.webhooks writes it to the outbox (webhook deliveries) in that same
transaction. An event of a transaction that rolls back is forgotten with it.

The types, what each means and the kind of row it carries are in EVENT_TYPES; the
promotions (issue 9) emit theirs with the same call.
"""
from dataclasses import dataclass

from sqlalchemy.orm import object_session

from shared.models import utcnow

PENDING = "events.pending"  # session.info key: events emitted, not yet in the outbox


@dataclass(frozen=True)
class EventType:
    name: str
    kind: str  # the kind of row its `data` is (shared.services.kinds)
    description: str


EVENT_TYPES: dict[str, EventType] = {event.name: event for event in (
    EventType("order.created", "orders", "An order was placed; `data` is the order."),
    EventType("order.status_changed", "orders",
              "An order moved to another status; `data` is the order, `previous.status` "
              "what it was."),
    EventType("payment.recorded", "payments", "Money was received for an order; `data` is the payment."),
    EventType("payment.refunded", "payments", "Money was given back; `data` is the refund "
                                              "(a negative amount)."),
    EventType("market_run.bought", "market_runs", "A market run was marked bought; `data` is the run."),
    # The promotions' (issue 9): emitted once their kinds are registered.
    EventType("promotion.progress_recorded", "promotions",
              "A progress count was recorded on a promotion job; `data` is the job."),
    EventType("promotion.completed", "promotions", "A promotion job reached its target or was "
                                                   "completed; `data` is the job."),
    EventType("payout.paid", "payouts", "A team member's payout was paid; `data` is the payout."),
)}
TEST_EVENT = "webhook.test"  # sent on request to one subscription, whatever it subscribed to


def emit(type_: str, row, **extra) -> None:
    """Record that `type_` happened to `row` (a Tenanted row in a session); `extra` goes
    into the payload beside `data` (e.g. previous={"status": "pending"})."""
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}: add it to EVENT_TYPES")
    session = object_session(row)
    if session is None:  # a row in no transaction: nothing happened yet
        return
    tenant_id, kind, row_id = row.change_entry()
    session.info.setdefault(PENDING, []).append((type_, kind, row_id, tenant_id, utcnow(), extra))
