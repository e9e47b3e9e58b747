"""Market runs: the weekly trip to the market, its shopping list, cost and margin."""
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.market_runs import (
    MarketRun, MarketRunBought, MarketRunCreate, MarketRunOrders, MarketRunQuery, MarketRunUpdate,
    ShoppingList,
)
from shared.services import market_runs

blp = Blueprint("market_runs", __name__, url_prefix="/api/v1/market-runs",
                description="A seller's trip to the market to buy what confirmed orders need.")

market_run_schema = MarketRun()

EXAMPLE = {"run_date": "2025-05-16", "note": "Friday market"}
COSTS_EXAMPLE = {"costs": [{"product_id": "01jd3k7a8b9c0d1e2f3g4h5j6k", "cost": "420.00"}],
                 "lump_sums": [{"currency": "TRY", "amount": "40.00"}]}
ORDERS_EXAMPLE = {"order_ids": ["01jd3k9a8b9c0d1e2f3g4h5j6k"]}


@blp.route("")
class MarketRuns(View):
    @blp.arguments(MarketRunQuery, location="query")
    @blp.response(200, MarketRun(many=True))
    def get(self, query):
        """List market runs

        Newest first, each with its `order_count` and, per currency, its `revenue`,
        `cost` and `margin`. Filter by `seller_id` and `status` (planned, bought).
        """
        filters = market_runs.RunFilter(seller_id=query["seller_id"], status=query["status"])
        page = market_runs.list_market_runs(db.session, current_user, filters,
                                            limit=query["limit"], cursor=query["cursor"])
        return page_response(page)

    @blp.arguments(MarketRunCreate, example=EXAMPLE)
    @blp.response(201, MarketRun)
    def post(self, data):
        """Plan a market run

        One market day, one run, whatever the currencies: without `order_ids` the run
        takes every confirmed order of the shop that is in no other run (only those in
        `currency`, if you name one). With `order_ids`, each must be a confirmed order
        of the shop in no other run. A run with nothing to buy is refused (422).
        `seller_id` may be left out when you work for exactly one shop.
        """
        return market_runs.create_market_run(db.session, current_user, data)


@blp.route("/<run_id>")
class MarketRunById(View):
    @blp.response(200, MarketRun)
    def get(self, run_id):
        """Get a market run

        The run with its orders, recorded costs and lump sums, and per currency its
        revenue, cost and margin.
        """
        return market_runs.get_market_run(db.session, current_user, run_id)

    @blp.arguments(MarketRunUpdate, example=COSTS_EXAMPLE)
    @blp.response(200, MarketRun)
    def patch(self, changes, run_id):
        """Change a market run

        Send only the fields to change. `costs` records what was paid per product of
        the shopping list, for its whole quantity, in the currency it is on the list in
        (one entry per product replaces the previous one; a null `cost` removes it).
        `lump_sums` records, per currency, what was paid without being split by product
        (transport, bags, or the whole bill): it is added to the per-product costs.
        """
        run = market_runs.get_market_run(db.session, current_user, run_id, for_update=True)
        check_if_match(market_run_schema, run)
        return market_runs.update_market_run(db.session, run.row, changes)

    @blp.response(204)
    def delete(self, run_id):
        """Delete a market run

        Only while it is planned; its orders become free for another run.
        """
        run = market_runs.get_market_run(db.session, current_user, run_id, for_update=True)
        check_if_match(market_run_schema, run)
        market_runs.delete_market_run(db.session, run.row)


@blp.route("/<run_id>/shopping-list")
class MarketRunShoppingList(View):
    @blp.response(200, ShoppingList)
    def get(self, run_id):
        """Get a run's shopping list

        Per currency, each product once, with the quantity summed over the run's
        orders (cancelled orders never count); `sale_value` is what the customers pay
        for it at their order prices, `cost` what was recorded as paid at the market.
        Each currency also shows its `lump_sum` and its total `cost`.
        """
        run = market_runs.get_market_run(db.session, current_user, run_id)
        return market_runs.shopping_list(db.session, run)


@blp.route("/<run_id>/bought")
class MarketRunBoughtView(View):
    @blp.arguments(MarketRunBought, required=False, example=COSTS_EXAMPLE)
    @blp.response(200, MarketRun)
    @blp.doc(operationId="markMarketRunBought")
    def post(self, data, run_id):
        """Mark a market run bought

        Every confirmed order of the run becomes `purchased` (recorded in its history
        with you as the actor); orders no longer confirmed, such as cancelled ones,
        are skipped. What you paid may come with it, as in a change of the run:
        per-product `costs` and/or `lump_sums` per currency. A run can be marked
        bought once (409 after).
        """
        run = market_runs.get_market_run(db.session, current_user, run_id)
        data = data or {}
        return market_runs.mark_bought(db.session, current_user, run.row, costs=data.get("costs"),
                                       lump_sums=data.get("lump_sums"), bought_at=data.get("bought_at"))


@blp.route("/<run_id>/orders")
class MarketRunOrdersView(View):
    @blp.arguments(MarketRunOrders, example=ORDERS_EXAMPLE)
    @blp.response(200, MarketRun)
    @blp.doc(operationId="addMarketRunOrders")
    def post(self, data, run_id):
        """Add orders to a market run

        Only while the run is planned. Each order must be a confirmed order of the
        run's shop in no other run, in any currency; orders already in this run are
        left as they are.
        """
        run = market_runs.get_market_run(db.session, current_user, run_id, for_update=True)
        return market_runs.add_orders(db.session, run.row, data["order_ids"])


@blp.route("/<run_id>/orders/<order_id>")
class MarketRunOrderById(View):
    @blp.response(204)
    @blp.doc(operationId="removeMarketRunOrder")
    def delete(self, run_id, order_id):
        """Remove an order from a market run

        Only while the run is planned; the order becomes free for another run.
        """
        run = market_runs.get_market_run(db.session, current_user, run_id, for_update=True)
        market_runs.remove_order(db.session, run.row, order_id)
