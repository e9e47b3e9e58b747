"""Returns: goods a customer gave back after delivery, line by line."""
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.base import IdMixin, Money, TenantChild, Tenanted, TimestampMixin, UTCDateTime, utcnow
from shared.models.orders import Order, OrderLine


class OrderReturn(IdMixin, TimestampMixin, Tenanted, db.Model):
    """One giving back: which lines, how many of each, and what they were worth."""

    __tablename__ = "order_returns"
    change_kind = "returns"

    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # unit price x quantity over its lines, in the order's currency.
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    returned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recorded_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="returns")
    lines: Mapped[list["OrderReturnLine"]] = relationship(
        back_populates="order_return", cascade="all, delete-orphan", order_by="OrderReturnLine.position"
    )

    def change_entry(self) -> tuple[str, str, str]:
        return self.order.seller_id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user, shop_ids=None) -> sa.ColumnElement[bool]:
        return cls.order_id.in_(sa.select(Order.id).where(Order.visible_to(user, shop_ids)))


class OrderReturnLine(IdMixin, TenantChild, db.Model):
    __tablename__ = "order_return_lines"

    order_return_id: Mapped[str] = mapped_column(
        sa.ForeignKey("order_returns.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[str] = mapped_column(sa.ForeignKey("order_lines.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Money)  # the line's, copied

    order_return: Mapped[OrderReturn] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity

    def change_parent(self) -> OrderReturn:
        return self.order_return
