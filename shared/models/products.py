"""Products: what a shop shows its customers on WhatsApp."""
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.base import IdMixin, Money, Tenanted, TimestampMixin, VersionMixin
from shared.models.sellers import Seller
from shared.text import fold


class Product(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    __tablename__ = "products"
    __table_args__ = (sa.Index("ix_products_seller_recent", "seller_id", "created_at", "id"),)
    change_kind = "products"

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
