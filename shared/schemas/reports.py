"""Schemas of reports."""
from marshmallow import fields

from shared.schemas.base import Amount, BaseSchema, Currency, Date, Id, signed_money


class SalesReportQuery(BaseSchema):
    start = Date(data_key="from", load_default=None, metadata={
        "example": "2025-05-01", "description": "First local day (included); open if left out."})
    end = Date(data_key="to", load_default=None, metadata={
        "example": "2025-05-31", "description": "Last local day (included); open if left out."})
    seller_id = Id(load_default=None, metadata={
        "description": "One shop; all the shops you work for if left out."})


class TopProduct(BaseSchema):
    product_id = Id(allow_none=True, metadata={
        "description": "Null when the product was since deleted from the catalogue."})
    name = fields.String(metadata={"example": "كريم مرطّب"})
    quantity = fields.Integer(metadata={"example": 12})
    revenue = Amount(metadata={"description": "Sum of unit price x quantity on the orders."})


class CurrencySales(BaseSchema):
    currency = Currency()
    orders = fields.Integer(metadata={"description": "Non-cancelled orders placed in the range."})
    revenue = Amount(metadata={"description": "Sum of the totals of those orders (after returns)."})
    delivered_revenue = Amount(metadata={"description": "Sum of the totals of those delivered."})
    collected = signed_money(lambda c: c.collected, "790.00", (
        "Money received in the range (by payment date), in this currency as it was handed over, "
        "whatever order it was for; less payments recorded by mistake and corrected in the range. "
        "Credit moved between orders is not counted."))
    refunded = Amount(metadata={"example": "350.00", "description": (
        "Money given back in the range (by refund date), in this currency as it was handed back.")})
    returned = Amount(metadata={"example": "350.00", "description": (
        "The value of the goods customers gave back in the range (by return date).")})
    market_runs = fields.Integer(metadata={"description": (
        "Market runs dated in the range with orders or costs in this currency.")})
    market_cost = Amount(allow_none=True, metadata={"example": "610.00", "description": (
        "What those runs cost in this currency (per-product costs and lump sums); null when "
        "none was recorded.")})
    market_margin = signed_money(lambda c: c.market_margin, "180.00", (
        "The margins (revenue - cost) in this currency of those runs whose cost is recorded; "
        "null when none is."), allow_none=True)
    top_products = fields.List(fields.Nested(TopProduct), metadata={
        "description": "The five products sold most by quantity kept (after returns)."})


class SalesReport(BaseSchema):
    start = fields.Date(data_key="from", allow_none=True)
    end = fields.Date(data_key="to", allow_none=True)
    currencies = fields.List(fields.Nested(CurrencySales), metadata={
        "description": "One entry per currency: amounts are never added across currencies."})
