"""Payments: money received for an order (cash on delivery, mostly), and refunds."""
import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.base import IdMixin, Money, Tenanted, TimestampMixin, UTCDateTime, enum_column, utcnow
from shared.models.orders import Order


class PaymentMethod(str, enum.Enum):
    cash = "cash"
    transfer = "transfer"
    other = "other"


class Payment(IdMixin, TimestampMixin, Tenanted, db.Model):
    """Money received for an order; a refund has a negative amount."""

    __tablename__ = "payments"
    change_kind = "payments"

    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod), default=PaymentMethod.cash)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="payments")

    def change_entry(self) -> tuple[str, str, str]:
        return self.order.seller_id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user, shop_ids=None) -> sa.ColumnElement[bool]:
        return cls.order_id.in_(sa.select(Order.id).where(Order.visible_to(user, shop_ids)))
