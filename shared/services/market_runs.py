"""Market runs: the weekly trip to the market, its shopping list, what it cost and earned.

Rules decided here (the API and the admin share them):
- One market day, one run: a run covers confirmed orders of one seller, in any
  currencies, each order in no other run. Without explicit order ids a new run takes
  every such order (in `currency` only, when one is named); a run with nothing to buy is
  refused (422), so a mistaken tap creates nothing.
- An order cancelled after the run was planned stays linked but never counts: not on
  the shopping list, not in revenue, not in `order_count`.
- Every figure is per currency, never summed across currencies. In each: revenue = the
  totals of the counted orders (after returns); cost = the per-product costs recorded in
  it + its lump sum (paid without being split by product), None when neither was;
  margin = revenue - cost (None without a cost). The shopping list's `sale_value` is
  what the customers pay for the items at their order prices, not a purchase price.
- A product's cost is for its whole quantity on the list, in the currency it is on the
  list in (its orders' currency).
- Orders, costs and dates may change; orders may be added, removed and the run
  deleted only while it is `planned`.

Orders are read `with_for_update` and `populate_existing` before a run changes them:
the row lock (PostgreSQL) and the fresh values, version included, mean a run writes
over the order as it is now, not as an earlier read in the request saw it.
"""
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from shared.changelog import record
from shared.client_ids import chosen_id
from shared.db import flush
from shared.errors import Conflict, Invalid, NotFound
from shared.events import emit
from shared.i18n import lazy_join, status_label
from shared.models import (
    MarketRun, MarketRunCost, MarketRunLumpSum, MarketRunStatus, Order, OrderLine, OrderStatus, Seller,
    User, utcnow,
)
from shared.money import ZERO
from shared.services.access import get_for, scoped, seller_for_write
from shared.services.figures import WithFigures
from shared.services.order_status import COUNTED, apply_transition
from shared.services.orders import product_totals
from shared.services.pagination import Page, keyset_page

RUN_OPTIONS = (selectinload(MarketRun.orders), selectinload(MarketRun.costs),
                selectinload(MarketRun.lump_sums))


@dataclass(frozen=True)
class CurrencyFigures:
    """What a run earned and cost in one currency."""

    currency: str
    order_count: int = 0
    revenue: Decimal = ZERO
    cost: Decimal | None = None

    @property
    def margin(self) -> Decimal | None:
        return None if self.cost is None else self.revenue - self.cost


@dataclass(frozen=True)
class RunFigures:
    """A run's counted orders, and its figures per currency (by currency code)."""

    order_count: int = 0
    currencies: list[CurrencyFigures] = field(default_factory=list)

    def of(self, currency: str) -> CurrencyFigures:
        return next((c for c in self.currencies if c.currency == currency), CurrencyFigures(currency))


@dataclass
class ShoppingItem:
    product_id: str | None
    name: str
    quantity: int
    sale_value: Decimal
    cost: Decimal | None


@dataclass
class ShoppingGroup:
    """The list's items in one currency, with what they sell for and what was paid."""

    currency: str
    items: list[ShoppingItem] = field(default_factory=list)
    lump_sum: Decimal | None = None
    cost: Decimal | None = None

    @property
    def sale_value(self) -> Decimal:
        return sum((item.sale_value for item in self.items), ZERO)


@dataclass
class ShoppingList:
    market_run_id: str
    currencies: list[ShoppingGroup] = field(default_factory=list)


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
    """Each run with its figures, from three grouped queries whatever the number of runs."""
    if not runs:
        return []
    ids = [run.id for run in runs]
    sales = session.execute(
        sa.select(Order.market_run_id, Order.currency, sa.func.count(Order.id), sa.func.sum(Order.total))
        .where(Order.market_run_id.in_(ids), COUNTED)
        .group_by(Order.market_run_id, Order.currency)
    ).all()
    item_costs = session.execute(
        sa.select(MarketRunCost.market_run_id, MarketRunCost.currency, sa.func.sum(MarketRunCost.cost))
        .where(MarketRunCost.market_run_id.in_(ids))
        .group_by(MarketRunCost.market_run_id, MarketRunCost.currency)
    ).all()
    lump_sums = session.execute(
        sa.select(MarketRunLumpSum.market_run_id, MarketRunLumpSum.currency, MarketRunLumpSum.amount)
        .where(MarketRunLumpSum.market_run_id.in_(ids))
    ).all()
    sold: dict[str, dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    for run_id, currency, count, total in sales:
        sold[run_id][currency] = (count, total or ZERO)
    paid: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for run_id, currency, amount in [*item_costs, *lump_sums]:
        paid[run_id][currency] += amount
    shown = []
    for run in runs:
        per_currency = []
        for currency in sorted(set(sold[run.id]) | set(paid[run.id])):
            count, revenue = sold[run.id].get(currency, (0, ZERO))
            per_currency.append(CurrencyFigures(currency, count, revenue, paid[run.id].get(currency)))
        shown.append(RunWithFigures(run, RunFigures(sum(c.order_count for c in per_currency),
                                                    per_currency)))
    return shown


def _refreshed(session: Session, run: MarketRun) -> RunWithFigures:
    """The run as it is now (after this request's writes), with orders, costs and figures."""
    flush(session)
    run = session.scalars(sa.select(MarketRun).where(MarketRun.id == run.id)
                          .options(*RUN_OPTIONS).execution_options(populate_existing=True)).one()
    return with_figures(session, [run])[0]


# --- reading ---------------------------------------------------------------------------


def list_market_runs(session: Session, user: User, filters: RunFilter, *,
                     limit: int, cursor: str | None) -> Page[RunWithFigures]:
    stmt = scoped(sa.select(MarketRun), MarketRun, user, session).options(*RUN_OPTIONS)
    if filters.seller_id:
        stmt = stmt.where(MarketRun.seller_id == filters.seller_id)
    if filters.status:
        stmt = stmt.where(MarketRun.status == filters.status)
    page = keyset_page(session, stmt, MarketRun, limit=limit, cursor=cursor)
    return Page(with_figures(session, page.items), page.next_cursor)


def get_market_run(session: Session, user: User, run_id: str, *, for_update: bool = False,
                   with_customers: bool = False) -> RunWithFigures:
    """`with_customers`: each order's customer read too, in one query (for a page that names
    them), not one per order.

    :raise NotFound: no such run, or one of a shop the user does not work for."""
    options = RUN_OPTIONS
    if with_customers:
        options += (selectinload(MarketRun.orders).selectinload(Order.customer),)
    run = get_for(session, user, MarketRun, run_id, options=options, for_update=for_update)
    return with_figures(session, [run])[0]


def shopping_list(session: Session, run: RunWithFigures) -> ShoppingList:
    """Products summed over the run's counted orders, per currency: one grouped query.

    `sale_value` is what the customers pay for the item at their order prices (the
    quantities ordered, which is what is bought); `cost` what was recorded as paid at the
    market for it (None until recorded). A product since deleted from the catalogue keeps
    the name its orders were placed with. Each currency also shows its lump sum and its
    cost (the run's figures: item costs + lump sum).
    """
    totals = product_totals(Order.currency).where(Order.market_run_id == run.id)
    rows = session.execute(
        totals.add_columns(sa.func.max(MarketRunCost.cost))
        .outerjoin(MarketRunCost, sa.and_(MarketRunCost.market_run_id == Order.market_run_id,
                                          MarketRunCost.product_id == OrderLine.product_id,
                                          MarketRunCost.currency == Order.currency))
        .order_by(Order.currency, totals.selected_columns.name, totals.selected_columns.product_id)
    ).all()
    groups: dict[str, ShoppingGroup] = {}
    for currency, pid, name, qty, sale_value, cost in rows:
        group = groups.setdefault(currency, ShoppingGroup(currency))
        group.items.append(ShoppingItem(product_id=pid, name=name, quantity=int(qty),
                                        sale_value=sale_value, cost=cost))
    lumps = {lump.currency: lump.amount for lump in run.row.lump_sums}
    for figures in run.figures.currencies:
        groups.setdefault(figures.currency, ShoppingGroup(figures.currency))
    for currency, group in groups.items():
        group.lump_sum = lumps.get(currency)
        group.cost = run.figures.of(currency).cost
    return ShoppingList(market_run_id=run.id, currencies=[groups[c] for c in sorted(groups)])


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


def _waiting_orders(session: Session, seller: Seller, currency: str | None) -> list[Order]:
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
    return list(orders)


# --- writing -----------------------------------------------------------------------------


def create_market_run(session: Session, user: User, data: Mapping) -> RunWithFigures:
    """Plan a run: the named confirmed orders, or every confirmed order waiting for one
    (only those in `currency`, when it is given), whatever their currencies.

    :raise NotFound: the seller, or a named order, is not one the user works for.
    :raise Conflict: a named order is not confirmed, or already in a run.
    :raise Invalid: no orders to buy for.
    """
    seller = seller_for_write(session, user, data.get("seller_id"))
    if data.get("order_ids"):
        orders = _check_free(_orders_named(session, seller.id, data["order_ids"]), None)
    else:
        orders = _waiting_orders(session, seller, data.get("currency"))
    run = MarketRun(id=chosen_id(session, MarketRun, data), seller=seller, run_date=data["run_date"],
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
    """Add confirmed orders of the run's seller, in any currency; orders already in it are kept."""
    _require_planned(run, _l("orders can be added"))
    orders = _check_free(_orders_named(session, run.seller_id, order_ids), run)
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


def _on_list(session: Session, run: MarketRun, product_ids: set[str]) -> dict[str, set[str]]:
    """{product id: the currencies it is on the run's shopping list in}, for these products."""
    found: dict[str, set[str]] = defaultdict(set)
    for product_id, currency in session.execute(
        sa.select(OrderLine.product_id, Order.currency).distinct()
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.market_run_id == run.id, OrderLine.product_id.in_(product_ids), COUNTED)
    ):
        found[product_id].add(currency)
    return found


def _cost_keys(session: Session, run: MarketRun, costs: list[Mapping]) -> dict[tuple[str, str], Decimal | None]:
    """{(product id, currency): cost} from `costs` [{product_id, cost, currency?}], the last
    entry for a product winning. A product on the list in one currency needs no currency.

    :raise Invalid: a product not on the list (in that currency), or on it in several
        currencies and none named.
    """
    on_list = _on_list(session, run, {cost["product_id"] for cost in costs})
    off_list = sorted({cost["product_id"] for cost in costs if cost["product_id"] not in on_list})
    if off_list:
        raise Invalid("costs", _l("product %(id)r is not on this run's shopping list", id=off_list[0]),
                      product_ids=off_list)
    keyed: dict[tuple[str, str], Decimal | None] = {}
    for cost in costs:
        product_id, currencies = cost["product_id"], on_list[cost["product_id"]]
        currency = cost.get("currency")
        if currency is None and len(currencies) > 1:
            raise Invalid("costs", _l("product %(id)r is on this run's list in %(currencies)s: "
                                      "say which currency each cost is in", id=product_id,
                                      currencies=lazy_join(sorted(currencies))),
                          product_id=product_id, currencies=sorted(currencies))
        if currency is not None and currency not in currencies:
            raise Invalid("costs", _l("product %(id)r is on this run's list in %(currencies)s, "
                                      "not in %(currency)s", id=product_id, currency=currency,
                                      currencies=lazy_join(sorted(currencies))),
                          product_id=product_id, currencies=sorted(currencies))
        keyed[product_id, currency or next(iter(currencies))] = cost["cost"]
    return keyed


def _record_costs(session: Session, run: MarketRun, costs: list[Mapping] | None,
                  lump_sums: list[Mapping] | None) -> None:
    """Upsert per-product costs and per-currency lump sums; a null cost or amount removes one."""
    if costs:
        recorded = {(cost.product_id, cost.currency): cost for cost in run.costs}
        for (product_id, currency), amount in _cost_keys(session, run, costs).items():
            if amount is None:
                if (product_id, currency) in recorded:
                    run.costs.remove(recorded[product_id, currency])
            elif (product_id, currency) in recorded:
                recorded[product_id, currency].cost = amount
            else:
                run.costs.append(MarketRunCost(product_id=product_id, currency=currency, cost=amount))
    if lump_sums:
        recorded_sums = {lump.currency: lump for lump in run.lump_sums}
        latest = {lump["currency"]: lump["amount"] for lump in lump_sums}
        for currency, amount in latest.items():
            if amount is None:
                if currency in recorded_sums:
                    run.lump_sums.remove(recorded_sums[currency])
            elif currency in recorded_sums:
                recorded_sums[currency].amount = amount
            else:
                run.lump_sums.append(MarketRunLumpSum(currency=currency, amount=amount))
    try:
        flush(session)
    except IntegrityError:  # the same cost added by a request at the same moment (SQLite)
        raise Conflict(_l("This market run's costs were changed at the same moment; "
                          "reload it and try again."), code="changed-meanwhile") from None


def update_market_run(session: Session, run: MarketRun, changes: Mapping) -> RunWithFigures:
    """Change run_date, note, per-product costs and lump sums.

    `costs` [{product_id, cost, currency?}] upserts what was paid for a product of the
    shopping list (its whole quantity); `lump_sums` [{currency, amount}] what was paid in
    a currency without being split by product. A null cost or amount removes it. Load the
    run `for_update` first, so its costs are read as they are now.

    :raise Invalid: a product in `costs` is not on the run's shopping list (see _cost_keys).
    :raise Stale: the run changed since it was read.
    :raise Conflict: the same cost was added by another request at the same moment.
    """
    if "run_date" in changes:
        run.run_date = changes["run_date"]
    if "note" in changes:
        run.note = changes["note"]
    run.updated_at = utcnow()  # the run's version moves with its costs
    _record_costs(session, run, changes.get("costs"), changes.get("lump_sums"))
    return _refreshed(session, run)


def mark_bought(session: Session, user: User, run: MarketRun, *, costs: list[Mapping] | None = None,
                lump_sums: list[Mapping] | None = None,
                bought_at: datetime | None = None) -> RunWithFigures:
    """Everything was bought: confirmed orders of the run become purchased (with history),
    and what was paid is recorded (as update_market_run's `costs` and `lump_sums`).

    Orders no longer confirmed (cancelled, or already moved on) are skipped.

    :raise Conflict: the run was already marked bought.
    :raise Invalid: see update_market_run.
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
    _record_costs(session, run, costs, lump_sums)
    record(session, run)  # the claim above bypassed the ORM
    emit("market_run.bought", run)
    return _refreshed(session, run)


def delete_market_run(session: Session, run: MarketRun) -> None:
    """Delete a planned run; its orders are free to go on another run."""
    _require_planned(run, _l("it can be deleted"))
    run.orders.clear()
    session.delete(run)
    flush(session)


__all__ = [
    "CurrencyFigures", "RunFigures", "RunFilter", "RunWithFigures", "ShoppingGroup", "ShoppingItem",
    "ShoppingList", "add_orders", "with_figures",
    "create_market_run", "delete_market_run", "get_market_run", "list_market_runs",
    "mark_bought", "remove_order", "shopping_list", "update_market_run",
]
