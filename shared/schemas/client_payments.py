"""Schemas of client payments: what page owners paid for promotion work."""
from marshmallow import fields, validate

from shared.models import PaymentMethod
from shared.schemas.base import ID, Amount, BaseSchema, Currency, Date, Id, ListQuery


class ClientPayment(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    seller_id = Id(metadata=ID)
    amount = Amount(metadata={"example": "100.00"})
    currency = Currency()
    paid_on = fields.Date(metadata={"example": "2026-11-24"})
    method = fields.Enum(PaymentMethod, by_value=True)
    note = fields.String()
    recorded_by_id = Id(allow_none=True)
    created_at = fields.DateTime()


class ClientPaymentCreate(BaseSchema):
    seller_id = Id(required=True, metadata=ID)
    amount = Amount(required=True, positive=True, metadata={"example": "100.00"})
    currency = Currency(required=True)
    paid_on = Date(load_default=None, metadata={"example": "2026-11-24",
                                                "description": "Today (local) if left out."})
    method = fields.Enum(PaymentMethod, by_value=True, load_default=PaymentMethod.cash,
                         metadata={"example": "cash"})
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class ClientPaymentQuery(ListQuery):
    seller_id = Id(load_default=None)
    currency = Currency(load_default=None)
