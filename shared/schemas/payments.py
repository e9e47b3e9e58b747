"""Schemas of payments and refunds."""
from marshmallow import fields

from shared.models import PaymentMethod
from shared.schemas.base import ID, Amount, AwareDateTime, BaseSchema, Currency, signed_money


class PaymentCreate(BaseSchema):
    amount = Amount(required=True, positive=True)
    method = fields.Enum(PaymentMethod, by_value=True, load_default=PaymentMethod.cash,
                         metadata={"example": "cash"})
    paid_at = AwareDateTime(load_default=None, metadata={
        "description": "When the money was received; now if left out."})


class RefundCreate(BaseSchema):
    amount = Amount(required=True, positive=True)
    method = fields.Enum(PaymentMethod, by_value=True, load_default=PaymentMethod.cash,
                         metadata={"example": "cash"})


class Payment(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    order_id = fields.String()
    kind = fields.Function(lambda p: "refund" if p.amount < 0 else "payment",
                           metadata={"type": "string", "enum": ["payment", "refund"]})
    amount = signed_money(lambda p: p.amount, "100.00", "Negative for a refund.")
    currency = Currency()
    method = fields.Enum(PaymentMethod, by_value=True)
    paid_at = fields.DateTime()
    recorded_by_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
