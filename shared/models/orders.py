"""Orders ("tawasi"): what a customer asked for, its lines and its status history."""
import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import User
from shared.models.base import (
    IdMixin, Money, TenantChild, Tenanted, TimestampMixin, UTCDateTime, VersionMixin, enum_column,
    utcnow,
)
from shared.models.customers import Customer
from shared.models.products import Product
from shared.models.sellers import Seller

if TYPE_CHECKING:
    from shared.models.market_runs import MarketRun
    from shared.models.payments import Payment
    from shared.models.returns import OrderReturn


class OrderStatus(str, enum.Enum):
    pending = "pending"
    confirmed = "confirmed"
    purchased = "purchased"
    delivered = "delivered"
    cancelled = "cancelled"


class Channel(str, enum.Enum):
    whatsapp = "whatsapp"
    facebook = "facebook"
    phone = "phone"
    in_person = "in_person"
    api = "api"


class PaymentStatus(str, enum.Enum):
    """Where an order's money stands (kept on the order, see services/payments.py)."""

    unpaid = "unpaid"
    partially_paid = "partially_paid"
    paid = "paid"
    refunded = "refunded"


class Order(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    """A "tawsiya": what a customer asked for, at the prices of the day it was placed."""

    __tablename__ = "orders"
    __table_args__ = (
        sa.UniqueConstraint("seller_id", "number"),
        sa.Index("ix_orders_seller_recent", "seller_id", "created_at", "id"),
    )
    change_kind = "orders"

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    # Per-seller running number people can say aloud ("order 12"); the id stays opaque.
    number: Mapped[int]
    customer_id: Mapped[str] = mapped_column(sa.ForeignKey("customers.id", ondelete="RESTRICT"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.whatsapp)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus), default=OrderStatus.pending,
                                                index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    # What the order is worth: its lines at their prices, less what came back (returns).
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # Net of payments minus refunds, in the order's currency (each payment's order_amount);
    # kept beside the payments so lists need no SUM.
    amount_paid: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    payment_status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus),
                                                          default=PaymentStatus.unpaid)
    market_run_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("market_runs.id", ondelete="SET NULL"), index=True
    )
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    seller: Mapped[Seller] = relationship()
    customer: Mapped[Customer] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.position"
    )
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.at"
    )
    payments: Mapped[list["Payment"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Payment.paid_at",
        foreign_keys="Payment.order_id",
    )
    returns: Mapped[list["OrderReturn"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderReturn.returned_at"
    )
    market_run: Mapped["MarketRun | None"] = relationship(back_populates="orders")


class OrderLine(IdMixin, TenantChild, db.Model):
    __tablename__ = "order_lines"

    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    product_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    # Copied when the order is placed: later catalogue changes never change an order.
    product_name: Mapped[str] = mapped_column(sa.String(200))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int]  # as ordered (and bought); never lowered by a return
    # How many came back after delivery (see services/returns.py), kept beside the
    # returns so an order shows its lines and total with no SUM.
    returned_quantity: Mapped[int] = mapped_column(default=0, server_default="0")

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()

    @property
    def kept_quantity(self) -> int:
        """What the customer has: ordered less returned (none before the line is saved)."""
        return self.quantity - (self.returned_quantity or 0)

    @property
    def line_total(self) -> Decimal:
        """What the line is worth now: unit price x the quantity kept."""
        return self.unit_price * self.kept_quantity

    def change_parent(self) -> Order:
        return self.order


class OrderEvent(IdMixin, TenantChild, db.Model):
    """One status change: who, when, from, to."""

    __tablename__ = "order_events"

    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[OrderStatus | None] = mapped_column(enum_column(OrderStatus))
    to_status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    def change_parent(self) -> Order:
        return self.order
