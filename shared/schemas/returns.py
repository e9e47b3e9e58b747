"""Schemas of returns: goods a customer gave back after delivery."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.schemas.base import ID, Amount, AwareDateTime, BaseSchema, Currency, Id, Integer, Text
from shared.services.orders import MAX_QUANTITY


class ReturnLineCreate(BaseSchema):
    line_id = Id(load_default=None, metadata={
        **ID, "description": "The order's line (its `id`); or name it by `product_id`."})
    product_id = Id(load_default=None, metadata=ID)
    quantity = Integer(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY),
                       metadata={"example": 1})

    @ma.validates_schema
    def _one_line(self, data, **_kwargs):
        if (data.get("line_id") is None) == (data.get("product_id") is None):
            raise ma.ValidationError("Name the line by line_id or by product_id.", "line_id")


class ReturnCreate(BaseSchema):
    lines = fields.List(fields.Nested(ReturnLineCreate), required=True,
                        validate=validate.Length(min=1, max=200, error="Name at least one line."),
                        metadata={"description": "What came back: lines and how many of each."})
    note = Text(multiline=True, load_default="", validate=validate.Length(max=2000),
                metadata={"example": "اللون غير مناسب — wrong shade"})
    returned_at = AwareDateTime(load_default=None, metadata={"description": "Now if left out."})


class ReturnLine(BaseSchema):
    line_id = Id(attribute="order_line_id")
    product_id = Id(attribute="order_line.product_id", allow_none=True)
    product_name = fields.String(attribute="order_line.product_name")
    quantity = fields.Integer(metadata={"example": 1})
    unit_price = Amount()
    amount = Amount(metadata={"description": "unit_price x quantity."})


class Return(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    order_id = Id()
    lines = fields.List(fields.Nested(ReturnLine))
    amount = Amount(metadata={"example": "350.00",
                              "description": "What came back is worth; the order's total dropped by it."})
    currency = Currency()
    note = fields.String()
    returned_at = fields.DateTime()
    recorded_by_id = Id(allow_none=True)
    created_at = fields.DateTime()
