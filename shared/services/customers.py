"""A shop's customers: one per phone number, with what each owes (or has in credit)."""
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.db import flush
from shared.errors import Conflict
from shared.models import Customer, Language, Order, OrderStatus, Seller, User
from shared.models.base import Money
from shared.phones import normalise_phone
from shared.services.access import get_for, scoped, seller_for_write
from shared.services.figures import WithFigures
from shared.services.pagination import Page, keyset_page
from shared.text import ascii_digits, fold, like_pattern

_PHONE_TYPING = str.maketrans("", "", " -().")


@dataclass
class CustomerFilter:
    seller_id: str | None = None
    q: str | None = None


def search_key_pattern(q: str | None) -> str | None:
    """The LIKE pattern `q` means against Customer.search_key, or None when `q` is blank.

    A query that looks like a phone number ('0944 111-222') is compacted and stripped of
    its leading zeros, so it finds the number stored as +963944111222.
    """
    if not q or not q.strip():
        return None
    compact = ascii_digits(q).translate(_PHONE_TYPING)
    if compact.lstrip("+").isdigit():
        return like_pattern(compact.lstrip("+").lstrip("0") or "0")
    key = fold(q)
    return like_pattern(key) if key else None


def balances_of(session: Session, customer_ids: list[str]) -> dict[str, list[dict]]:
    """{customer id: [{"currency", "amount"}]} in one grouped query, for a whole page.

    amount = totals of DELIVERED orders - everything paid on ANY order, per currency:
    positive is owed to the shop, negative is the customer's credit (an overpayment, or
    a payment for an order not yet delivered). Currencies that net to zero are left out.
    """
    if not customer_ids:
        return {}
    delivered_total = sa.case((Order.status == OrderStatus.delivered, Order.total), else_=0)
    amount = sa.type_coerce(sa.func.sum(delivered_total) - sa.func.sum(Order.amount_paid), Money())
    rows = session.execute(
        sa.select(Order.customer_id, Order.currency, amount)
        .where(Order.customer_id.in_(customer_ids))
        .group_by(Order.customer_id, Order.currency)
        .order_by(Order.customer_id, Order.currency)
    )
    balances: dict[str, list[dict]] = defaultdict(list)
    for customer_id, currency, total in rows:
        if total:
            balances[customer_id].append({"currency": currency, "amount": Decimal(total)})
    return balances


@dataclass(frozen=True)
class CustomerWithBalances(WithFigures[Customer]):
    """A customer and their `balances` (see balances_of): what the Customer schema shows."""

    balances: list[dict]


def _with_balances(session: Session, customers: list[Customer]) -> list[CustomerWithBalances]:
    """Each customer with its balances, one grouped query for all."""
    found = balances_of(session, [c.id for c in customers])
    return [CustomerWithBalances(customer, found.get(customer.id, [])) for customer in customers]


def list_customers(
    session: Session, user: User, filters: CustomerFilter, *, limit: int, cursor: str | None
) -> Page[CustomerWithBalances]:
    stmt = scoped(sa.select(Customer), Customer, user, session)
    if filters.seller_id:
        stmt = stmt.where(Customer.seller_id == filters.seller_id)
    if pattern := search_key_pattern(filters.q):
        stmt = stmt.where(Customer.search_key.like(pattern, escape="\\"))
    page = keyset_page(session, stmt, Customer, limit=limit, cursor=cursor)
    return Page(_with_balances(session, page.items), page.next_cursor)


def get_customer(session: Session, user: User, customer_id: str, *,
                 for_update: bool = False) -> CustomerWithBalances:
    """:raise NotFound: no such customer in the shops the user works for."""
    customer = get_for(session, user, Customer, customer_id, for_update=for_update)
    return _with_balances(session, [customer])[0]


def find_by_phone(session: Session, seller_id: str, phone: str | None) -> Customer | None:
    if phone is None:
        return None
    return session.scalars(
        sa.select(Customer).where(Customer.seller_id == seller_id, Customer.phone == phone)
    ).one_or_none()


def duplicate_phone(existing: Customer) -> Conflict:
    return Conflict(
        _l("%(phone)s is already the phone of your customer %(name)s; "
           "use that customer (or change their phone first).",
           phone=existing.phone, name=existing.name),
        code="duplicate", existing_customer_id=existing.id,
    )


def _check_phone_free(session: Session, seller_id: str, phone: str | None, *, but: str | None = None) -> None:
    existing = find_by_phone(session, seller_id, phone)
    if existing is not None and existing.id != but:
        raise duplicate_phone(existing)


def _flush_or_duplicate(session: Session, seller_id: str, phone: str | None) -> None:
    """Flush; a concurrent insert of the same phone (unique constraint) is the same 409."""
    try:
        flush(session)
    except IntegrityError:
        # This transaction is spoiled (the face rolls it back): read the winner on a
        # connection of its own, where the concurrent insert is visible once committed.
        with Session(bind=session.get_bind()) as other:
            existing = find_by_phone(other, seller_id, phone)
            if existing is None:
                raise
            raise duplicate_phone(existing) from None


def new_customer(session: Session, seller: Seller, data: Mapping, *, phone_region: str,
                 phone_field: str = "phone") -> Customer:
    """A customer of `seller` from `data` (name, phone, area, notes, language), added to the
    session but not checked against the shop's other phones: see create_customer."""
    customer = Customer(
        seller=seller, name=data["name"],
        phone=normalise_phone(data.get("phone"), phone_region, field=phone_field),
        area=data.get("area") or "", notes=data.get("notes") or "",
        language=data.get("language", Language.ar),
    )
    session.add(customer)
    return customer


def create_customer(session: Session, user: User, data: Mapping, *,
                    phone_region: str) -> CustomerWithBalances:
    """`data`: seller_id (optional with one shop), name, phone, area, notes, language.

    :raise Conflict: the shop already has a customer with this phone (`existing_customer_id`).
    """
    seller: Seller = seller_for_write(session, user, data.get("seller_id"))
    phone = normalise_phone(data.get("phone"), phone_region)
    _check_phone_free(session, seller.id, phone)
    customer = new_customer(session, seller, {**data, "phone": phone}, phone_region=phone_region)
    _flush_or_duplicate(session, seller.id, phone)
    return _with_balances(session, [customer])[0]


def update_customer(session: Session, customer: Customer, changes: Mapping, *,
                    phone_region: str) -> CustomerWithBalances:
    """Change name, phone, area, notes and/or language.

    :raise Conflict: another customer of the shop has the phone.
    :raise Stale: the customer changed since it was read.
    """
    if "phone" in changes:
        phone = normalise_phone(changes["phone"], phone_region)
        _check_phone_free(session, customer.seller_id, phone, but=customer.id)
        customer.phone = phone
    if "name" in changes:
        customer.name = changes["name"]
    if "area" in changes:
        customer.area = changes["area"]
    if "notes" in changes:
        customer.notes = changes["notes"]
    if "language" in changes:
        customer.language = changes["language"]
    _flush_or_duplicate(session, customer.seller_id, customer.phone)
    return _with_balances(session, [customer])[0]


def delete_customer(session: Session, customer: Customer) -> None:
    """:raise Conflict: the customer has orders (their history and payments must stay)."""
    orders = session.scalar(sa.select(sa.func.count()).where(Order.customer_id == customer.id))
    if orders:
        raise Conflict(
            _l("%(name)s has %(orders)s order(s); a customer with orders cannot be deleted "
               "(their history and payments are kept).", name=customer.name, orders=orders),
            code="in-use", orders=orders,
        )
    session.delete(customer)
    flush(session)
