"""Every kind of row that leaves the server in bulk (sync, webhooks): one registration each.

A kind is what the change log calls a row (`Tenanted.change_kind`). Its registration
says how to show many rows at once exactly as a single GET shows one: the model, the
schema, the loader options that spare a lazy load per row, and `present`, which adds
the computed figures (customer balances, market-run figures) in grouped queries.
`in_tenants` says which rows belong to a tenant (a shop, or a team), for a first sync
and for a tenant that left a user's view.

The tenants a user works for come from TENANT_SOURCES: the shops (shared.services.access),
the teams (shared.models.teams.teams_of), and, for a promoter, the shops of the jobs she is
assigned to (where `visible_to` then shows her those jobs and their pages, nothing else).

Adding a kind:

    register(Kind("payouts", Payout, PayoutSchema, in_tenants=lambda ids: Payout.team_id.in_(ids)))

A promotion job is synced and sent in webhooks as its list shows it (`Promotion`: the job
with its figures); its progress history is `GET /promotions/{id}/progress`, and a progress
record written changes its job, so the job comes again with its new figures.

Rows are loaded through the model's own `visible_to(user, shop_ids)`: a row the user may
not see (a payout of a team she is not in) is never shown.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from marshmallow import Schema
from sqlalchemy.orm import Session, joinedload, selectinload

from shared.models import (
    ClientPayment,
    Contest,
    Contribution,
    Customer,
    JobMember,
    MarketRun,
    Order,
    Payment,
    Payout,
    PayoutSet,
    Product,
    PromotionJob,
    Role,
    Seller,
    SocialPage,
    Team,
    TeamMember,
    User,
)
from shared.models.teams import teams_of
from shared.schemas.client_payments import ClientPayment as ClientPaymentSchema
from shared.schemas.contests import Contest as ContestSchema
from shared.schemas.contributions import Contribution as ContributionSchema
from shared.schemas.customers import Customer as CustomerSchema
from shared.schemas.market_runs import MarketRun as MarketRunSchema
from shared.schemas.orders import Order as OrderSchema
from shared.schemas.pages import Page as PageSchema
from shared.schemas.payments import Payment as PaymentSchema
from shared.schemas.payouts import Payout as PayoutSchema
from shared.schemas.payouts import PayoutSet as PayoutSetSchema
from shared.schemas.products import Product as ProductSchema
from shared.schemas.promotions import Promotion as PromotionSchema
from shared.schemas.sellers import Seller as SellerSchema
from shared.schemas.teams import Team as TeamSchema
from shared.services.access import shop_ids_of
from shared.services.customers import with_balances
from shared.services.market_runs import RUN_OPTIONS, with_figures
from shared.services.orders import with_figures as with_order_figures
from shared.services.promotions import LIST_OPTIONS as JOB_OPTIONS
from shared.services.promotions import with_figures as with_job_figures


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    schema: type[Schema]
    in_tenants: Callable[[list[str]], sa.ColumnElement[bool]] | None = None
    options: tuple = ()
    present: Callable[[Session, list], list] | None = None
    _schemas: dict = field(default_factory=dict, compare=False, repr=False)

    def tenant_filter(self, tenant_ids: list[str]) -> sa.ColumnElement[bool]:
        if self.in_tenants is not None:
            return self.in_tenants(tenant_ids)
        return self.model.seller_id.in_(tenant_ids)

    def fields(self) -> set[str]:
        return set(self.schema().fields)

    def dumper(self, only: frozenset[str] | None = None) -> Schema:
        """The schema instance that dumps this kind (trimmed to `only`, with `id` kept)."""
        key = only or frozenset()
        if key not in self._schemas:
            self._schemas[key] = self.schema(only=sorted(key | {"id"})) if only else self.schema()
        return self._schemas[key]

    def shown(self, session: Session, rows: list) -> list:
        """The rows as their schema dumps them: with their figures, in grouped queries."""
        return self.present(session, rows) if self.present and rows else rows


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in KINDS:
        raise ValueError(f"kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


# --- tenants a user works for ----------------------------------------------------------


@dataclass(frozen=True)
class TenantSource:
    """Tenants of one sort (shops; teams): which a user works for, and who works for one."""

    name: str
    # The ids of the user's tenants of this sort; None means every one (an admin).
    of_user: Callable[[Session, User], Iterable[str] | None]
    # Every tenant id of this sort (for an admin).
    every: Callable[[], sa.Select]
    # Selects of the ids of the users who work for `tenant_id` (admins aside): webhooks'
    # recipients. Plain selects, which users_of() unites (SQLite refuses nested unions).
    users_of: Callable[[str], tuple[sa.Select, ...]]


TENANT_SOURCES: list[TenantSource] = []


def tenant_source(source: TenantSource) -> TenantSource:
    TENANT_SOURCES.append(source)
    return source


def tenants_of(session: Session, user: User) -> set[str]:
    """Every tenant the user works for, by the same rules as each row's `visible_to`."""
    found: set[str] = set()
    for source in TENANT_SOURCES:
        ids = source.of_user(session, user)
        found.update(session.scalars(source.every()) if ids is None else ids)
    return found


def users_of(tenant_id: str) -> sa.Select:
    """The ids of the users (admins aside) who work for a tenant: a select for an IN clause."""
    return sa.union(*(select for source in TENANT_SOURCES for select in source.users_of(tenant_id)))


# --- loading rows as a GET shows them ----------------------------------------------------


def visible_rows(session: Session, user: User, kind: Kind, ids: Iterable[str], *,
                 shop_ids: list[str] | None = None) -> dict[str, object]:
    """{id: row as its schema dumps it} for the ids the user may see, in a fixed number of
    queries whatever their number. `shop_ids`: the user's shops, if already read."""
    ids = list(ids)
    if not ids:
        return {}
    if shop_ids is None:
        shop_ids = shop_ids_of(session, user)
    stmt = (sa.select(kind.model).where(kind.model.id.in_(ids), kind.model.visible_to(user, shop_ids))
            .options(*kind.options))
    rows = list(session.scalars(stmt).unique())
    return {row.id: row for row in kind.shown(session, rows)}


def dump(kind: Kind, rows: Iterable, only: frozenset[str] | None = None) -> list[dict]:
    return kind.dumper(only).dump(list(rows), many=True)


# --- the kinds -----------------------------------------------------------------------------


def _orders(_session: Session, rows: list[Order]) -> list:
    return [with_order_figures(order) for order in rows]


register(Kind("sellers", Seller, SellerSchema, in_tenants=lambda ids: Seller.id.in_(ids)))
register(Kind("products", Product, ProductSchema))
register(Kind("customers", Customer, CustomerSchema, present=with_balances))
register(Kind("orders", Order, OrderSchema,
              options=(selectinload(Order.lines), joinedload(Order.customer)), present=_orders))
register(Kind("payments", Payment, PaymentSchema,
              in_tenants=lambda ids: Payment.order_id.in_(sa.select(Order.id).where(Order.seller_id.in_(ids)))))
register(Kind("market_runs", MarketRun, MarketRunSchema,
              options=RUN_OPTIONS, present=with_figures))
# Zeina's work. A shop's: its pages, the jobs on them, what its owner paid for them.
register(Kind("pages", SocialPage, PageSchema))
register(Kind("promotions", PromotionJob, PromotionSchema, options=JOB_OPTIONS, present=with_job_figures))
register(Kind("client_payments", ClientPayment, ClientPaymentSchema))
# A team's: the team, its members' contributions, payout sets and payouts, contests.
register(Kind("teams", Team, TeamSchema, in_tenants=lambda ids: Team.id.in_(ids),
              options=(selectinload(Team.members).joinedload(TeamMember.user),)))
register(Kind("contributions", Contribution, ContributionSchema,
              in_tenants=lambda ids: Contribution.team_id.in_(ids)))
register(Kind("payout_sets", PayoutSet, PayoutSetSchema, in_tenants=lambda ids: PayoutSet.team_id.in_(ids),
              options=(selectinload(PayoutSet.payouts),)))
register(Kind("payouts", Payout, PayoutSchema, in_tenants=lambda ids: Payout.team_id.in_(ids)))
register(Kind("contests", Contest, ContestSchema, in_tenants=lambda ids: Contest.team_id.in_(ids),
              options=(selectinload(Contest.entries),)))


def _shops_of_user(session: Session, user: User) -> list[str] | None:
    return shop_ids_of(session, user)


tenant_source(TenantSource(
    "shops", of_user=_shops_of_user, every=lambda: sa.select(Seller.id),
    users_of=lambda tenant_id: (
        sa.select(Seller.owner_id).where(Seller.id == tenant_id, Seller.owner_id.is_not(None)),
        sa.select(Seller.coordinator_id).where(Seller.id == tenant_id, Seller.coordinator_id.is_not(None)),
    ),
))


def _teams_of_user(session: Session, user: User) -> list[str] | None:
    return None if user.role == Role.admin else list(session.scalars(teams_of(user)))


tenant_source(TenantSource(
    "teams", of_user=_teams_of_user, every=lambda: sa.select(Team.id),
    users_of=lambda tenant_id: (
        sa.select(Team.coordinator_id).where(Team.id == tenant_id),
        sa.select(TeamMember.user_id).where(TeamMember.team_id == tenant_id),
    ),
))


def _job_shops_of_user(session: Session, user: User) -> list[str]:
    """A promoter's: the shops of the jobs she is on (she sees those jobs and their pages)."""
    if user.role != Role.promoter:
        return []
    return list(session.scalars(
        sa.select(PromotionJob.seller_id).join(JobMember, JobMember.job_id == PromotionJob.id)
        .where(JobMember.user_id == user.id).distinct()
    ))


tenant_source(TenantSource(
    "job shops", of_user=_job_shops_of_user, every=lambda: sa.select(Seller.id).where(sa.false()),
    users_of=lambda tenant_id: (
        sa.select(JobMember.user_id).join(PromotionJob, PromotionJob.id == JobMember.job_id)
        .where(PromotionJob.seller_id == tenant_id),
    ),
))
