"""Payments: money received for an order (cash on delivery, mostly), refunds, and credit
moved between a customer's orders.

The order keeps `amount_paid` (payments minus refunds, in the order's currency) and
`payment_status` beside its payments, so lists need no SUM; this module is the one place
that moves them, and the one place that says what an order's money means (`figures`):
- an order is worth its total (what its kept lines come to), and nothing once cancelled;
- `balance_due` = worth - paid: positive is left to pay, negative was paid beyond the
  worth, and that much is `refundable` (all of it on a cancelled order);
- money paid on an order not yet delivered is a `deposit` on it (up to its total), never
  the customer's credit; what a delivered order still lacks is `owed`.
A refund gives back at most what is refundable, so it can never turn into a debt; only a
`correction` (a payment recorded by mistake) takes back up to everything paid.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.changelog import note_money
from shared.client_ids import chosen_id
from shared.db import flush
from shared.errors import Conflict, Invalid
from shared.events import emit
from shared.models import (
    Order, OrderStatus, Payment, PaymentMethod, PaymentStatus, RefundReason, User, utcnow,
)
from shared.money import MAX_AMOUNT, ZERO, convert

LIVE_UNDELIVERED = (OrderStatus.pending, OrderStatus.confirmed, OrderStatus.purchased)


# --- what an order's money means ---------------------------------------------------------


@dataclass(frozen=True)
class MoneyFigures:
    """An order's money, in its currency (see the module's rules)."""

    worth: Decimal
    balance_due: Decimal
    refundable: Decimal
    deposit: Decimal
    owed: Decimal


def figures(status: OrderStatus, total: Decimal, paid: Decimal) -> MoneyFigures:
    """The money figures of an order in `status`, worth `total`, with `paid` received (net).

    Every figure is linear in (total, paid) while the sign of total - paid stays the
    same, so the figures of a group of orders of one status and one sign are the figures
    of their summed totals and payments: customers' balances rely on it.
    """
    worth = ZERO if status == OrderStatus.cancelled else total
    balance = worth - paid
    return MoneyFigures(
        worth=worth,
        balance_due=balance,
        refundable=max(-balance, ZERO),
        deposit=min(paid, total) if status in LIVE_UNDELIVERED else ZERO,
        owed=max(balance, ZERO) if status == OrderStatus.delivered else ZERO,
    )


def order_figures(order: Order) -> MoneyFigures:
    return figures(order.status, order.total, order.amount_paid)


def payment_status(order: Order) -> PaymentStatus:
    paid = order.amount_paid
    if paid <= 0:
        refunded = any(p.amount < 0 for p in order.payments)
        return PaymentStatus.refunded if refunded else PaymentStatus.unpaid
    if paid < order.total:
        return PaymentStatus.partially_paid
    return PaymentStatus.paid


# --- recording money -------------------------------------------------------------------


def _too_large(order: Order, amount: Decimal) -> Invalid:
    return Invalid("amount", _l("too large: %(amount)s %(currency)s would take what was "
                                "paid on order %(number)s past %(max)s", amount=f"{abs(amount):.2f}",
                                currency=order.currency, number=order.number, max=MAX_AMOUNT),
                   max_amount=f"{MAX_AMOUNT}")


def _in_order_currency(order: Order, amount: Decimal, currency: str, rate: Decimal | None,
                       rate_per: str | None) -> Decimal:
    """`amount` (money as handed over, in `currency`) as it counts on the order.

    :raise Invalid: another currency without a rate (or with a rate_per that is neither
        currency), a rate for the order's own currency, or an amount that converts to 0.00.
    """
    if currency == order.currency:
        if rate is not None or rate_per is not None:
            raise Invalid("rate", _l("order %(number)s is in %(currency)s, as is this money: "
                                     "leave out rate and rate_per", number=order.number,
                                     currency=order.currency))
        return amount
    if rate is None or rate_per not in (currency, order.currency):
        raise Invalid("rate", _l("order %(number)s is in %(order_currency)s and this money is in "
                                 "%(currency)s: send the rate you applied as rate and rate_per, "
                                 "e.g. rate 34 and rate_per USD for 1 USD = 34 TRY",
                                 number=order.number, order_currency=order.currency, currency=currency),
                      currencies=[order.currency, currency])
    converted = convert(abs(amount), currency, order.currency, rate, rate_per)
    if converted == 0:
        raise Invalid("amount", _l("%(amount)s %(currency)s at this rate is less than 0.01 "
                                   "%(order_currency)s", amount=f"{abs(amount):.2f}", currency=currency,
                                   order_currency=order.currency))
    return converted if amount > 0 else -converted


def _refund_refused(order: Order, paid_before: Decimal, bound: Decimal, reason: RefundReason) -> Invalid:
    paid, refundable = f"{paid_before:.2f}", f"{bound:.2f}"
    if reason == RefundReason.correction or order.status == OrderStatus.cancelled:
        return Invalid("amount", _l("cannot take back more than was paid on order %(number)s "
                                    "(%(paid)s %(currency)s)", number=order.number,
                                    paid=paid, currency=order.currency),
                       amount_paid=paid, refundable=refundable)
    return Invalid(
        "amount",
        _l("order %(number)s is worth %(total)s %(currency)s and %(paid)s %(currency)s was paid on "
           "it: at most %(refundable)s %(currency)s can be given back. If goods came back, record "
           "the return first (it lowers the total); if the order is off, cancel it; if a payment "
           "was recorded by mistake, refund it with the reason correction.",
           number=order.number, total=f"{order.total:.2f}", paid=paid, refundable=refundable,
           currency=order.currency),
        amount_paid=paid, refundable=refundable,
    )


def _record(session: Session, user: User, order: Order, amount: Decimal, *, method: PaymentMethod,
            currency: str | None = None, rate: Decimal | None = None, rate_per: str | None = None,
            paid_at: datetime | None = None, reason: RefundReason | None = None, note: str = "",
            linked_order: Order | None = None, payment_id: str | None = None) -> Payment:
    """Add `amount` (negative for a refund) in `currency` (the order's by default) to what was paid.

    The addition runs in the database first: it takes the order's row lock (the write
    lock on SQLite) until the request's transaction ends, so concurrent payments queue
    instead of overwriting each other, and the checks below read the current amount,
    not the one this request loaded. It bumps the order's version too: a concurrent
    write based on the amount paid before (recomputing payment_status) is Stale. A
    refused payment raises, and the face rolls the addition back with the rest.

    :raise Conflict: a payment (not a refund) for a cancelled order.
    :raise Invalid: a refund of more than is refundable; a total paid too large to keep;
        another currency without a rate.
    """
    currency = currency or order.currency
    if abs(amount) > MAX_AMOUNT:  # would overflow the column before any check could run
        raise _too_large(order, amount)
    order_amount = _in_order_currency(order, amount, currency, rate, rate_per)
    if abs(order_amount) > MAX_AMOUNT:
        raise _too_large(order, order_amount)
    payment_id = chosen_id(session, Payment, {"id": payment_id})
    session.execute(
        sa.update(Order).where(Order.id == order.id)
        .values(amount_paid=Order.amount_paid + order_amount, version=Order.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(order)
    note_money(session, order, "amount_paid", order.amount_paid - order_amount, order.amount_paid)
    if order_amount > 0 and order.status == OrderStatus.cancelled:
        raise Conflict(
            _l("Order %(number)s is cancelled: it takes no new payments, only refunds.",
               number=order.number),
            code="invalid-state", current=order.status.value,
        )
    if order_amount < 0:
        paid_before = order.amount_paid - order_amount
        bound = (paid_before if reason == RefundReason.correction
                 else figures(order.status, order.total, paid_before).refundable)
        if -order_amount > bound:
            raise _refund_refused(order, paid_before, bound, reason)
    if order.amount_paid > MAX_AMOUNT:
        raise _too_large(order, order_amount)
    payment = Payment(id=payment_id, amount=amount, currency=currency, order_amount=order_amount, rate=rate,
                      rate_per=rate_per if rate is not None else None, method=method, reason=reason,
                      note=note or "", linked_order_id=linked_order.id if linked_order else None,
                      paid_at=paid_at or utcnow(), recorded_by_id=user.id)
    order.payments.append(payment)
    order.payment_status = payment_status(order)
    flush(session)
    emit("payment.recorded" if amount > 0 else "payment.refunded", payment)
    return payment


def list_payments(order: Order) -> list[Payment]:
    return list(order.payments)


def add_payment(session: Session, user: User, order: Order, *, amount: Decimal,
                method: PaymentMethod = PaymentMethod.cash, paid_at: datetime | None = None,
                currency: str | None = None, rate: Decimal | None = None,
                rate_per: str | None = None, payment_id: str | None = None) -> Payment:
    """Money received. In the order's currency unless `currency` says otherwise; then
    `rate` units of one currency per one `rate_per` (the other) convert it, and the order
    counts the converted amount (to the cent, half-up). A payment before delivery is a
    deposit on the order; more than the total is kept as the customer's credit.

    :raise Conflict: the order is cancelled (only refunds are accepted then).
    :raise Invalid: the total paid would be too large to keep; a missing or needless rate.
    """
    return _record(session, user, order, amount, method=method, currency=currency, rate=rate,
                   rate_per=rate_per, paid_at=paid_at, payment_id=payment_id)


def default_reason(order: Order) -> RefundReason:
    """What a refund is for when nobody said: the order's cancellation, its returns, or an overpayment."""
    if order.status == OrderStatus.cancelled:
        return RefundReason.cancelled
    if order.returns:
        return RefundReason.returned
    return RefundReason.overpaid


def add_refund(session: Session, user: User, order: Order, *, amount: Decimal,
               method: PaymentMethod = PaymentMethod.cash, reason: RefundReason | None = None,
               note: str = "", paid_at: datetime | None = None, currency: str | None = None,
               rate: Decimal | None = None, rate_per: str | None = None,
               payment_id: str | None = None) -> Payment:
    """Money given back: stored as a negative payment, with its reason (see default_reason).

    :raise Invalid: more than is refundable on this order (more than was paid, for a
        correction); a missing or needless rate.
    """
    return _record(session, user, order, -amount, method=method, currency=currency, rate=rate,
                   rate_per=rate_per, paid_at=paid_at, reason=reason or default_reason(order), note=note,
                   payment_id=payment_id)


# --- credit moved between a customer's orders ------------------------------------------------


def _credit_sources(session: Session, order: Order, from_order: Order | None) -> list[Order]:
    """The orders whose refundable money may pay `order`, locked, oldest first.

    :raise Invalid: `from_order` is `order`, another customer's, or in another currency.
    """
    if from_order is not None:
        if from_order.id == order.id or from_order.customer_id != order.customer_id:
            raise Invalid("from_order_id", _l("credit moves only between two orders of the same "
                                              "customer"))
        if from_order.currency != order.currency:
            raise Invalid("from_order_id", _l("order %(number)s is in %(currency)s and this one in "
                                              "%(order_currency)s: refund it, and record the money as "
                                              "a payment here at the rate you apply",
                                              number=from_order.number, currency=from_order.currency,
                                              order_currency=order.currency))
        wanted = sa.and_(Order.id == from_order.id)
    else:
        wanted = sa.and_(Order.customer_id == order.customer_id, Order.currency == order.currency,
                         Order.id != order.id, Order.amount_paid > 0)
    candidates = session.scalars(
        sa.select(Order).where(wanted).order_by(Order.number).with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return [source for source in candidates if order_figures(source).refundable > 0]


def apply_credit(session: Session, user: User, order: Order, *, from_order: Order | None = None,
                 amount: Decimal | None = None) -> list[Payment]:
    """Pay `order` with what the customer has paid beyond the worth of their other orders
    (delivered orders paid too much, returns not yet refunded, cancelled orders not yet
    refunded): from `from_order`, or from each such order of theirs in the order's
    currency, oldest first. Each move is a refund (reason `moved`) on the order it leaves
    and a payment (method `credit`) on `order`, each naming the other (linked_order_id).

    `amount`: at most what is left to pay on `order`; all of it, or all the credit there
    is, when left out. Deposits on orders not yet delivered are not credit and never move.

    :raise Conflict: `order` is cancelled.
    :raise Invalid: nothing left to pay, no credit, `amount` beyond either; see _credit_sources.
    """
    if order.status == OrderStatus.cancelled:
        raise Conflict(_l("Order %(number)s is cancelled: it takes no new payments.",
                          number=order.number), current=order.status.value)
    due = order_figures(order).balance_due
    if due <= 0:
        raise Invalid("amount", _l("nothing is left to pay on order %(number)s", number=order.number))
    sources = _credit_sources(session, order, from_order)
    available = sum((order_figures(source).refundable for source in sources), ZERO)
    if not available:
        raise Invalid("from_order_id", _l("the customer has no credit in %(currency)s on other orders",
                                          currency=order.currency))
    if amount is None:
        amount = min(due, available)
    if amount > due:
        raise Invalid("amount", _l("only %(due)s %(currency)s is left to pay on order %(number)s",
                                   due=f"{due:.2f}", currency=order.currency, number=order.number))
    if amount > available:
        raise Invalid("amount", _l("the customer has %(available)s %(currency)s of credit to move",
                                   available=f"{available:.2f}", currency=order.currency))
    moved, left = [], amount
    for source in sources:
        take = min(left, order_figures(source).refundable)
        if take <= 0:
            break
        _record(session, user, source, -take, method=PaymentMethod.credit, reason=RefundReason.moved,
                linked_order=order)
        moved.append(_record(session, user, order, take, method=PaymentMethod.credit,
                             linked_order=source))
        left -= take
    return moved
