"""Schemas of market runs and their shopping lists."""

from marshmallow import fields, validate

from shared.models import MarketRunStatus
from shared.schemas.base import (
    Amount, AwareDateTime, BaseSchema, ClientId, Currency, Date, Id, ListQuery, Text,
)


def _order_id() -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=26))


_ORDER_IDS = dict(
    validate=validate.Length(min=1, max=500, error="Name between {min} and {max} orders."),
    metadata={"example": ["01jd3k9a8b9c0d1e2f3g4h5j6k"]},
)
_NOTE = validate.Length(max=2000)
_PRODUCT_ID = {"example": "01jd3k7a8b9c0d1e2f3g4h5j6k"}
_COST = ("What was paid at the market for this product, for its whole quantity on the "
         "shopping list (not per unit), in `currency`.")
_LUMP_SUM = ("Paid at the market in this currency without being split by product: transport "
             "and bags on top of the per-product costs, or the whole bill when you keep no "
             "per-product costs. Added to the per-product costs, never instead of them.")
_MARGIN = {"example": "350.00", "description": "revenue - cost; null while cost is null. May be negative.",
           "pattern": r"^-?[0-9]+\.[0-9]{2}$"}


class MarketRunCost(BaseSchema):
    product_id = Id(metadata=_PRODUCT_ID)
    currency = Currency()
    cost = Amount(metadata={"example": "420.00", "description": _COST})


class LumpSum(BaseSchema):
    currency = Currency()
    amount = Amount(metadata={"example": "40.00", "description": _LUMP_SUM})


class RunCurrencyFigures(BaseSchema):
    currency = Currency()
    order_count = fields.Integer(metadata={"description": "Orders in this currency that count."})
    revenue = Amount(metadata={
        "example": "1250.00", "description": "Sum of the totals of the run's non-cancelled orders "
                                             "in this currency (after returns)."})
    cost = Amount(allow_none=True, metadata={
        "example": "900.00",
        "description": "The per-product costs in this currency plus its lump sum, counting "
                       "whichever were recorded; null when neither was."})
    margin = Amount(allow_none=True, metadata=_MARGIN)


class MarketRun(BaseSchema):
    id = fields.String(dump_only=True, metadata={"example": "01jd3kb0c1d2e3f4g5h6j7k8m9"})
    seller_id = Id()
    run_date = fields.Date(metadata={"example": "2025-05-16"})
    status = fields.Enum(MarketRunStatus, by_value=True, metadata={"example": "planned"})
    note = fields.String()
    order_ids = fields.Method(
        "_order_ids",
        metadata={"type": "array", "items": {"type": "string"},
                  "description": "Every order linked to the run, cancelled ones included "
                                 "(they stay linked but never count)."},
    )
    costs = fields.List(fields.Nested(MarketRunCost), metadata={
        "description": "What was paid per product of the shopping list."})
    lump_sums = fields.List(fields.Nested(LumpSum), metadata={"description": _LUMP_SUM})
    bought_at = fields.DateTime(allow_none=True)
    order_count = fields.Integer(attribute="figures.order_count", metadata={
        "description": "Orders that count (cancelled ones do not), in every currency."})
    currencies = fields.List(fields.Nested(RunCurrencyFigures), attribute="figures.currencies", metadata={
        "description": "Revenue, cost and margin per currency: never added across currencies."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    @staticmethod
    def _order_ids(run) -> list[str]:
        return [order.id for order in run.orders]


class MarketRunCreate(BaseSchema):
    id = ClientId()
    run_date = Date(required=True, metadata={"example": "2025-05-16"})
    seller_id = Id(
        load_default=None,
        metadata={"description": "The shop; may be left out when you work for exactly one."},
    )
    currency = Currency(load_default=None, metadata={
        "description": "Only the waiting orders in this currency; every currency if left out."})
    order_ids = fields.List(_order_id(), load_default=None, **_ORDER_IDS)
    note = Text(multiline=True, load_default="", validate=_NOTE)


class MarketRunCostChange(BaseSchema):
    product_id = Id(required=True, metadata=_PRODUCT_ID)
    cost = Amount(required=True, allow_none=True, metadata={
        "example": "420.00", "description": _COST + " Null removes it."})
    currency = Currency(load_default=None, metadata={
        "description": "Needed only when the product is on the list in several currencies."})


class LumpSumChange(BaseSchema):
    currency = Currency(required=True)
    amount = Amount(required=True, allow_none=True, metadata={
        "example": "40.00", "description": _LUMP_SUM + " Null removes it."})


_COSTS = dict(validate=validate.Length(max=500), metadata={
    "description": "One entry per product replaces what was recorded for it."})
_LUMP_SUMS = dict(validate=validate.Length(max=10), metadata={
    "description": "One entry per currency replaces what was recorded in it."})


class MarketRunUpdate(BaseSchema):
    run_date = Date()
    note = Text(multiline=True, validate=_NOTE)
    costs = fields.List(fields.Nested(MarketRunCostChange), **_COSTS)
    lump_sums = fields.List(fields.Nested(LumpSumChange), **_LUMP_SUMS)


class MarketRunBought(BaseSchema):
    costs = fields.List(fields.Nested(MarketRunCostChange), load_default=None, **_COSTS)
    lump_sums = fields.List(fields.Nested(LumpSumChange), load_default=None, **_LUMP_SUMS)
    bought_at = AwareDateTime(load_default=None, allow_none=True,
                              metadata={"description": "Defaults to now."})


class MarketRunOrders(BaseSchema):
    order_ids = fields.List(_order_id(), required=True, **_ORDER_IDS)


class MarketRunQuery(ListQuery):
    seller_id = Id(load_default=None)
    status = fields.Enum(MarketRunStatus, by_value=True, load_default=None)


class ShoppingListItem(BaseSchema):
    product_id = Id(allow_none=True, metadata={
        "description": "Null when the product was since deleted from the catalogue."})
    name = fields.String(metadata={"example": "كريم مرطّب"})
    quantity = fields.Integer(metadata={"example": 3})
    sale_value = Amount(metadata={
        "example": "450.00",
        "description": "What the customers pay for these items at their order prices "
                       "(sum of unit price x quantity): what they sell for, not a purchase price."})
    cost = Amount(allow_none=True, metadata={
        "example": "300.00", "description": "Paid at the market for this product (its whole "
                                            "quantity); null until recorded."})


class ShoppingListCurrency(BaseSchema):
    currency = Currency()
    items = fields.List(fields.Nested(ShoppingListItem))
    sale_value = Amount(metadata={"description": "Sum of the items' sale_value."})
    lump_sum = Amount(allow_none=True, metadata={"description": _LUMP_SUM})
    cost = Amount(allow_none=True, metadata={
        "description": "What was paid in this currency: recorded per-product costs plus the lump "
                       "sum; null when none was recorded."})


class ShoppingList(BaseSchema):
    market_run_id = Id()
    currencies = fields.List(fields.Nested(ShoppingListCurrency), metadata={
        "description": "One entry per currency of the run's orders: never added across currencies."})
