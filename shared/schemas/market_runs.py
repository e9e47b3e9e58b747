"""Schemas of market runs and their shopping lists."""

from marshmallow import fields, validate

from shared.models import MarketRunStatus
from shared.schemas.base import Amount, AwareDateTime, BaseSchema, Currency, Date, ListQuery

def _order_id() -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=26))


_ORDER_IDS = dict(
    validate=validate.Length(min=1, max=500, error="Name between {min} and {max} orders."),
    metadata={"example": ["01jd3k9a8b9c0d1e2f3g4h5j6k"]},
)
_NOTE = validate.Length(max=2000)


class MarketRunCost(BaseSchema):
    product_id = fields.String(metadata={"example": "01jd3k7a8b9c0d1e2f3g4h5j6k"})
    actual_cost = Amount(metadata={"example": "420.00",
                                   "description": "What was paid at the market for this product."})


class MarketRun(BaseSchema):
    id = fields.String(dump_only=True, metadata={"example": "01jd3kb0c1d2e3f4g5h6j7k8m9"})
    seller_id = fields.String()
    run_date = fields.Date(metadata={"example": "2025-05-16"})
    currency = Currency()
    status = fields.Enum(MarketRunStatus, by_value=True, metadata={"example": "planned"})
    note = fields.String()
    order_ids = fields.Method(
        "_order_ids",
        metadata={"type": "array", "items": {"type": "string"},
                  "description": "Every order linked to the run, cancelled ones included "
                                 "(they stay linked but never count)."},
    )
    actual_cost = Amount(allow_none=True, metadata={
        "example": "50.00",
        "description": "Paid for the run as a whole (transport, bags...), on top of `costs`."})
    costs = fields.List(fields.Nested(MarketRunCost), metadata={
        "description": "Actual cost recorded per product of the shopping list."})
    bought_at = fields.DateTime(allow_none=True)
    order_count = fields.Integer(attribute="figures.order_count", metadata={
        "description": "Orders that count (cancelled ones do not)."})
    revenue = Amount(attribute="figures.revenue", metadata={
        "example": "1250.00", "description": "Sum of the totals of the run's non-cancelled orders."})
    cost = Amount(attribute="figures.cost", allow_none=True, metadata={
        "example": "900.00",
        "description": "Sum of the per-product `costs` plus the run's `actual_cost`, counting "
                       "whichever were recorded; null when neither was."})
    margin = Amount(attribute="figures.margin", allow_none=True, metadata={
        "example": "350.00", "description": "revenue - cost; null while cost is null. May be negative.",
        "pattern": r"^-?[0-9]+\.[0-9]{2}$"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    @staticmethod
    def _order_ids(run) -> list[str]:
        return [order.id for order in run.orders]


class MarketRunCreate(BaseSchema):
    run_date = Date(required=True, metadata={"example": "2025-05-16"})
    seller_id = fields.String(
        load_default=None,
        metadata={"description": "The shop; may be left out when you work for exactly one."},
    )
    # Needed only when the confirmed orders waiting for a run span several currencies.
    currency = Currency(load_default=None)
    order_ids = fields.List(_order_id(), load_default=None, **_ORDER_IDS)
    note = fields.String(load_default="", validate=_NOTE)


class MarketRunCostChange(BaseSchema):
    product_id = fields.String(required=True, metadata={"example": "01jd3k7a8b9c0d1e2f3g4h5j6k"})
    actual_cost = Amount(required=True, allow_none=True, metadata={
        "example": "420.00", "description": "What was paid for this product; null removes it."})


class MarketRunUpdate(BaseSchema):
    run_date = Date()
    note = fields.String(validate=_NOTE)
    actual_cost = Amount(allow_none=True)
    costs = fields.List(fields.Nested(MarketRunCostChange), validate=validate.Length(max=500))


class MarketRunBought(BaseSchema):
    actual_cost = Amount(load_default=None, allow_none=True, metadata={
        "description": "Paid for the run as a whole, if known now."})
    bought_at = AwareDateTime(load_default=None, allow_none=True,
                              metadata={"description": "Defaults to now."})


class MarketRunOrders(BaseSchema):
    order_ids = fields.List(_order_id(), required=True, **_ORDER_IDS)


class MarketRunQuery(ListQuery):
    seller_id = fields.String(load_default=None)
    status = fields.Enum(MarketRunStatus, by_value=True, load_default=None)


class ShoppingListItem(BaseSchema):
    product_id = fields.String(allow_none=True, metadata={
        "description": "Null when the product was since deleted from the catalogue."})
    name = fields.String(metadata={"example": "كريم مرطّب"})
    quantity = fields.Integer(metadata={"example": 3})
    expected_cost = Amount(metadata={
        "example": "450.00",
        "description": "What the customers pay for these items at their order prices "
                       "(sum of unit price x quantity), not a purchase price."})
    actual_cost = Amount(allow_none=True, metadata={
        "example": "300.00", "description": "Paid at the market for this product; null until recorded."})


class ShoppingList(BaseSchema):
    market_run_id = fields.String()
    currency = Currency()
    items = fields.List(fields.Nested(ShoppingListItem))
    expected_total = Amount(metadata={"description": "Sum of the items' expected_cost."})
    actual_total = Amount(allow_none=True, metadata={
        "description": "The run's cost: recorded per-product costs plus the run's actual_cost; "
                       "null when none was recorded."})
