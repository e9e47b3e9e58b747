"""A shop's customers: one per phone number, with what each owes (or has in credit)."""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.errors import Conflict
from shared.models import Customer, Order, OrderStatus, Seller, User
from shared.models.base import Money
from shared.phones import normalise_phone
from shared.services.access import get_for, scoped, seller_for_write
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


def _with_balances(session: Session, customers: list[Customer]) -> list[Customer]:
    """Attach `balances` (see balances_of) to each customer, with one query for all."""
    found = balances_of(session, [c.id for c in customers])
    for customer in customers:
        customer.balances = found.get(customer.id, [])
    return customers


def list_customers(
    session: Session, user: User, filters: CustomerFilter, *, limit: int, cursor: str | None
) -> Page[Customer]:
    stmt = scoped(sa.select(Customer), Customer, user, session)
    if filters.seller_id:
        stmt = stmt.where(Customer.seller_id == filters.seller_id)
    if pattern := search_key_pattern(filters.q):
        stmt = stmt.where(Customer.search_key.like(pattern, escape="\\"))
    page = keyset_page(session, stmt, Customer, limit=limit, cursor=cursor)
    _with_balances(session, page.items)
    return page


def get_customer(session: Session, user: User, customer_id: str) -> Customer:
    """:raise NotFound: no such customer in the shops the user works for."""
    customer = get_for(session, user, Customer, customer_id)
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
        existing_customer_id=existing.id,
    )


def _check_phone_free(session: Session, seller_id: str, phone: str | None, *, but: str | None = None) -> None:
    existing = find_by_phone(session, seller_id, phone)
    if existing is not None and existing.id != but:
        raise duplicate_phone(existing)


def _commit_or_duplicate(session: Session, seller_id: str, phone: str | None) -> None:
    """Commit; a concurrent insert of the same phone (unique constraint) is the same 409."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = find_by_phone(session, seller_id, phone)
        if existing is None:
            raise
        raise duplicate_phone(existing) from None


def create_customer(session: Session, user: User, data: dict, *, phone_region: str) -> Customer:
    """:raise Conflict: the shop already has a customer with this phone (`existing_customer_id`)."""
    data = dict(data)
    seller: Seller = seller_for_write(session, user, data.pop("seller_id", None))
    data["phone"] = normalise_phone(data.get("phone"), phone_region)
    _check_phone_free(session, seller.id, data["phone"])
    customer = Customer(seller=seller, **data)
    session.add(customer)
    seller_id = seller.id
    _commit_or_duplicate(session, seller_id, data["phone"])
    return _with_balances(session, [customer])[0]


def update_customer(session: Session, customer: Customer, changes: dict, *, phone_region: str) -> Customer:
    changes = dict(changes)
    if "phone" in changes:
        changes["phone"] = normalise_phone(changes["phone"], phone_region)
        _check_phone_free(session, customer.seller_id, changes["phone"], but=customer.id)
    for field, value in changes.items():
        setattr(customer, field, value)
    seller_id, phone = customer.seller_id, customer.phone
    _commit_or_duplicate(session, seller_id, phone)
    return _with_balances(session, [customer])[0]


def delete_customer(session: Session, customer: Customer) -> None:
    """:raise Conflict: the customer has orders (their history and payments must stay)."""
    orders = session.scalar(sa.select(sa.func.count()).where(Order.customer_id == customer.id))
    if orders:
        raise Conflict(
            _l("%(name)s has %(orders)s order(s); a customer with orders cannot be deleted "
               "(their history and payments are kept).", name=customer.name, orders=orders),
            orders=orders,
        )
    session.delete(customer)
    session.commit()
