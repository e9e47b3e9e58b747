"""Customers: the people a shop sells to, one per phone number."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import Language
from shared.models.base import IdMixin, Tenanted, TimestampMixin, VersionMixin, enum_column
from shared.models.sellers import Seller
from shared.text import fold


class Customer(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        sa.UniqueConstraint("seller_id", "phone"),
        sa.Index("ix_customers_seller_recent", "seller_id", "created_at", "id"),
    )
    change_kind = "customers"

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(20))  # E.164, e.g. +963944111222
    area: Mapped[str] = mapped_column(sa.String(120), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[Language] = mapped_column(enum_column(Language, 5), default=Language.ar)
    # fold(name + phone digits): Arabic-insensitive search of customers and their orders.
    search_key: Mapped[str] = mapped_column(sa.Text, default="")

    seller: Mapped[Seller] = relationship()


@sa.event.listens_for(Customer, "before_insert")
@sa.event.listens_for(Customer, "before_update")
def _customer_search_key(_mapper, _connection, customer: Customer) -> None:
    customer.search_key = fold(f"{customer.name} {customer.phone or ''}")
