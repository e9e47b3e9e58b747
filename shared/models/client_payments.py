"""Client payments: money a page owner paid for promotion work (the statement's `paid`)."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.base import IdMixin, Money, Tenanted, TimestampMixin, enum_column
from shared.models.payments import PaymentMethod
from shared.models.sellers import Seller


class ClientPayment(IdMixin, TimestampMixin, Tenanted, db.Model):
    __tablename__ = "client_payments"
    __table_args__ = (sa.Index("ix_client_payments_seller_recent", "seller_id", "created_at", "id"),)
    change_kind = "client_payments"

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="RESTRICT"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    paid_on: Mapped[date] = mapped_column(sa.Date)
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod), default=PaymentMethod.cash)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    seller: Mapped[Seller] = relationship()
