"""Every kind of row that leaves the server in bulk (sync, webhooks): one registration each.

A kind is what the change log calls a row (`Tenanted.change_kind`). Its registration
says how to show many rows at once exactly as a single GET shows one: the model, the
schema, the loader options that spare a lazy load per row, and `present`, which adds
the computed figures (customer balances, market-run figures) in grouped queries.
`in_tenants` says which rows belong to a tenant (a shop, or a team), for a first sync
and for a tenant that left a user's view.

The tenants a user works for come from TENANT_SOURCES: today the shops
(shared.services.access); the promotions add their teams with one `tenant_source(...)`.

Adding a kind (issue 9: pages, promotions, progress, teams, payouts, contests):

    register(Kind("payouts", Payout, PayoutSchema, in_tenants=lambda ids: Payout.team_id.in_(ids)))

Rows are loaded through the model's own `visible_to(user, shop_ids)`: a row the user may
not see (a payout of a team she is not in) is never shown.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from marshmallow import Schema
from sqlalchemy.orm import Session, joinedload, selectinload

from shared.models import Customer, MarketRun, Order, Payment, Product, Seller, User
from shared.schemas.customers import Customer as CustomerSchema
from shared.schemas.market_runs import MarketRun as MarketRunSchema
from shared.schemas.orders import Order as OrderSchema
from shared.schemas.payments import Payment as PaymentSchema
from shared.schemas.products import Product as ProductSchema
from shared.schemas.sellers import Seller as SellerSchema
from shared.services.access import shop_ids_of
from shared.services.customers import with_balances
from shared.services.market_runs import RUN_OPTIONS, with_figures
from shared.services.orders import with_figures as with_order_figures


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
    # The ids of the users who work for `tenant_id` (admins aside): webhooks' recipients.
    users_of: Callable[[str], sa.Select]


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
    return sa.union(*(source.users_of(tenant_id) for source in TENANT_SOURCES))


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


# --- today's kinds -------------------------------------------------------------------------


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


def _shops_of_user(session: Session, user: User) -> list[str] | None:
    return shop_ids_of(session, user)


tenant_source(TenantSource(
    "shops", of_user=_shops_of_user, every=lambda: sa.select(Seller.id),
    users_of=lambda tenant_id: sa.union(
        sa.select(Seller.owner_id).where(Seller.id == tenant_id, Seller.owner_id.is_not(None)),
        sa.select(Seller.coordinator_id).where(Seller.id == tenant_id, Seller.coordinator_id.is_not(None)),
    ),
))
