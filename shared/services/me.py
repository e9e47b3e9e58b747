"""Who a user is, as an app shows it after logging in: GET /api/v1/me, and the login answer."""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.models import Language, Role, Seller, User
from shared.services.access import scoped
from shared.services.teams import TeamSummary, team_summary


@dataclass(frozen=True)
class ShopRef:
    id: str
    name: str


@dataclass(frozen=True)
class Profile:
    """Who a user is, as an app shows it after logging in (GET /api/v1/me)."""

    id: str
    name: str
    email: str | None
    role: Role
    language: Language
    all_shops: bool  # an admin works for every shop; `shops` then lists none
    shops: list[ShopRef]
    teams: list[TeamSummary]  # the teams they coordinate or work in


def profile(session: Session, user: User) -> Profile:
    """The user with the shops they work for (by name; none listed for an admin, who
    works for all) and their teams."""
    all_shops = user.role == Role.admin
    shops = [] if all_shops else [
        ShopRef(id=row.id, name=row.name) for row in session.execute(
            scoped(sa.select(Seller.id, Seller.name), Seller, user).order_by(Seller.name, Seller.id))
    ]
    return Profile(id=user.id, name=user.name, email=user.email, role=user.role,
                   language=user.language, all_shops=all_shops, shops=shops,
                   teams=team_summary(session, user))
