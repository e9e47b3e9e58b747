"""Reem's week: customers, orders ("tawasi") with their lines, history and payments, market runs."""
import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import Language, User
from shared.models.base import IdMixin, Money, TimestampMixin, UTCDateTime, new_id, utcnow
from shared.models.catalogue import Product, Seller
from shared.text import fold


class Customer(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        sa.UniqueConstraint("seller_id", "phone"),
        sa.Index("ix_customers_seller_recent", "seller_id", "created_at", "id"),
    )

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(20))  # E.164, e.g. +963944111222
    area: Mapped[str] = mapped_column(sa.String(120), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[Language] = mapped_column(sa.Enum(Language, native_enum=False, length=5),
                                               default=Language.ar)
    # fold(name + phone digits): Arabic-insensitive search of customers and their orders.
    search_key: Mapped[str] = mapped_column(sa.Text, default="")

    seller: Mapped[Seller] = relationship()


@sa.event.listens_for(Customer, "before_insert")
@sa.event.listens_for(Customer, "before_update")
def _customer_search_key(_mapper, _connection, customer: Customer) -> None:
    customer.search_key = fold(f"{customer.name} {customer.phone or ''}")


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
    unpaid = "unpaid"
    partially_paid = "partially_paid"
    paid = "paid"
    refunded = "refunded"


class PaymentMethod(str, enum.Enum):
    cash = "cash"
    transfer = "transfer"
    other = "other"


def _enum(cls, length=20):
    return sa.Enum(cls, native_enum=False, length=length)


class MarketRunStatus(str, enum.Enum):
    planned = "planned"
    bought = "bought"


class MarketRun(IdMixin, TimestampMixin, db.Model):
    """A seller's trip to the market to buy what the covered orders need."""

    __tablename__ = "market_runs"
    __table_args__ = (sa.Index("ix_market_runs_seller_recent", "seller_id", "created_at", "id"),)

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    run_date: Mapped[date] = mapped_column(sa.Date)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[MarketRunStatus] = mapped_column(_enum(MarketRunStatus), default=MarketRunStatus.planned)
    # What was paid for the whole run, when not recorded per line (or on top of the lines).
    actual_cost: Mapped[Decimal | None] = mapped_column(Money)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    bought_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    seller: Mapped[Seller] = relationship()
    orders: Mapped[list["Order"]] = relationship(back_populates="market_run")
    costs: Mapped[list["MarketRunCost"]] = relationship(
        back_populates="market_run", cascade="all, delete-orphan"
    )


class MarketRunCost(IdMixin, db.Model):
    """What was actually paid at the market for one product of a run."""

    __tablename__ = "market_run_costs"
    __table_args__ = (sa.UniqueConstraint("market_run_id", "product_id"),)

    market_run_id: Mapped[str] = mapped_column(sa.ForeignKey("market_runs.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    actual_cost: Mapped[Decimal] = mapped_column(Money)

    market_run: Mapped[MarketRun] = relationship(back_populates="costs")
    product: Mapped[Product] = relationship()


class Order(IdMixin, TimestampMixin, db.Model):
    """A "tawsiya": what a customer asked for, at the prices of the day it was placed."""

    __tablename__ = "orders"
    __table_args__ = (
        sa.UniqueConstraint("seller_id", "number"),
        sa.Index("ix_orders_seller_recent", "seller_id", "created_at", "id"),
    )

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    # Per-seller running number people can say aloud ("order 12"); the id stays opaque.
    number: Mapped[int]
    customer_id: Mapped[str] = mapped_column(sa.ForeignKey("customers.id", ondelete="RESTRICT"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.whatsapp)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus), default=OrderStatus.pending, index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # Net of payments minus refunds; kept beside the payments so lists need no SUM.
    amount_paid: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    payment_status: Mapped[PaymentStatus] = mapped_column(_enum(PaymentStatus), default=PaymentStatus.unpaid)
    market_run_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("market_runs.id", ondelete="SET NULL"), index=True
    )
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: every UPDATE says "WHERE version = <the one read>" and bumps it,
    # so a write based on a stale read (two PATCHes, a PATCH and a market run) fails
    # with StaleDataError (409) instead of silently undoing the other.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    seller: Mapped[Seller] = relationship()
    customer: Mapped[Customer] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.position"
    )
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.at"
    )
    payments: Mapped[list["Payment"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Payment.paid_at"
    )
    market_run: Mapped[MarketRun | None] = relationship(back_populates="orders")


class OrderLine(IdMixin, db.Model):
    __tablename__ = "order_lines"

    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    product_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    # Copied when the order is placed: later catalogue changes never change an order.
    product_name: Mapped[str] = mapped_column(sa.String(200))
    unit_price: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int]

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class OrderEvent(IdMixin, db.Model):
    """One status change: who, when, from, to."""

    __tablename__ = "order_events"

    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[OrderStatus | None] = mapped_column(_enum(OrderStatus))
    to_status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Payment(IdMixin, TimestampMixin, db.Model):
    """Money received for an order (cash on delivery, mostly); a refund has a negative amount."""

    __tablename__ = "payments"

    order_id: Mapped[str] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod), default=PaymentMethod.cash)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="payments")


__all__ = [
    "Channel", "Customer", "MarketRun", "MarketRunCost", "MarketRunStatus", "Order",
    "OrderEvent", "OrderLine", "OrderStatus", "Payment", "PaymentMethod", "PaymentStatus",
    "new_id",
]
