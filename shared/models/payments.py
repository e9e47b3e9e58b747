"""Payments: money received for an order (cash on delivery, mostly), and refunds."""
import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.base import (
    IdMixin, Money, Rate, Tenanted, TimestampMixin, UTCDateTime, enum_column, utcnow,
)
from shared.models.orders import Order


class PaymentMethod(str, enum.Enum):
    cash = "cash"
    transfer = "transfer"
    other = "other"
    # Moved from (or to) another order of the same customer: no money changed hands.
    credit = "credit"


class RefundReason(str, enum.Enum):
    """Why money went back (or off an order): every refund says which."""

    returned = "returned"  # goods came back (a return lowered the total)
    cancelled = "cancelled"  # the order was cancelled
    overpaid = "overpaid"  # more was paid than the order is worth
    correction = "correction"  # a payment recorded by mistake: the money is owed again
    moved = "moved"  # credit moved to another order of the customer (see linked_order_id)
    other = "other"


class Payment(IdMixin, TimestampMixin, Tenanted, db.Model):
    """Money received for an order; a refund has a negative amount.

    `amount` and `currency` are the money as it changed hands; `order_amount` is what it
    counts for on the order, in the order's currency: the same amount, or the amount
    converted at the `rate` the seller typed (`rate` units of one currency per one
    `rate_per`). Both are kept, so nothing is ever summed across currencies unconverted.
    """

    __tablename__ = "payments"
    change_kind = "payments"

    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    order_amount: Mapped[Decimal] = mapped_column(Money)
    rate: Mapped[Decimal | None] = mapped_column(Rate)
    rate_per: Mapped[str | None] = mapped_column(sa.String(3))
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod), default=PaymentMethod.cash)
    reason: Mapped[RefundReason | None] = mapped_column(enum_column(RefundReason))  # refunds only
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The other order of a credit move: where the credit went, or where it came from.
    linked_order_id: Mapped[str | None] = mapped_column(sa.ForeignKey("orders.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recorded_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="payments", foreign_keys=[order_id])

    def change_entry(self) -> tuple[str, str, str]:
        return self.order.seller_id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user, shop_ids=None) -> sa.ColumnElement[bool]:
        return cls.order_id.in_(sa.select(Order.id).where(Order.visible_to(user, shop_ids)))
