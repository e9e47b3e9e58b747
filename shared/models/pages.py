"""Social pages: a seller's page on a platform (Facebook first), where promotion jobs run."""
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.extensions import db
from shared.models.base import IdMixin, Tenanted, TimestampMixin, VersionMixin, enum_column
from shared.models.sellers import Seller
from shared.text import fold

if TYPE_CHECKING:
    from shared.models.accounts import User


class Platform(str, enum.Enum):
    facebook = "facebook"
    instagram = "instagram"
    whatsapp_channel = "whatsapp_channel"
    telegram = "telegram"
    tiktok = "tiktok"
    youtube = "youtube"


class SocialPage(IdMixin, TimestampMixin, VersionMixin, Tenanted, db.Model):
    """A seller's social page. Its URL is checked against the platform (shared.page_urls)."""

    __tablename__ = "pages"
    __table_args__ = (sa.Index("ix_pages_seller_recent", "seller_id", "created_at", "id"),)
    change_kind = "pages"

    seller_id: Mapped[str] = mapped_column(sa.ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    platform: Mapped[Platform] = mapped_column(enum_column(Platform))
    url: Mapped[str] = mapped_column(sa.String(500))
    handle: Mapped[str] = mapped_column(sa.String(120), default="")
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    # fold(name + handle): Arabic-insensitive search of pages and of the jobs on them.
    search_key: Mapped[str] = mapped_column(sa.Text, default="")

    seller: Mapped[Seller] = relationship()

    @classmethod
    def visible_to(cls, user: "User", shop_ids: list[str] | None = None) -> sa.ColumnElement[bool]:
        """The shops' people see their pages; a promoter sees the pages of the jobs she is on."""
        from shared.models.accounts import Role
        from shared.models.promotions import JobMember, PromotionJob

        if user.role == Role.promoter:
            return cls.id.in_(sa.select(PromotionJob.page_id)
                              .join(JobMember, JobMember.job_id == PromotionJob.id)
                              .where(JobMember.user_id == user.id))
        return super().visible_to(user, shop_ids)


@sa.event.listens_for(SocialPage, "before_insert")
@sa.event.listens_for(SocialPage, "before_update")
def _page_search_key(_mapper, _connection, page: SocialPage) -> None:
    page.search_key = fold(f"{page.name} {page.handle}")
