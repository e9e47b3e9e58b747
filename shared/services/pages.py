"""Social pages: a shop's pages on Facebook, Instagram, WhatsApp channels, Telegram, TikTok, YouTube.

Whoever works for the shop (its owner, its coordinator, an admin) adds and changes its
pages; a promoter sees the pages of the jobs she is on, and changes none. Addresses are
checked in one place, shared.page_urls.
"""
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from shared.db import flush
from shared.errors import Conflict, Forbidden
from shared.models import Platform, PromotionJob, Role, SocialPage, User
from shared.page_urls import check_page_url, handle_from_url
from shared.services.access import get_for, scoped, seller_for_write
from shared.services.pagination import Page, keyset_page
from shared.text import fold, like_pattern


@dataclass
class PageFilter:
    seller_id: str | None = None
    platform: Platform | None = None
    q: str | None = None


def list_pages(session: Session, user: User, filters: PageFilter, *, limit: int,
               cursor: str | None) -> Page[SocialPage]:
    stmt = scoped(sa.select(SocialPage), SocialPage, user, session)
    if filters.seller_id:
        stmt = stmt.where(SocialPage.seller_id == filters.seller_id)
    if filters.platform:
        stmt = stmt.where(SocialPage.platform == filters.platform)
    if filters.q and (key := fold(filters.q)):
        stmt = stmt.where(SocialPage.search_key.like(like_pattern(key), escape="\\"))
    return keyset_page(session, stmt, SocialPage, limit=limit, cursor=cursor)


def get_page(session: Session, user: User, page_id: str, *, for_update: bool = False) -> SocialPage:
    """:raise NotFound: no such page among those the user may see."""
    return get_for(session, user, SocialPage, page_id, for_update=for_update)


def check_can_change(user: User) -> None:
    """:raise Forbidden: a promoter (she may read the pages of her jobs, not change them)."""
    if user.role == Role.promoter:
        raise Forbidden(_l("Promoters can read the pages of their jobs but not change them."))


def _check_new_address(session: Session, seller_id: str, url: str, *, but: str | None = None) -> None:
    stmt = sa.select(SocialPage.id).where(SocialPage.seller_id == seller_id, SocialPage.url == url)
    if but:
        stmt = stmt.where(SocialPage.id != but)
    existing = session.scalar(stmt)
    if existing:
        raise Conflict(_l("This shop already has the page %(url)s.", url=url), existing_page_id=existing)


def normalised(data: Mapping) -> dict:
    """`data` with its address checked against its platform and tidied, as create_page
    and update_page check it (for a form's inline validation, before anything is saved).

    :raise Invalid: the URL is not an address of the platform (field "url").
    """
    checked = dict(data)
    if checked.get("platform") and checked.get("url"):
        checked["url"] = check_page_url(checked["platform"], checked["url"])
    return checked


def create_page(session: Session, user: User, data: Mapping) -> SocialPage:
    """`data`: seller_id (optional with one shop), platform, url, handle (read from the URL
    when left out), name.

    :raise NotFound: the named shop is not one the user works for.
    :raise Forbidden: a promoter.
    :raise Invalid: the URL is not an address of the platform.
    :raise Conflict: the shop already has a page at this address.
    """
    seller = seller_for_write(session, user, data.get("seller_id"))
    check_can_change(user)
    url = check_page_url(data["platform"], data["url"])
    _check_new_address(session, seller.id, url)
    page = SocialPage(seller=seller, platform=Platform(data["platform"]), url=url,
                      handle=data.get("handle") or handle_from_url(data["platform"], url),
                      name=data.get("name") or "")
    session.add(page)
    flush(session)
    return page


def update_page(session: Session, user: User, page: SocialPage, changes: Mapping) -> SocialPage:
    """Change platform, url, handle and/or name. A new platform or URL is checked as a pair.

    :raise Forbidden: a promoter.
    :raise Invalid: the URL is not an address of the (new) platform.
    """
    check_can_change(user)
    if "platform" in changes or "url" in changes:
        platform = Platform(changes.get("platform", page.platform))
        url = check_page_url(platform, changes.get("url", page.url))
        _check_new_address(session, page.seller_id, url, but=page.id)
        if url != page.url and "handle" not in changes and page.handle == handle_from_url(page.platform, page.url):
            page.handle = handle_from_url(platform, url)  # the handle read from the old URL follows
        page.platform, page.url = platform, url
    if "handle" in changes:
        page.handle = changes["handle"]
    if "name" in changes:
        page.name = changes["name"]
    flush(session)
    return page


def delete_page(session: Session, user: User, page: SocialPage) -> None:
    """:raise Forbidden: a promoter. :raise Conflict: jobs ran on it (their books stay)."""
    check_can_change(user)
    jobs = session.scalar(sa.select(sa.func.count()).where(PromotionJob.page_id == page.id))
    if jobs:
        raise Conflict(_l("%(count)s promotion job(s) ran on this page; it cannot be deleted "
                          "while they are on the books.", count=jobs), jobs=jobs)
    session.delete(page)
    flush(session)
