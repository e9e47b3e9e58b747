"""Market runs: a seller's trip to the market to buy what the covered orders need."""
import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.base import (
    IdMixin, Money, TenantChild, Tenanted, TimestampMixin, UTCDateTime, VersionMixin, enum_column,
)
from shared.models.orders import Order
from shared.models.products import Product
from shared.models.sellers import Seller


class MarketRunStatus(str, enum.Enum):
    planned = "planned"
    bought = "bought"


class MarketRun(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    """A seller's trip to the market to buy what the covered orders need, in any currencies."""

    __tablename__ = "market_runs"
    __table_args__ = (sa.Index("ix_market_runs_seller_recent", "seller_id", "created_at", "id"),)
    change_kind = "market_runs"

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    run_date: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[MarketRunStatus] = mapped_column(enum_column(MarketRunStatus),
                                                    default=MarketRunStatus.planned)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    bought_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    seller: Mapped[Seller] = relationship()
    orders: Mapped[list[Order]] = relationship(back_populates="market_run")
    costs: Mapped[list["MarketRunCost"]] = relationship(
        back_populates="market_run", cascade="all, delete-orphan"
    )
    lump_sums: Mapped[list["MarketRunLumpSum"]] = relationship(
        back_populates="market_run", cascade="all, delete-orphan", order_by="MarketRunLumpSum.currency"
    )


class MarketRunCost(IdMixin, TenantChild, db.Model):
    """What was paid at the market for one product of a run, for its whole quantity.

    In the currency the product is on the shopping list in (its orders' currency), so
    the run's margin in that currency needs no conversion.
    """

    __tablename__ = "market_run_costs"
    __table_args__ = (sa.UniqueConstraint("market_run_id", "product_id", "currency"),)

    market_run_id: Mapped[str] = mapped_column(sa.ForeignKey("market_runs.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    cost: Mapped[Decimal] = mapped_column(Money)

    market_run: Mapped[MarketRun] = relationship(back_populates="costs")
    product: Mapped[Product] = relationship()

    def change_parent(self) -> MarketRun:
        return self.market_run


class MarketRunLumpSum(IdMixin, TenantChild, db.Model):
    """Paid at the market in one currency without being split by product: transport and
    bags on top of the per-product costs, or the whole bill when none is kept per product."""

    __tablename__ = "market_run_lump_sums"
    __table_args__ = (sa.UniqueConstraint("market_run_id", "currency"),)

    market_run_id: Mapped[str] = mapped_column(sa.ForeignKey("market_runs.id", ondelete="CASCADE"), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount: Mapped[Decimal] = mapped_column(Money)

    market_run: Mapped[MarketRun] = relationship(back_populates="lump_sums")

    def change_parent(self) -> MarketRun:
        return self.market_run
