"""Market runs: the weekly trip to the market, its shopping list, what it cost and earned.

Rules decided here (the API and the admin share them):
- A run covers confirmed orders of one seller in one currency, each in no other run.
  Without explicit order ids a new run takes every such order; a run with nothing to
  buy is refused (422), so a mistaken tap creates nothing.
- An order cancelled after the run was planned stays linked but never counts: not on
  the shopping list, not in revenue, not in `order_count`.
- cost = sum of the per-product actual costs + the run-level `actual_cost`, counting
  whichever were recorded; None when neither was. margin = revenue - cost (None
  without a cost). All in the run's currency.
- Orders, costs and dates may change; orders may be added, removed and the run
  deleted only while it is `planned`.

Orders are read `with_for_update` and `populate_existing` before a run changes them:
the row lock (PostgreSQL) and the fresh values, version included, mean a run writes
over the order as it is now, not as an earlier read in the request saw it.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from shared.changelog import record
from shared.db import flush
from shared.errors import Conflict, Invalid, NotFound
from shared.i18n import lazy_join, status_label
from shared.models import (
    MarketRun, MarketRunCost, MarketRunStatus, Order, OrderLine, OrderStatus, Seller, User,
    utcnow,
)
from shared.services.access import get_for, scoped, seller_for_write
from shared.money import ZERO
from shared.services.figures import WithFigures
from shared.services.order_status import COUNTED, apply_transition
from shared.services.orders import product_totals
from shared.services.pagination import Page, keyset_page

_RUN_OPTIONS = (selectinload(MarketRun.orders), selectinload(MarketRun.costs))


@dataclass
class RunFigures:
    """What a run earned and cost, in its currency."""

    order_count: int = 0
    revenue: Decimal = ZERO
    cost: Decimal | None = None

    @property
    def margin(self) -> Decimal | None:
        return None if self.cost is None else self.revenue - self.cost


@dataclass
class ShoppingItem:
    product_id: str | None
    name: str
    quantity: int
    expected_cost: Decimal
    actual_cost: Decimal | None


@dataclass
class ShoppingList:
    market_run_id: str
    currency: str
    items: list[ShoppingItem] = field(default_factory=list)
    actual_total: Decimal | None = None

    @property
    def expected_total(self) -> Decimal:
        return sum((item.expected_cost for item in self.items), ZERO)


@dataclass
class RunFilter:
    seller_id: str | None = None
    status: MarketRunStatus | None = None


# --- figures (grouped queries, never one per run) --------------------------------------


@dataclass(frozen=True)
class RunWithFigures(WithFigures[MarketRun]):
    """A run and its `figures`: what the MarketRun schema shows."""

    figures: RunFigures


def with_figures(session: Session, runs: list[MarketRun]) -> list[RunWithFigures]:
    """Each run with its figures, from two grouped queries whatever the number of runs."""
    if not runs:
        return []
    ids = [run.id for run in runs]
    sales = session.execute(
        sa.select(Order.market_run_id, sa.func.count(Order.id), sa.func.sum(Order.total))
        .where(Order.market_run_id.in_(ids), COUNTED)
        .group_by(Order.market_run_id)
    ).all()
    line_costs = session.execute(
        sa.select(MarketRunCost.market_run_id, sa.func.sum(MarketRunCost.actual_cost))
        .where(MarketRunCost.market_run_id.in_(ids))
        .group_by(MarketRunCost.market_run_id)
    ).all()
    sales_by_run = {run_id: (count, total) for run_id, count, total in sales}
    costs_by_run = dict(line_costs)
    shown = []
    for run in runs:
        count, total = sales_by_run.get(run.id, (0, ZERO))
        recorded = [c for c in (costs_by_run.get(run.id), run.actual_cost) if c is not None]
        shown.append(RunWithFigures(run, RunFigures(order_count=count, revenue=total or ZERO,
                                                     cost=sum(recorded, ZERO) if recorded else None)))
    return shown


def _refreshed(session: Session, run: MarketRun) -> RunWithFigures:
    """The run as it is now (after this request's writes), with orders, costs and figures."""
    flush(session)
    run = session.scalars(sa.select(MarketRun).where(MarketRun.id == run.id)
                          .options(*_RUN_OPTIONS).execution_options(populate_existing=True)).one()
    return with_figures(session, [run])[0]


# --- reading ---------------------------------------------------------------------------


def list_market_runs(session: Session, user: User, filters: RunFilter, *,
                     limit: int, cursor: str | None) -> Page[MarketRun]:
    stmt = scoped(sa.select(MarketRun), MarketRun, user, session).options(*_RUN_OPTIONS)
    if filters.seller_id:
        stmt = stmt.where(MarketRun.seller_id == filters.seller_id)
    if filters.status:
        stmt = stmt.where(MarketRun.status == filters.status)
    page = keyset_page(session, stmt, MarketRun, limit=limit, cursor=cursor)
    return Page(with_figures(session, page.items), page.next_cursor)


def get_market_run(session: Session, user: User, run_id: str, *, for_update: bool = False) -> RunWithFigures:
    """:raise NotFound: no such run, or one of a shop the user does not work for."""
    run = get_for(session, user, MarketRun, run_id, options=_RUN_OPTIONS, for_update=for_update)
    return with_figures(session, [run])[0]


def shopping_list(session: Session, run: RunWithFigures) -> ShoppingList:
    """Products summed over the run's counted orders: one grouped query.

    `expected_cost` is what the customers pay for the item at their order prices;
    `actual_cost` what was recorded as paid at the market (None until recorded). A
    product since deleted from the catalogue keeps the name its orders were placed with.
    """
    totals = product_totals().where(Order.market_run_id == run.id)
    rows = session.execute(
        totals.add_columns(sa.func.max(MarketRunCost.actual_cost))
        .outerjoin(MarketRunCost, sa.and_(MarketRunCost.market_run_id == Order.market_run_id,
                                          MarketRunCost.product_id == OrderLine.product_id))
        .order_by(totals.selected_columns.name, totals.selected_columns.product_id)
    ).all()
    items = [ShoppingItem(product_id=pid, name=name, quantity=int(qty), expected_cost=expected,
                          actual_cost=actual)
             for pid, name, qty, expected, actual in rows]
    return ShoppingList(market_run_id=run.id, currency=run.currency, items=items,
                        actual_total=run.figures.cost)


# --- choosing orders ---------------------------------------------------------------------


def _orders_named(session: Session, seller_id: str, order_ids: list[str]) -> list[Order]:
    """The seller's orders with these ids, locked, checked one by one.

    :raise NotFound: an id is not an order of this seller.
    :raise Conflict: an order is not confirmed, or is in another run.
    """
    wanted = list(dict.fromkeys(order_ids))
    orders = session.scalars(
        sa.select(Order).where(Order.id.in_(wanted), Order.seller_id == seller_id).with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    by_id = {order.id: order for order in orders}
    missing = [order_id for order_id in wanted if order_id not in by_id]
    if missing:
        raise NotFound(_l("No order with id %(id)r in this shop.", id=missing[0]), order_ids=missing)
    for order in (by_id[order_id] for order_id in wanted):
        if order.status != OrderStatus.confirmed:
            raise Conflict(
                _l("Order %(number)s is %(status)s: only confirmed orders go on a market run. "
                   "Confirm it first.", number=order.number, status=status_label(order.status)),
                code="invalid-state", order_id=order.id, order_number=order.number,
                order_status=order.status.value,
            )
    return [by_id[order_id] for order_id in wanted]


def _check_free(orders: list[Order], run: MarketRun | None) -> list[Order]:
    """Orders not yet in `run`; :raise Conflict: one is in another run."""
    for order in orders:
        if order.market_run_id is not None and (run is None or order.market_run_id != run.id):
            raise Conflict(
                _l("Order %(number)s is already in another market run; remove it from that "
                   "run first.", number=order.number),
                code="invalid-state", order_id=order.id, order_number=order.number,
                market_run_id=order.market_run_id,
            )
    return [order for order in orders if run is None or order.market_run_id != run.id]


def _one_currency(orders: list[Order], currency: str | None) -> str:
    """The currency all `orders` share (`currency` when given). :raise Invalid: they differ."""
    currencies = sorted({order.currency for order in orders})
    if currency is not None:
        other = [order for order in orders if order.currency != currency]
        if other:
            raise Invalid("order_ids", _l("order %(number)s is in %(currency)s, this run buys in "
                                          "%(run_currency)s: a run has one currency",
                                          number=other[0].number, currency=other[0].currency,
                                          run_currency=currency),
                          currencies=currencies)
        return currency
    if len(currencies) > 1:
        raise Invalid("order_ids", _l("these orders are in %(currencies)s: a run has one "
                                      "currency, make one run per currency",
                                      currencies=lazy_join(currencies)), currencies=currencies)
    return currencies[0]


def _waiting_orders(session: Session, seller: Seller, currency: str | None) -> tuple[list[Order], str]:
    """Every confirmed order of the seller in no run (in `currency` if given), locked."""
    stmt = sa.select(Order).where(
        Order.seller_id == seller.id, Order.status == OrderStatus.confirmed,
        Order.market_run_id.is_(None),
    )
    if currency is not None:
        stmt = stmt.where(Order.currency == currency)
    orders = session.scalars(stmt.order_by(Order.number).with_for_update()
                             .execution_options(populate_existing=True)).all()
    if not orders:
        if currency:
            reason = _l("no confirmed orders in %(currency)s are waiting for a market run: "
                        "confirm orders first, or name them in order_ids", currency=currency)
        else:
            reason = _l("no confirmed orders are waiting for a market run: "
                        "confirm orders first, or name them in order_ids")
        raise Invalid("order_ids", reason)
    currencies = sorted({order.currency for order in orders})
    if currency is None and len(currencies) > 1:
        raise Invalid("currency", _l("your confirmed orders are in %(currencies)s: say "
                                     "which currency this run buys for",
                                     currencies=lazy_join(currencies)), currencies=currencies)
    return list(orders), currencies[0]


# --- writing -----------------------------------------------------------------------------


def create_market_run(session: Session, user: User, data: Mapping) -> RunWithFigures:
    """Plan a run: the named confirmed orders, or every confirmed order waiting for one.

    :raise NotFound: the seller, or a named order, is not one the user works for.
    :raise Conflict: a named order is not confirmed, or already in a run.
    :raise Invalid: no orders to buy for, or several currencies and none chosen.
    """
    seller = seller_for_write(session, user, data.get("seller_id"))
    currency = data.get("currency")
    if data.get("order_ids"):
        orders = _check_free(_orders_named(session, seller.id, data["order_ids"]), None)
        currency = _one_currency(orders, currency)
    else:
        orders, currency = _waiting_orders(session, seller, currency)
    run = MarketRun(seller=seller, run_date=data["run_date"], currency=currency,
                    note=data.get("note") or "", status=MarketRunStatus.planned)
    session.add(run)
    for order in orders:
        order.market_run = run
    return _refreshed(session, run)


def _require_planned(run: MarketRun, doing) -> None:
    """:raise Conflict: the run is no longer planned; `doing` says what was refused (lazy text)."""
    if run.status != MarketRunStatus.planned:
        raise Conflict(_l("This market run is %(status)s: %(doing)s only while it is planned.",
                          status=status_label(run.status), doing=doing),
                       code="invalid-state", current=run.status.value)


def add_orders(session: Session, run: MarketRun, order_ids: list[str]) -> RunWithFigures:
    """Add confirmed orders of the run's seller, in its currency; orders already in it are kept."""
    _require_planned(run, _l("orders can be added"))
    orders = _check_free(_orders_named(session, run.seller_id, order_ids), run)
    _one_currency(orders, run.currency)
    for order in orders:
        order.market_run = run
    return _refreshed(session, run)


def remove_order(session: Session, run: MarketRun, order_id: str) -> None:
    """:raise NotFound: the order is not in this run."""
    _require_planned(run, _l("orders can be removed"))
    order = next((order for order in run.orders if order.id == order_id), None)
    if order is None:
        raise NotFound(_l("No order with id %(id)r in this market run.", id=order_id))
    order.market_run = None
    flush(session)


def _products_on_list(session: Session, run: MarketRun, product_ids: set[str]) -> set[str]:
    return set(session.scalars(
        sa.select(OrderLine.product_id).distinct()
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.market_run_id == run.id, OrderLine.product_id.in_(product_ids), COUNTED)
    ))


def update_market_run(session: Session, run: MarketRun, changes: Mapping) -> RunWithFigures:
    """Change run_date, note, the run's actual_cost, and per-product costs.

    `costs` upserts one actual cost per product of the shopping list; a null
    `actual_cost` removes the product's recorded cost. Load the run `for_update` first,
    so its costs are read as they are now.

    :raise Invalid: a product in `costs` is not on the run's shopping list.
    :raise Stale: the run changed since it was read.
    :raise Conflict: the same cost was added by another request at the same moment.
    """
    if "run_date" in changes:
        run.run_date = changes["run_date"]
    if "note" in changes:
        run.note = changes["note"]
    if "actual_cost" in changes:
        run.actual_cost = changes["actual_cost"]
    if costs := changes.get("costs"):
        latest = {cost["product_id"]: cost["actual_cost"] for cost in costs}
        off_list = set(latest) - _products_on_list(session, run, set(latest))
        if off_list:
            first = sorted(off_list)[0]
            raise Invalid("costs", _l("product %(id)r is not on this run's shopping list", id=first),
                          product_ids=sorted(off_list))
        recorded = {cost.product_id: cost for cost in run.costs}
        for product_id, amount in latest.items():
            if amount is None:
                if product_id in recorded:
                    run.costs.remove(recorded[product_id])
            elif product_id in recorded:
                recorded[product_id].actual_cost = amount
            else:
                run.costs.append(MarketRunCost(product_id=product_id, actual_cost=amount))
    run.updated_at = utcnow()  # the run's version moves with its costs
    try:
        flush(session)
    except IntegrityError:  # the same cost added by a request at the same moment (SQLite)
        raise Conflict(_l("This market run's costs were changed at the same moment; "
                          "reload it and try again."), code="changed-meanwhile") from None
    return _refreshed(session, run)


def mark_bought(session: Session, user: User, run: MarketRun, *, actual_cost: Decimal | None = None,
                bought_at: datetime | None = None) -> RunWithFigures:
    """Everything was bought: confirmed orders of the run become purchased (with history).

    Orders no longer confirmed (cancelled, or already moved on) are skipped.

    :raise Conflict: the run was already marked bought.
    """
    # Claim the run in one conditional UPDATE: of two taps at once, exactly one wins.
    claimed = session.execute(
        sa.update(MarketRun)
        .where(MarketRun.id == run.id, MarketRun.status == MarketRunStatus.planned)
        .values(status=MarketRunStatus.bought, bought_at=bought_at or utcnow(), updated_at=utcnow(),
                version=MarketRun.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(run)
    if not claimed:
        raise Conflict(_l("This market run was already marked bought at %(at)s.",
                          at=run.bought_at.isoformat()),
                       code="invalid-state", current=run.status.value)
    orders = session.scalars(
        sa.select(Order).where(Order.market_run_id == run.id, Order.status == OrderStatus.confirmed)
        .options(selectinload(Order.events)).with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for order in orders:
        apply_transition(order, OrderStatus.purchased, user)
    if actual_cost is not None:
        run.actual_cost = actual_cost
    record(session, run)  # the claim above bypassed the ORM
    return _refreshed(session, run)


def delete_market_run(session: Session, run: MarketRun) -> None:
    """Delete a planned run; its orders are free to go on another run."""
    _require_planned(run, _l("it can be deleted"))
    run.orders.clear()
    session.delete(run)
    flush(session)


__all__ = [
    "RunFigures", "RunFilter", "RunWithFigures", "ShoppingItem", "ShoppingList", "add_orders",
    "with_figures",
    "create_market_run", "delete_market_run", "get_market_run", "list_market_runs",
    "mark_bought", "remove_order", "shopping_list", "update_market_run",
]
