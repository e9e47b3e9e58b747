"""A shop's customers: one per phone number, with what each owes, has on deposit, or has in credit."""
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.client_ids import chosen_id
from shared.db import flush
from shared.errors import Conflict
from shared.models import Customer, Language, Order, Seller, User
from shared.models.base import Money
from shared.money import ZERO
from shared.phones import normalise_phone
from shared.services.access import get_for, scoped, seller_for_write
from shared.services.figures import WithFigures
from shared.services.pagination import Page, keyset_page
from shared.services.payments import figures
from shared.text import ascii_digits, fold, like_pattern

_PHONE_TYPING = str.maketrans("", "", " -().")


@dataclass
class CustomerFilter:
    seller_id: str | None = None
    q: str | None = None


# A number of at most this many digits is the end of a phone number people remember (or,
# for orders, an order's number), not a piece of one: "2233" finds +905321112233 only.
LAST_DIGITS = 4


def search_key_pattern(q: str | None) -> str | None:
    """The LIKE pattern `q` means against Customer.search_key, or None when `q` is blank.

    A query that looks like a phone number ('0944 111-222', '+90 532…', '00963…') is
    compacted and stripped of its leading zeros, so it finds the number stored as
    +963944111222 however it was written; up to LAST_DIGITS digits ('22 33') are the
    phone's last digits. Anything else is a name, folded (Arabic spelling variants match).
    """
    if not q or not q.strip():
        return None
    compact = ascii_digits(q).translate(_PHONE_TYPING).lstrip("#")
    digits = compact.lstrip("+")
    if digits.isdigit():
        if len(digits) <= LAST_DIGITS:
            return like_pattern(digits, at_end=True)
        return like_pattern(digits.lstrip("0") or "0")
    key = fold(q)
    return like_pattern(key) if key else None


@dataclass(frozen=True)
class Balance:
    """A customer's money in one currency, by the rules of shared.services.payments:

    `owed`: left to pay on delivered orders; `deposits`: paid on orders not yet
    delivered (up to their totals), held for them, not credit; `credit`: paid beyond
    what orders are worth (overpaid, goods returned, orders cancelled) and not yet given
    back or moved to another order. `amount` = owed - credit: positive is owed to the
    shop, negative is the customer's credit.
    """

    currency: str
    owed: Decimal
    deposits: Decimal
    credit: Decimal

    @property
    def amount(self) -> Decimal:
        return self.owed - self.credit


def balances_of(session: Session, customer_ids: list[str]) -> dict[str, list[Balance]]:
    """{customer id: [Balance per currency]} in one grouped query, for a whole page.

    Orders are summed per status and per sign of (total - paid): within such a group
    every figure of payments.figures is linear, so the figures of the sums are the sums
    of the figures, and the one rule of shared.services.payments is applied to them.
    Currencies where everything is zero are left out.
    """
    if not customer_ids:
        return {}
    short = (Order.total > Order.amount_paid).label("short")
    rows = session.execute(
        sa.select(Order.customer_id, Order.currency, Order.status, short,
                  sa.type_coerce(sa.func.sum(Order.total), Money()),
                  sa.type_coerce(sa.func.sum(Order.amount_paid), Money()))
        .where(Order.customer_id.in_(customer_ids))
        .group_by(Order.customer_id, Order.currency, Order.status, short)
    )
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for customer_id, currency, status, _short, total, paid in rows:
        money = figures(status, total, paid)
        found = sums[customer_id, currency]
        found[0] += money.owed
        found[1] += money.deposit
        found[2] += money.refundable
    balances: dict[str, list[Balance]] = defaultdict(list)
    for (customer_id, currency), (owed, deposits, credit) in sorted(sums.items()):
        if owed or deposits or credit:
            balances[customer_id].append(Balance(currency, owed, deposits, credit))
    return balances


@dataclass(frozen=True)
class CustomerWithBalances(WithFigures[Customer]):
    """A customer and their `balances` (see balances_of): what the Customer schema shows."""

    balances: list[Balance]


def with_balances(session: Session, customers: list[Customer]) -> list[CustomerWithBalances]:
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
    return Page(with_balances(session, page.items), page.next_cursor)


def get_customer(session: Session, user: User, customer_id: str, *,
                 for_update: bool = False) -> CustomerWithBalances:
    """:raise NotFound: no such customer in the shops the user works for."""
    customer = get_for(session, user, Customer, customer_id, for_update=for_update)
    return with_balances(session, [customer])[0]


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


def new_customer(session: Session, seller: Seller, data: Mapping, *, phone_region: str | None = None,
                 phone_field: str = "phone") -> Customer:
    """A customer of `seller` from `data` (name, phone, area, notes, language), added to the
    session but not checked against the shop's other phones: see create_customer. A phone
    without a country code is read in the shop's country (`phone_region` is unused: see
    create_customer)."""
    customer = Customer(
        id=chosen_id(session, Customer, data), seller=seller, name=data["name"],
        phone=normalise_phone(data.get("phone"), seller.phone_region, field=phone_field),
        area=data.get("area") or "", notes=data.get("notes") or "",
        language=data.get("language", Language.ar),
    )
    session.add(customer)
    return customer


def create_customer(session: Session, user: User, data: Mapping, *,
                    phone_region: str | None = None) -> CustomerWithBalances:
    """`data`: id (optional, the client's choice), seller_id (optional with one shop), name,
    phone, area, notes, language.

    A phone without a country code is read in the shop's country (Seller.phone_region).
    `phone_region` is unused since shops have a country of their own; it is accepted so
    that callers written before keep working, and can go once none passes it.

    :raise Conflict: the shop already has a customer with this phone (`existing_customer_id`).
    """
    seller: Seller = seller_for_write(session, user, data.get("seller_id"))
    phone = normalise_phone(data.get("phone"), seller.phone_region)
    _check_phone_free(session, seller.id, phone)
    customer = new_customer(session, seller, {**data, "phone": phone})
    _flush_or_duplicate(session, seller.id, phone)
    return with_balances(session, [customer])[0]


def update_customer(session: Session, customer: Customer, changes: Mapping, *,
                    phone_region: str | None = None) -> CustomerWithBalances:
    """Change name, phone, area, notes and/or language (a phone read in the shop's country;
    `phone_region` is unused, see create_customer).

    :raise Conflict: another customer of the shop has the phone.
    :raise Stale: the customer changed since it was read.
    """
    if "phone" in changes:
        phone = normalise_phone(changes["phone"], customer.seller.phone_region)
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
    return with_balances(session, [customer])[0]


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
