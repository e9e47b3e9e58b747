"""Market runs (/admin/market-runs): the list, planning one, and a run's page with its
orders, its shopping list (printable on one A4 page), its costs and "mark bought".

Through shared.services.market_runs with the API's schemas (shared/schemas/market_runs.py).
"""
import marshmallow as ma
from flask import current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from admin.conventions import View, check_version, field_errors, parse
from admin.rendering import is_htmx, list_block, render
from admin.views import bp
from shared.dates import local_today
from shared.errors import Invalid
from shared.extensions import db
from shared.models import MarketRunStatus, Role
from shared.schemas.market_runs import MarketRunBought, MarketRunCreate, MarketRunQuery, MarketRunUpdate
from shared.services import market_runs, sellers

query_schema, create_schema = MarketRunQuery(), MarketRunCreate()
update_schema, bought_schema = MarketRunUpdate(), MarketRunBought()
SHOPS_IN_A_MENU = 50
COST = "cost-"  # a product's cost box: cost-<currency>-<product id>
LUMP = "lump-"  # a currency's lump sum box: lump-<currency>


@bp.view("/market-runs", "market_runs")
class MarketRuns(View):
    def get(self):
        try:
            query = parse(query_schema, query=True)
        except ma.ValidationError as error:
            return _list(None, code=422, errors=field_errors(error))
        filters = market_runs.RunFilter(seller_id=query["seller_id"], status=query["status"])
        page = market_runs.list_market_runs(db.session, current_user, filters,
                                            limit=query["limit"], cursor=query["cursor"])
        return _list(page, block=list_block())

    def post(self):
        """Plan a run: every confirmed order of the shop waiting for one."""
        try:
            data = parse(create_schema)
            run = market_runs.create_market_run(db.session, current_user, data)
        except (ma.ValidationError, Invalid) as error:
            filters = market_runs.RunFilter()
            page = market_runs.list_market_runs(db.session, current_user, filters, limit=20, cursor=None)
            return _list(page, code=422, plan_errors=field_errors(error), typed=request.form)
        return redirect(url_for(".market_run", run_id=run.id), 303)


def _list(page, *, block: str = "main", code: int = 200, errors=None, plan_errors=None, typed=None):
    user = current_user._get_current_object()
    shops = []
    # Also for the rows alone: the shops loaded here name each run's shop without a query apiece.
    if user.role in (Role.admin, Role.coordinator):
        found = sellers.list_sellers(db.session, user, limit=SHOPS_IN_A_MENU, cursor=None)
        shops = [] if found.next_cursor else [(shop.id, shop.name) for shop in found.items]
    today = local_today(current_app.config["TIMEZONE"])
    return render("admin/market_runs.html", block=block, code=code, page=page, errors=errors or {},
                  plan_errors=plan_errors or {}, typed=typed or {"run_date": today.isoformat()},
                  filters=request.args, shops=shops, statuses=list(MarketRunStatus),
                  can_plan=user.role != Role.promoter)


@bp.view("/market-runs/<run_id>", "market_run")
class MarketRunPage(View):
    def get(self, run_id):
        return _page(market_runs.get_market_run(db.session, current_user, run_id, with_customers=True))


@bp.view("/market-runs/<run_id>/costs", "market_run_costs")
class MarketRunCosts(View):
    def post(self, run_id):
        """What was paid at the market: per product of the shopping list (an emptied box
        removes that product's cost) and for the run as a whole."""
        run = market_runs.get_market_run(db.session, current_user, run_id, for_update=True, with_customers=True)
        check_version(run)
        typed = _cost_changes(request.form)
        try:
            changes = update_schema.load(typed)
            run = market_runs.update_market_run(db.session, run.row, changes)
        except (ma.ValidationError, Invalid) as error:
            return _page(run, code=422, errors=_cost_errors(error, typed), typed=request.form)
        return _done(run, saved=True)


def _cost_changes(form: MultiDict) -> dict:
    """The form's boxes in the shape of MarketRunUpdate: {"costs": [...], "lump_sums": [...]}.

    A product's box is `cost-<currency>-<product id>` (a product may be on the list in two
    currencies); a currency's lump sum is `lump-<currency>`. An emptied box removes it.
    """
    costs = []
    for key, value in form.items():
        if key.startswith(COST):
            currency, _, product_id = key.removeprefix(COST).partition("-")
            costs.append({"product_id": product_id, "currency": currency, "cost": value.strip() or None})
    lumps = [{"currency": key.removeprefix(LUMP), "amount": value.strip() or None}
             for key, value in form.items() if key.startswith(LUMP)]
    changes = {"costs": costs} if costs else {}
    if lumps:
        changes["lump_sums"] = lumps
    return changes


def _cost_errors(error, typed: dict) -> dict:
    """Field errors, a product's beside its own box (cost-<product id>)."""
    errors = field_errors(error)
    nested = error.messages.get("costs") if isinstance(error, ma.ValidationError) else None
    if isinstance(nested, dict):
        errors.pop("costs", None)
        for index, messages in nested.items():
            if isinstance(index, int) and index < len(typed.get("costs", [])):
                cost = typed["costs"][index]
                box = f"{COST}{cost['currency']}-{cost['product_id']}"
                errors[box] = field_errors(ma.ValidationError({"x": messages}))["x"]
    lumps = error.messages.get("lump_sums") if isinstance(error, ma.ValidationError) else None
    if isinstance(lumps, dict):
        errors.pop("lump_sums", None)
        for index, messages in lumps.items():
            if isinstance(index, int) and index < len(typed.get("lump_sums", [])):
                box = LUMP + typed["lump_sums"][index]["currency"]
                errors[box] = field_errors(ma.ValidationError({"x": messages}))["x"]
    return errors


@bp.view("/market-runs/<run_id>/bought", "market_run_bought")
class MarketRunBoughtView(View):
    def post(self, run_id):
        """Everything was bought: the run's confirmed orders become purchased."""
        run = market_runs.get_market_run(db.session, current_user, run_id, with_customers=True)
        check_version(run)
        try:
            data = parse(bought_schema)
        except ma.ValidationError as error:
            return _page(run, code=422, errors=field_errors(error), typed=request.form)
        run = market_runs.mark_bought(db.session, current_user, run.row, costs=data["costs"],
                                      lump_sums=data["lump_sums"], bought_at=data["bought_at"])
        return _done(run)


def _done(run, **flags):
    if is_htmx():
        return _page(run, **flags)
    return redirect(url_for(".market_run", run_id=run.id), 303)


def _page(run, *, code: int = 200, errors=None, typed=None, saved: bool = False):
    shopping = market_runs.shopping_list(db.session, run)
    return render("admin/market_run.html", block="run", code=code, run=run, shopping=shopping,
                  orders=sorted(run.orders, key=lambda order: order.number), errors=errors or {},
                  typed=typed, saved=saved)
