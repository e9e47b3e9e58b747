"""Sellers: the businesses (shops) Tawasi keeps books for, and who works for each."""
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.accounts import Role, User
from shared.models.base import IdMixin, Tenanted, TimestampMixin, VersionMixin, enum_column
from shared.text import fold

class SellerCategory(str, enum.Enum):
    food = "food"
    clothing = "clothing"
    cosmetics = "cosmetics"
    handicrafts = "handicrafts"
    other = "other"


class Seller(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    """A business. Owned by a seller user, or managed by a coordinator for a client without an account."""

    __tablename__ = "sellers"
    change_kind = "sellers"

    name: Mapped[str] = mapped_column(sa.String(120))
    whatsapp_phone: Mapped[str | None] = mapped_column(sa.String(20))
    category: Mapped[SellerCategory] = mapped_column(enum_column(SellerCategory), default=SellerCategory.other)
    area: Mapped[str] = mapped_column(sa.String(120), default="")
    # The country (ISO 3166, "SY", "TR") a phone number typed without +country is read in:
    # a Turkish SIM's "0532 123 45 67" in one shop, a Syrian "0944 111 222" in another.
    phone_region: Mapped[str] = mapped_column(sa.String(2), default="SY", server_default="SY")
    owner_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    coordinator_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # fold(name + area + WhatsApp digits): Arabic-insensitive search of shops.
    search_key: Mapped[str] = mapped_column(sa.Text, default="")

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    coordinator: Mapped[User | None] = relationship(foreign_keys=[coordinator_id])

    def change_entry(self) -> tuple[str, str, str]:
        return self.id, self.change_kind, self.id

    @classmethod
    def visible_to(cls, user: User, shop_ids: list[str] | None = None) -> sa.ColumnElement[bool]:
        return shops_of(user)


@sa.event.listens_for(Seller, "before_insert")
@sa.event.listens_for(Seller, "before_update")
def _seller_search_key(_mapper, _connection, seller: Seller) -> None:
    seller.search_key = search_key(seller.name, seller.area, seller.whatsapp_phone)


def search_key(name: str | None, area: str | None, whatsapp_phone: str | None) -> str:
    """What a shop is found by: its name, area and WhatsApp number (digits without "+")."""
    return fold(f"{name or ''} {area or ''} {(whatsapp_phone or '').lstrip('+')}")


def shops_of(user: User) -> sa.ColumnElement[bool]:
    """The sellers a user works for: admin all; a seller user its own; a coordinator its clients."""
    if user.role == Role.admin:
        return sa.true()
    if user.role == Role.seller:
        return Seller.owner_id == user.id
    if user.role == Role.coordinator:
        return Seller.coordinator_id == user.id
    return sa.false()
