"""Schemas of reports."""
from marshmallow import fields

from shared.schemas.base import Amount, BaseSchema, Currency, Date


class SalesReportQuery(BaseSchema):
    start = Date(data_key="from", load_default=None, metadata={
        "example": "2025-05-01", "description": "First local day (included); open if left out."})
    end = Date(data_key="to", load_default=None, metadata={
        "example": "2025-05-31", "description": "Last local day (included); open if left out."})
    seller_id = fields.String(load_default=None, metadata={
        "description": "One shop; all the shops you work for if left out."})


class TopProduct(BaseSchema):
    product_id = fields.String(allow_none=True, metadata={
        "description": "Null when the product was since deleted from the catalogue."})
    name = fields.String(metadata={"example": "كريم مرطّب"})
    quantity = fields.Integer(metadata={"example": 12})
    revenue = Amount(metadata={"description": "Sum of unit price x quantity on the orders."})


class CurrencySales(BaseSchema):
    currency = Currency()
    orders = fields.Integer(metadata={"description": "Non-cancelled orders placed in the range."})
    revenue = Amount(metadata={"description": "Sum of the totals of those orders."})
    delivered_revenue = Amount(metadata={"description": "Sum of the totals of those delivered."})
    collected = Amount(metadata={"description": "Sum of what was paid on those orders."})
    top_products = fields.List(fields.Nested(TopProduct), metadata={
        "description": "The five products sold most by quantity."})


class SalesReport(BaseSchema):
    start = fields.Date(data_key="from", allow_none=True)
    end = fields.Date(data_key="to", allow_none=True)
    currencies = fields.List(fields.Nested(CurrencySales), metadata={
        "description": "One entry per currency: amounts are never added across currencies."})
