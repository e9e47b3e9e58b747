"""Client payments: what a page owner paid the coordinator for promotion work.

The shop's coordinator (or an admin) records them; the page owner reads them on the
statement. A payment recorded by mistake is deleted (it leaves a tombstone in the
change log).
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.db import flush
from shared.errors import Forbidden
from shared.models import ClientPayment, PaymentMethod, Role, Seller, User
from shared.services.access import get_for, scoped
from shared.services.pagination import Page, keyset_page


@dataclass
class ClientPaymentFilter:
    seller_id: str | None = None
    currency: str | None = None


def list_client_payments(session: Session, user: User, filters: ClientPaymentFilter, *, limit: int,
                         cursor: str | None) -> Page[ClientPayment]:
    stmt = scoped(sa.select(ClientPayment), ClientPayment, user, session)
    if filters.seller_id:
        stmt = stmt.where(ClientPayment.seller_id == filters.seller_id)
    if filters.currency:
        stmt = stmt.where(ClientPayment.currency == filters.currency)
    return keyset_page(session, stmt, ClientPayment, limit=limit, cursor=cursor)


def get_client_payment(session: Session, user: User, payment_id: str, *,
                       for_update: bool = False) -> ClientPayment:
    """:raise NotFound: not a payment of a shop the user works for."""
    return get_for(session, user, ClientPayment, payment_id, for_update=for_update)


def check_recorder(user: User) -> None:
    """:raise Forbidden: the page owner (she reads what she paid; her coordinator records it)."""
    if user.role not in (Role.coordinator, Role.admin):
        raise Forbidden(_l("Only the shop's coordinator records client payments; you can read them."))


def create_client_payment(session: Session, user: User, data: Mapping, *, today: date) -> ClientPayment:
    """`data`: seller_id, amount, currency, paid_on (today if left out), method, note.

    :raise NotFound: a shop the user does not work for. :raise Forbidden: the page owner.
    """
    seller = get_for(session, user, Seller, data["seller_id"])
    check_recorder(user)
    payment = ClientPayment(seller_id=seller.id, amount=data["amount"], currency=data["currency"],
                            paid_on=data.get("paid_on") or today,
                            method=data.get("method") or PaymentMethod.cash, note=data.get("note") or "",
                            recorded_by_id=user.id)
    session.add(payment)
    flush(session)
    return payment


def delete_client_payment(session: Session, user: User, payment: ClientPayment) -> None:
    """:raise Forbidden: the page owner."""
    check_recorder(user)
    session.delete(payment)
    flush(session)
