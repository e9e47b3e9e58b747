"""Orders ("tawasi"): placing them at the day's prices, changing them, finding them.

Status changes go through shared.services.order_status (the one place with the rules);
money received goes through shared.services.payments, goods given back through
shared.services.returns. What an order shows beside its columns (balance_due,
refundable, returned_total) comes back explicitly, as OrderWithFigures.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from shared.changelog import next_order_number
from shared.client_ids import chosen_id
from shared.dates import day_range_utc
from shared.db import flush
from shared.errors import Conflict, Invalid
from shared.events import emit
from shared.i18n import lazy_join, status_label
from shared.models import (
    Channel, Customer, Order, OrderEvent, OrderLine, OrderStatus, PaymentStatus, Product, Seller, User,
    utcnow,
)
from shared.models.base import Money
from shared.money import MAX_AMOUNT, ZERO
from shared.phones import normalise_phone
from shared.services.access import get_for, scoped, seller_for_write
from shared.services.customers import find_by_phone, new_customer, search_key_pattern
from shared.services.figures import WithFigures
from shared.services.order_status import COUNTED, EDITABLE, apply_transition
from shared.services.pagination import Page, keyset_page
from shared.services.payments import MoneyFigures, order_figures, payment_status
from shared.text import ascii_digits

# What a list or a single order shows: its lines and its customer, in a fixed number of queries.
_SHOWN = (selectinload(Order.lines),)
_ONE = (joinedload(Order.customer), joinedload(Order.lines))
# The most of one product an order may hold, counted after lines naming it twice are merged.
MAX_QUANTITY = 100_000


# --- figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFigures(MoneyFigures):
    """The order's money (see shared.services.payments.figures) and the value of its returns."""

    returned_total: Decimal


@dataclass(frozen=True)
class OrderWithFigures(WithFigures[Order]):
    """An order and its `figures`: what the Order schema shows."""

    figures: OrderFigures


def with_figures(order: Order) -> OrderWithFigures:
    """The order with its figures; computed from its own columns and lines, no query."""
    returned = sum((line.unit_price * line.returned_quantity for line in order.lines), ZERO)
    money = order_figures(order)
    return OrderWithFigures(order, OrderFigures(
        worth=money.worth, balance_due=money.balance_due, refundable=money.refundable,
        deposit=money.deposit, owed=money.owed, returned_total=returned))


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


def _number(q: str) -> int | None:
    """The order number `q` spells ("19", "#19", "١٩"), or None."""
    text = ascii_digits(q).strip().lstrip("#").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def list_orders(
    session: Session, user: User, filters: OrderFilter, *, tz_name: str, limit: int, cursor: str | None
) -> Page[OrderWithFigures]:
    """Newest first; `date_from`/`date_to` are calendar days in the zone `tz_name`.

    `q` finds the customer's name (Arabic spelling variants match) or phone (any writing
    of it, or its last digits), and, when it is a number, the order with that number.
    """
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
        found = Customer.search_key.like(pattern, escape="\\")
        if (number := _number(filters.q)) is not None:
            found = sa.or_(found, Order.number == number)
        stmt = stmt.where(found)
    page = keyset_page(session, stmt, Order, limit=limit, cursor=cursor)
    return Page([with_figures(order) for order in page.items], page.next_cursor)


def get_order(session: Session, user: User, order_id: str, *, for_update: bool = False) -> Order:
    """:raise NotFound: no such order in the shops the user works for.

    A read loads the order, its customer and its lines in one statement (joined); a
    write locks the order row alone and loads its lines beside it."""
    options = _SHOWN if for_update else _ONE
    return get_for(session, user, Order, order_id, options=options, for_update=for_update)


def history(order: Order) -> list[OrderEvent]:
    return list(order.events)


def product_totals(*keys: sa.ColumnElement, kept: bool = False) -> sa.Select:
    """Lines of counted orders summed per product: `product_id`, `name`, `quantity`, `amount`.

    Market runs' shopping lists and sales reports share it. `amount` is what the
    customers pay (unit price at their order x quantity). The quantities are those
    ordered (what a market run buys), or with `kept` those the customers kept, net of
    returns (what was sold). A product still in the catalogue is named as it is now;
    one since deleted (product_id NULL) keeps the name its orders were placed with, and
    deleted products of different names stay apart. `keys` (e.g. Order.currency) lead
    the select list and the GROUP BY. Callers add their WHERE on Order (and any join).
    """
    deleted_key = sa.case((OrderLine.product_id.is_(None), OrderLine.product_name))
    quantity = OrderLine.quantity - OrderLine.returned_quantity if kept else OrderLine.quantity
    return (
        sa.select(
            *keys,
            OrderLine.product_id.label("product_id"),
            sa.func.coalesce(Product.name, sa.func.max(OrderLine.product_name)).label("name"),
            sa.func.sum(quantity).label("quantity"),
            sa.type_coerce(sa.func.sum(OrderLine.unit_price * quantity), Money).label("amount"),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(Product, Product.id == OrderLine.product_id)
        .where(COUNTED)
        .group_by(*keys, OrderLine.product_id, Product.name, deleted_key)
    )


# --- placing -----------------------------------------------------------------------


def _customer_for(session: Session, seller: Seller, data: Mapping) -> Customer:
    """The order's customer: the one named by id, or the one typed in (reused by phone,
    read in the shop's country)."""
    if data.get("customer_id"):
        customer = session.scalars(
            sa.select(Customer).where(Customer.id == data["customer_id"], Customer.seller_id == seller.id)
        ).one_or_none()
        if customer is None:
            raise Invalid("customer_id", _l("%(seller)s has no customer with id %(id)r",
                                            seller=seller.name, id=data["customer_id"]))
        return customer
    typed = data["customer"]
    if typed.get("id"):  # chosen offline: the same person again if the shop has her already
        known = session.get(Customer, typed["id"])
        if known is not None and known.seller_id == seller.id:
            return known
    phone = normalise_phone(typed.get("phone"), seller.phone_region, field="customer.phone")
    existing = find_by_phone(session, seller.id, phone)
    if existing is not None:
        return existing
    return new_customer(session, seller, {**typed, "phone": phone})


def _merged(lines: list[Mapping]) -> dict[str, int]:
    """{product_id: quantity} in the order given; a product named twice has its quantities added.

    :raise Invalid: a product's quantities add up to more than MAX_QUANTITY (each line
        alone is checked by the schema; this is the cap on what the order will hold).
    """
    quantities: dict[str, int] = {}
    for line in lines:
        quantities[line["product_id"]] = quantities.get(line["product_id"], 0) + line["quantity"]
    for product_id, quantity in quantities.items():
        if quantity > MAX_QUANTITY:
            raise Invalid("lines", _l("product %(id)r is named on several lines that add up to "
                                      "%(quantity)s; at most %(max)s of one product per order",
                                      id=product_id, quantity=quantity, max=MAX_QUANTITY),
                          product_id=product_id, max_quantity=MAX_QUANTITY)
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


def create_order(session: Session, user: User, data: Mapping, *, phone_region: str | None = None) -> Order:
    """Place an order at today's catalogue prices, numbered next in its shop.

    `data`: id (optional, the client's choice), seller_id (optional when the user works for
    one shop), customer_id or customer {id, name, phone, area, language}, lines [{product_id,
    quantity}], channel, note. A typed phone without a country code is read in the shop's
    country (Seller.phone_region; the `phone_region` argument is unused, as in
    customers.create_customer).

    :raise Invalid: unknown, foreign, unavailable or other-currency product; unknown customer.
    """
    seller = seller_for_write(session, user, data.get("seller_id"))
    quantities = _merged(data["lines"])
    products = _products(session, seller, quantities)
    currency = products[next(iter(quantities))].currency
    for product_id in quantities:
        _check_orderable(products[product_id], currency)
    order = Order(
        id=chosen_id(session, Order, data), seller=seller, customer=_customer_for(session, seller, data),
        channel=data.get("channel", Channel.whatsapp), note=data.get("note") or "",
        status=OrderStatus.pending, currency=currency, amount_paid=ZERO,
        payment_status=PaymentStatus.unpaid,
    )
    for position, (product_id, quantity) in enumerate(quantities.items()):
        product = products[product_id]
        order.lines.append(OrderLine(position=position, product=product, product_name=product.name,
                                     unit_price=product.price, quantity=quantity))
    order.total = _total(order)
    order.events.append(OrderEvent(from_status=None, to_status=OrderStatus.pending,
                                   actor_id=user.id, at=utcnow()))
    order.number = next_order_number(session, seller.id)
    session.add(order)
    flush(session)
    emit("order.created", order)
    return order


# --- changing ----------------------------------------------------------------------


def _replace_lines(session: Session, order: Order, lines: list[Mapping]) -> None:
    """New lines for the order. A product already on it keeps the name and price it was
    ordered at; a product new to the order is priced from today's catalogue."""
    if order.status not in EDITABLE:
        raise Conflict(
            _l("Order %(number)s is %(status)s: its lines can no longer change "
               "(only while %(editable)s).", number=order.number, status=status_label(order.status),
               editable=lazy_join((status_label(s) for s in EDITABLE), conjunction="or")),
            code="invalid-state", current=order.status.value,
            editable_while=[s.value for s in EDITABLE],
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
    flush(session)  # the old lines go before the new ones arrive
    order.lines.extend(new_lines)
    order.total = _total(order)
    order.payment_status = payment_status(order)


def _changes_anything(order: Order, changes: Mapping) -> bool:
    """Whether `changes` would change the order: a retry of a change already made does not."""
    if "status" in changes and changes["status"] != order.status:
        return True
    if "note" in changes and changes["note"] != order.note:
        return True
    if "channel" in changes and changes["channel"] != order.channel:
        return True
    if "lines" in changes:
        current = [(line.product_id, line.quantity) for line in order.lines]
        return list(_merged(changes["lines"]).items()) != current
    return False


def update_order(session: Session, user: User, order: Order, changes: Mapping) -> Order:
    """Change note, channel, lines (see _replace_lines) and/or status (see order_status).

    Lines are replaced before the status changes, so one request may fix the lines and
    confirm the order. Changes that change nothing (the status the order is already in,
    sent again on a bad network) write nothing: no history event, no new version.

    :raise Conflict: lines of an order already purchased; a status change not allowed.
    :raise Stale: the order changed since it was read.
    """
    if not _changes_anything(order, changes):
        return order
    # Claim the order first: the UPDATE checks and bumps its version (and holds the row
    # lock on PostgreSQL), so a write based on a stale read fails before any line moves.
    order.updated_at = utcnow()
    flush(session)
    if "lines" in changes:
        _replace_lines(session, order, changes["lines"])
    if "note" in changes:
        order.note = changes["note"]
    if "channel" in changes:
        order.channel = changes["channel"]
    if "status" in changes:
        apply_transition(order, changes["status"], user)
    flush(session)
    return order


def delete_order(session: Session, order: Order) -> None:
    """:raise Conflict: the order is past pending, or money was received for it: cancel it instead."""
    if order.status != OrderStatus.pending:
        raise Conflict(
            _l("Order %(number)s is %(status)s; only pending orders can be deleted. "
               "Cancel it instead, so its history is kept.",
               number=order.number, status=status_label(order.status)),
            code="invalid-state", current=order.status.value,
        )
    if order.payments:
        raise Conflict(
            _l("Order %(number)s has payments; cancel it instead, so the money received "
               "stays on record.", number=order.number),
            code="in-use", current=order.status.value,
        )
    session.delete(order)
    flush(session)
