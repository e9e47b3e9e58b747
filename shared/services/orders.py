"""Orders ("tawasi"): placing them at the day's prices, changing them, and their payments.

Status changes go through shared.services.order_status (the one place with the rules).
Every write here commits at its end.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, selectinload

from shared.dates import day_range_utc
from shared.errors import Conflict, DomainError, Invalid
from shared.i18n import lazy_join, status_label
from shared.models import (
    Channel, Customer, Order, OrderEvent, OrderLine, OrderStatus, Payment, PaymentMethod, PaymentStatus,
    Product, Seller, User, utcnow,
)
from shared.money import MAX_AMOUNT
from shared.phones import normalise_phone
from shared.services.access import get_for, scoped, seller_for_write
from shared.services.customers import find_by_phone, search_key_pattern
from shared.services.order_status import EDITABLE, apply_transition
from shared.services.pagination import Page, keyset_page

ZERO = Decimal("0.00")
# Two people placing a shop's orders at the same instant both read the same max(number);
# the loser's commit breaks the (seller_id, number) constraint and is rebuilt and retried.
_CREATE_ATTEMPTS = 5

# What a list or a single order shows: its lines and its customer, in a fixed number of queries.
_SHOWN = (selectinload(Order.lines),)


# --- reading -----------------------------------------------------------------------


@dataclass
class OrderFilter:
    status: OrderStatus | None = None
    payment_status: PaymentStatus | None = None
    customer_id: str | None = None
    seller_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None


def list_orders(
    session: Session, user: User, filters: OrderFilter, *, tz_name: str, limit: int, cursor: str | None
) -> Page[Order]:
    """Newest first; `date_from`/`date_to` are calendar days in the zone `tz_name`."""
    stmt = (
        scoped(sa.select(Order), Order, user, session)
        .join(Order.customer)
        .options(contains_eager(Order.customer), *_SHOWN)
    )
    if filters.status:
        stmt = stmt.where(Order.status == filters.status)
    if filters.payment_status:
        stmt = stmt.where(Order.payment_status == filters.payment_status)
    if filters.customer_id:
        stmt = stmt.where(Order.customer_id == filters.customer_id)
    if filters.seller_id:
        stmt = stmt.where(Order.seller_id == filters.seller_id)
    lower, upper = day_range_utc(filters.date_from, filters.date_to, tz_name)
    if lower:
        stmt = stmt.where(Order.created_at >= lower)
    if upper:
        stmt = stmt.where(Order.created_at < upper)
    if pattern := search_key_pattern(filters.q):
        stmt = stmt.where(Customer.search_key.like(pattern, escape="\\"))
    return keyset_page(session, stmt, Order, limit=limit, cursor=cursor)


def get_order(session: Session, user: User, order_id: str) -> Order:
    """:raise NotFound: no such order in the shops the user works for."""
    return get_for(session, user, Order, order_id, options=_SHOWN)


def history(order: Order) -> list[OrderEvent]:
    return list(order.events)


# --- placing -----------------------------------------------------------------------


def _customer_for(session: Session, seller: Seller, data: dict, phone_region: str) -> Customer:
    """The order's customer: the one named by id, or the one typed in (reused by phone)."""
    if data.get("customer_id"):
        customer = session.scalars(
            sa.select(Customer).where(Customer.id == data["customer_id"], Customer.seller_id == seller.id)
        ).one_or_none()
        if customer is None:
            raise Invalid("customer_id", _l("%(seller)s has no customer with id %(id)r",
                                            seller=seller.name, id=data["customer_id"]))
        return customer
    typed = dict(data["customer"])
    typed["phone"] = normalise_phone(typed.get("phone"), phone_region, field="customer.phone")
    existing = find_by_phone(session, seller.id, typed["phone"])
    if existing is not None:
        return existing
    customer = Customer(seller=seller, **typed)
    session.add(customer)
    return customer


def _merged(lines: list[dict]) -> dict[str, int]:
    """{product_id: quantity} in the order given; a product named twice has its quantities added."""
    quantities: dict[str, int] = {}
    for line in lines:
        quantities[line["product_id"]] = quantities.get(line["product_id"], 0) + line["quantity"]
    return quantities


def _products(session: Session, seller: Seller, product_ids) -> dict[str, Product]:
    """The seller's products with these ids, in one query.

    :raise Invalid: a product is not in this seller's catalogue (or does not exist).
    """
    product_ids = list(product_ids)
    if not product_ids:
        return {}
    found = {p.id: p for p in session.scalars(
        sa.select(Product).where(Product.id.in_(product_ids), Product.seller_id == seller.id)
    )}
    for product_id in product_ids:
        if product_id not in found:
            raise Invalid("lines", _l("product %(id)r is not in %(seller)s's catalogue",
                                      id=product_id, seller=seller.name),
                          product_id=product_id)
    return found


def _check_orderable(product: Product, currency: str) -> None:
    if not product.available:
        raise Invalid("lines", _l("%(name)s is not available at the moment", name=product.name),
                      product_id=product.id)
    if product.currency != currency:
        raise Invalid(
            "lines",
            _l("%(name)s is priced in %(product_currency)s but this order is in %(currency)s; "
               "an order has one currency (place a separate order)",
               name=product.name, product_currency=product.currency, currency=currency),
            product_id=product.id,
        )


def _total(order: Order) -> Decimal:
    """The sum of the order's lines. :raise Invalid: it is more than an order can hold."""
    total = sum((line.line_total for line in order.lines), ZERO)
    if total > MAX_AMOUNT:
        raise Invalid("lines", _l("the order total would be too large (%(total)s %(currency)s; "
                                  "at most %(max)s per order): split it into several orders",
                                  total=f"{total:.2f}", currency=order.currency, max=MAX_AMOUNT),
                      max_amount=f"{MAX_AMOUNT}")
    return total


def _build_order(session: Session, user: User, data: dict, phone_region: str) -> Order:
    seller = seller_for_write(session, user, data.get("seller_id"))
    quantities = _merged(data["lines"])
    products = _products(session, seller, quantities)
    currency = products[next(iter(quantities))].currency
    order = Order(
        seller=seller, customer=_customer_for(session, seller, data, phone_region),
        channel=data.get("channel", Channel.whatsapp), note=data.get("note", ""),
        status=OrderStatus.pending, currency=currency, amount_paid=ZERO,
        payment_status=PaymentStatus.unpaid,
    )
    for position, (product_id, quantity) in enumerate(quantities.items()):
        product = products[product_id]
        _check_orderable(product, currency)
        order.lines.append(OrderLine(position=position, product=product, product_name=product.name,
                                     unit_price=product.price, quantity=quantity))
    order.total = _total(order)
    order.events.append(OrderEvent(from_status=None, to_status=OrderStatus.pending,
                                   actor_id=user.id, at=utcnow()))
    return order


def _next_number(session: Session, seller_id: str) -> int:
    return 1 + session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Order.number), 0)).where(Order.seller_id == seller_id)
    )


def create_order(session: Session, user: User, data: dict, *, phone_region: str) -> Order:
    """Place an order at today's catalogue prices, numbered next in its shop.

    `data`: seller_id (optional when the user works for one shop), customer_id or
    customer {name, phone, ...}, lines [{product_id, quantity}], channel, note.

    :raise Invalid: unknown, foreign, unavailable or other-currency product; unknown customer.
    """
    for attempt in range(_CREATE_ATTEMPTS):
        try:
            order = _build_order(session, user, data, phone_region)
            order.number = _next_number(session, order.seller.id)
            session.add(order)
            session.commit()
            return order
        except IntegrityError:
            # A concurrent order took the number, or a concurrent request added the same
            # typed-in customer: rebuild (which now sees theirs) and try again.
            session.rollback()
            if attempt == _CREATE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


# --- changing ----------------------------------------------------------------------


def _replace_lines(session: Session, order: Order, lines: list[dict]) -> None:
    """New lines for the order. A product already on it keeps the name and price it was
    ordered at; a product new to the order is priced from today's catalogue."""
    if order.status not in EDITABLE:
        raise Conflict(
            _l("Order %(number)s is %(status)s: its lines can no longer change "
               "(only while %(editable)s).", number=order.number, status=status_label(order.status),
               editable=lazy_join((status_label(s) for s in EDITABLE), conjunction="or")),
            current=order.status.value, editable_while=[s.value for s in EDITABLE],
        )
    quantities = _merged(lines)
    kept = {line.product_id: line for line in order.lines if line.product_id}
    products = _products(session, order.seller, [pid for pid in quantities if pid not in kept])
    new_lines = []
    for position, (product_id, quantity) in enumerate(quantities.items()):
        if product_id in kept:
            old = kept[product_id]
            new_lines.append(OrderLine(position=position, product_id=product_id,
                                       product_name=old.product_name, unit_price=old.unit_price,
                                       quantity=quantity))
        else:
            product = products[product_id]
            _check_orderable(product, order.currency)
            new_lines.append(OrderLine(position=position, product=product, product_name=product.name,
                                       unit_price=product.price, quantity=quantity))
    order.lines.clear()
    session.flush()  # the old lines go before the new ones arrive
    order.lines.extend(new_lines)
    order.total = _total(order)
    order.payment_status = _payment_status(order)


def update_order(session: Session, user: User, order: Order, changes: dict) -> Order:
    """Change note, channel, lines (see _replace_lines) and/or status (see order_status).

    Lines are replaced before the status changes, so one request may fix the lines and
    confirm the order.

    :raise Conflict: lines of an order already purchased; a status change not allowed.
    :raise StaleDataError: the order changed since it was read (the API answers 409).
    """
    # Claim the order first: the UPDATE checks and bumps its version (and holds the row
    # lock on PostgreSQL), so a write based on a stale read fails before any line moves.
    order.updated_at = utcnow()
    session.flush()
    if "lines" in changes:
        _replace_lines(session, order, changes["lines"])
    for field in ("note", "channel"):
        if field in changes:
            setattr(order, field, changes[field])
    if "status" in changes:
        apply_transition(order, changes["status"], user)
    session.commit()
    return order


def delete_order(session: Session, order: Order) -> None:
    """:raise Conflict: the order is past pending, or money was received for it: cancel it instead."""
    if order.status != OrderStatus.pending:
        raise Conflict(
            _l("Order %(number)s is %(status)s; only pending orders can be deleted. "
               "Cancel it instead (PATCH status=cancelled) so its history is kept.",
               number=order.number, status=status_label(order.status)),
            current=order.status.value,
        )
    if order.payments:
        raise Conflict(
            _l("Order %(number)s has payments; cancel it instead (PATCH status=cancelled) "
               "so the money received stays on record.", number=order.number),
            current=order.status.value,
        )
    session.delete(order)
    session.commit()


# --- payments ----------------------------------------------------------------------


def _payment_status(order: Order) -> PaymentStatus:
    paid = order.amount_paid
    if paid <= 0:
        refunded = any(p.amount < 0 for p in order.payments)
        return PaymentStatus.refunded if refunded else PaymentStatus.unpaid
    if paid < order.total:
        return PaymentStatus.partially_paid
    return PaymentStatus.paid


def _record(session: Session, user: User, order: Order, amount: Decimal, method: PaymentMethod,
            paid_at: datetime | None) -> Payment:
    """Add `amount` (negative for a refund) to what was paid, and commit.

    The addition runs in the database first: it takes the order's row lock (the write
    lock on SQLite) until the commit, so concurrent payments queue instead of
    overwriting each other, and the checks below read the current amount, not the
    one this request loaded. It bumps the order's version too: a concurrent write
    based on the amount paid before (a PATCH recomputing payment_status) gets a 409.

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
        raise _refused(session, Conflict(
            _l("Order %(number)s is cancelled: it takes no new payments, only refunds.",
               number=order.number),
            current=order.status.value,
        ))
    if order.amount_paid < 0:
        paid = order.amount_paid - amount
        raise _refused(session, Invalid(
            "amount", _l("cannot refund more than was paid on order %(number)s "
                         "(%(paid)s %(currency)s)", number=order.number, paid=f"{paid:.2f}",
                         currency=order.currency),
            amount_paid=f"{paid:.2f}",
        ))
    if order.amount_paid > MAX_AMOUNT:
        raise _refused(session, _too_large(order, amount))
    payment = Payment(amount=amount, currency=order.currency, method=method,
                      paid_at=paid_at or utcnow(), recorded_by_id=user.id)
    order.payments.append(payment)
    order.payment_status = _payment_status(order)
    session.commit()
    return payment


def _refused(session: Session, error: DomainError) -> DomainError:
    """Undo the addition (and release the lock) before refusing."""
    session.rollback()
    return error


def _too_large(order: Order, amount: Decimal) -> Invalid:
    return Invalid("amount", _l("too large: %(amount)s %(currency)s would take what was "
                                "paid on order %(number)s past %(max)s", amount=f"{abs(amount):.2f}",
                                currency=order.currency, number=order.number, max=MAX_AMOUNT),
                   max_amount=f"{MAX_AMOUNT}")


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
