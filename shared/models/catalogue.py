"""Sellers (businesses) and the products they show on WhatsApp."""
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import User
from shared.models.base import IdMixin, Money, TimestampMixin
from shared.text import fold


class SellerCategory(str, enum.Enum):
    food = "food"
    clothing = "clothing"
    cosmetics = "cosmetics"
    handicrafts = "handicrafts"
    other = "other"


class Seller(IdMixin, TimestampMixin, db.Model):
    """A business. Owned by a seller user, or managed by a coordinator for a client without an account."""

    __tablename__ = "sellers"

    name: Mapped[str] = mapped_column(sa.String(120))
    whatsapp_phone: Mapped[str | None] = mapped_column(sa.String(20))
    category: Mapped[SellerCategory] = mapped_column(
        sa.Enum(SellerCategory, native_enum=False, length=20), default=SellerCategory.other
    )
    area: Mapped[str] = mapped_column(sa.String(120), default="")
    owner_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    coordinator_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    coordinator: Mapped[User | None] = relationship(foreign_keys=[coordinator_id])


class Product(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = (sa.Index("ix_products_seller_recent", "seller_id", "created_at", "id"),)

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    price: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    available: Mapped[bool] = mapped_column(default=True)
    photo_url: Mapped[str | None] = mapped_column(sa.String(500))
    # fold(name + description): Arabic-insensitive search on SQLite and PostgreSQL alike.
    search_key: Mapped[str] = mapped_column(sa.Text, default="")

    seller: Mapped[Seller] = relationship()


@sa.event.listens_for(Product, "before_insert")
@sa.event.listens_for(Product, "before_update")
def _product_search_key(_mapper, _connection, product: Product) -> None:
    product.search_key = fold(f"{product.name} {product.description or ''}")
