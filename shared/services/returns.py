"""Returns: goods a customer gave back after delivery, and what that does to the order.

A return names lines of a delivered order and how many of each came back. The lines
keep what was ordered (and bought) and count what came back (`returned_quantity`); the
order's total drops by the returned value (unit price x quantity, exactly), so its
balance and the customer's drop too: what was paid beyond the new total is refundable
(shared.services.payments), and a refund with the reason `returned` settles it.
"""
from collections.abc import Mapping
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.db import flush
from shared.errors import Conflict, Invalid
from shared.i18n import status_label
from shared.models import Order, OrderLine, OrderReturn, OrderReturnLine, OrderStatus, User, utcnow
from shared.money import ZERO
from shared.services.payments import payment_status


def _line_for(order: Order, item: Mapping) -> OrderLine:
    """The order's line an item names by `line_id` or by `product_id`. :raise Invalid: none."""
    if item.get("line_id"):
        line = next((line for line in order.lines if line.id == item["line_id"]), None)
        if line is None:
            raise Invalid("lines", _l("order %(number)s has no line with id %(id)r",
                                      number=order.number, id=item["line_id"]), line_id=item["line_id"])
        return line
    line = next((line for line in order.lines if line.product_id == item["product_id"]), None)
    if line is None:
        raise Invalid("lines", _l("product %(id)r is not on order %(number)s",
                                  id=item["product_id"], number=order.number), product_id=item["product_id"])
    return line


def record_return(session: Session, user: User, order: Order, *, lines: list[Mapping], note: str = "",
                  returned_at: datetime | None = None) -> OrderReturn:
    """Goods given back: `lines` [{line_id or product_id, quantity}] of a delivered order.

    A line named twice has its quantities added. Load the order `for_update` first.

    :raise Conflict: the order is not delivered (before delivery, change its lines or cancel it).
    :raise Invalid: a line not on the order; more than was kept of a line.
    :raise Stale: the order changed since it was read.
    """
    if order.status != OrderStatus.delivered:
        raise Conflict(
            _l("Order %(number)s is %(status)s: goods come back only after delivery. Before "
               "that, change its lines or cancel it.", number=order.number,
               status=status_label(order.status)),
            current=order.status.value,
        )
    # Claim the order first (its version, and its row lock on PostgreSQL): two returns of
    # the same line at once cannot both see it unreturned.
    order.updated_at = utcnow()
    flush(session)
    quantities: dict[str, int] = {}
    named: dict[str, OrderLine] = {}
    for item in lines:
        line = _line_for(order, item)
        named[line.id] = line
        quantities[line.id] = quantities.get(line.id, 0) + item["quantity"]
    for line_id, quantity in quantities.items():
        line = named[line_id]
        if quantity > line.kept_quantity:
            raise Invalid("lines", _l("only %(kept)s of %(name)s can come back (%(ordered)s ordered, "
                                      "%(returned)s returned already)", kept=line.kept_quantity,
                                      name=line.product_name, ordered=line.quantity,
                                      returned=line.returned_quantity),
                          line_id=line.id, returnable=line.kept_quantity)
    returned = OrderReturn(currency=order.currency, note=note or "", returned_at=returned_at or utcnow(),
                           recorded_by_id=user.id, amount=ZERO)
    for position, (line_id, quantity) in enumerate(quantities.items()):
        line = named[line_id]
        returned.lines.append(OrderReturnLine(order_line=line, position=position, quantity=quantity,
                                              unit_price=line.unit_price))
        line.returned_quantity += quantity
    returned.amount = sum((item.amount for item in returned.lines), ZERO)
    order.returns.append(returned)
    order.total -= returned.amount
    order.payment_status = payment_status(order)
    flush(session)
    return returned


def list_returns(order: Order) -> list[OrderReturn]:
    return list(order.returns)
