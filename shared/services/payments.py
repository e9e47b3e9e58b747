"""Payments: money received for an order (cash on delivery, mostly) and refunds.

The order keeps `amount_paid` (payments minus refunds) and `payment_status` beside its
payments, so lists need no SUM; this module is the one place that moves them.
"""
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.db import flush
from shared.errors import Conflict, Invalid
from shared.models import Order, OrderStatus, Payment, PaymentMethod, PaymentStatus, User, utcnow
from shared.money import MAX_AMOUNT


def payment_status(order: Order) -> PaymentStatus:
    paid = order.amount_paid
    if paid <= 0:
        refunded = any(p.amount < 0 for p in order.payments)
        return PaymentStatus.refunded if refunded else PaymentStatus.unpaid
    if paid < order.total:
        return PaymentStatus.partially_paid
    return PaymentStatus.paid


def _too_large(order: Order, amount: Decimal) -> Invalid:
    return Invalid("amount", _l("too large: %(amount)s %(currency)s would take what was "
                                "paid on order %(number)s past %(max)s", amount=f"{abs(amount):.2f}",
                                currency=order.currency, number=order.number, max=MAX_AMOUNT),
                   max_amount=f"{MAX_AMOUNT}")


def _record(session: Session, user: User, order: Order, amount: Decimal, method: PaymentMethod,
            paid_at: datetime | None) -> Payment:
    """Add `amount` (negative for a refund) to what was paid.

    The addition runs in the database first: it takes the order's row lock (the write
    lock on SQLite) until the request's transaction ends, so concurrent payments queue
    instead of overwriting each other, and the checks below read the current amount,
    not the one this request loaded. It bumps the order's version too: a concurrent
    write based on the amount paid before (recomputing payment_status) is Stale. A
    refused payment raises, and the face rolls the addition back with the rest.

    :raise Conflict: a payment (not a refund) for a cancelled order.
    :raise Invalid: a refund of more than was paid; a total paid too large to keep.
    """
    if abs(amount) > MAX_AMOUNT:  # would overflow the column before any check could run
        raise _too_large(order, amount)
    session.execute(
        sa.update(Order).where(Order.id == order.id)
        .values(amount_paid=Order.amount_paid + amount, version=Order.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(order)
    if amount > 0 and order.status == OrderStatus.cancelled:
        raise Conflict(
            _l("Order %(number)s is cancelled: it takes no new payments, only refunds.",
               number=order.number),
            code="invalid-state", current=order.status.value,
        )
    if order.amount_paid < 0:
        paid = order.amount_paid - amount
        raise Invalid(
            "amount", _l("cannot refund more than was paid on order %(number)s "
                         "(%(paid)s %(currency)s)", number=order.number, paid=f"{paid:.2f}",
                         currency=order.currency),
            amount_paid=f"{paid:.2f}",
        )
    if order.amount_paid > MAX_AMOUNT:
        raise _too_large(order, amount)
    payment = Payment(amount=amount, currency=order.currency, method=method,
                      paid_at=paid_at or utcnow(), recorded_by_id=user.id)
    order.payments.append(payment)
    order.payment_status = payment_status(order)
    flush(session)
    return payment


def list_payments(order: Order) -> list[Payment]:
    return list(order.payments)


def add_payment(session: Session, user: User, order: Order, *, amount: Decimal,
                method: PaymentMethod = PaymentMethod.cash, paid_at: datetime | None = None) -> Payment:
    """Money received, in the order's currency. More than the total is kept as the customer's credit.

    :raise Conflict: the order is cancelled (only refunds are accepted then).
    :raise Invalid: the total paid would be too large to keep.
    """
    return _record(session, user, order, amount, method, paid_at)


def add_refund(session: Session, user: User, order: Order, *, amount: Decimal,
               method: PaymentMethod = PaymentMethod.cash) -> Payment:
    """Money given back: stored as a negative payment.

    :raise Invalid: more than what was paid (net) on this order.
    """
    return _record(session, user, order, -amount, method, None)
