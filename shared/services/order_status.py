"""The order life cycle: pending -> confirmed -> purchased -> delivered, cancelled before delivered.

The one place that decides whether a status change is allowed (it also records the
change in the order's history; callers flush), and which statuses count in figures.
"""
from flask_babel import lazy_gettext as _l

from shared.errors import Conflict
from shared.events import emit
from shared.i18n import lazy_join, status_label
from shared.models import Order, OrderEvent, OrderStatus, User, utcnow

S = OrderStatus
ALLOWED: dict[OrderStatus, tuple[OrderStatus, ...]] = {
    S.pending: (S.confirmed, S.cancelled),
    S.confirmed: (S.purchased, S.cancelled),
    S.purchased: (S.delivered, S.cancelled),
    S.delivered: (),
    S.cancelled: (),
}
# Lines (products, quantities) may change only before the goods are bought.
EDITABLE = (S.pending, S.confirmed)
# Which orders count (on a shopping list, in a run's revenue, in sales reports): all but
# cancelled ones. A cancelled order stays where it was (in its run, in its day) for the record.
COUNTED = Order.status != S.cancelled


def apply_transition(order: Order, to: OrderStatus, actor: User | None) -> OrderEvent | None:
    """Move `order` to `to` and append the history event.

    Asking for the status the order is already in changes nothing and returns None: a
    retry of a change that went through (a lost answer on a bad network) is not an error.

    :raise Conflict: the change is not allowed from the order's current status; the
        error carries `allowed`, the statuses it may move to.
    """
    current = order.status
    if to == current:
        return None
    allowed = ALLOWED[current]
    if to not in allowed:
        names = lazy_join(status_label(s) for s in allowed) if allowed else _l("none (it is final)")
        raise Conflict(
            _l("Order %(number)s is %(current)s and cannot become %(to)s. Allowed next: %(allowed)s.",
               number=order.number, current=status_label(current), to=status_label(to),
               allowed=names),
            code="invalid-transition", current=current.value, allowed=[s.value for s in allowed],
        )
    order.status = to
    if to == S.delivered:
        order.delivered_at = utcnow()
    event = OrderEvent(from_status=current, to_status=to, actor=actor, at=utcnow())
    order.events.append(event)
    emit("order.status_changed", order, previous={"status": current.value})
    return event
