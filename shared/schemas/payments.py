"""Schemas of payments, refunds and credit moved between orders."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.models import PaymentMethod, RefundReason
from shared.schemas.base import (
    ID, Amount, AwareDateTime, BaseSchema, ClientId, Currency, Id, Rate, Text, signed_money,
)

# What a person may record; `credit` is written by POST /orders/{id}/credit only.
_HANDED_OVER = [PaymentMethod.cash, PaymentMethod.transfer, PaymentMethod.other]
_METHOD = dict(by_value=True, load_default=PaymentMethod.cash, metadata={"example": "cash"},
               validate=validate.OneOf(_HANDED_OVER, error="Use cash, transfer or other."))
_CURRENCY = {"description": "The currency the money was handed over in; the order's when "
                            "left out. Another one needs `rate` and `rate_per`."}
_RATE = {"example": "34", "description": (
    "The rate you applied: how many units of one currency a single `rate_per` is worth. "
    "rate 34 with rate_per USD means 1 USD = 34 TRY. Only for money in another currency "
    "than the order's.")}
_RATE_PER = {"example": "USD", "description": "The currency one unit of which is worth `rate` "
                                               "of the other: the order's, or the money's."}


class _ForeignMoney(BaseSchema):
    currency = Currency(load_default=None, metadata=_CURRENCY)
    rate = Rate(load_default=None, metadata=_RATE)
    rate_per = Currency(load_default=None, metadata=_RATE_PER)

    @ma.validates_schema
    def _rate_with_its_unit(self, data, **_kwargs):
        if (data.get("rate") is None) != (data.get("rate_per") is None):
            raise ma.ValidationError("Send rate and rate_per together (rate 34, rate_per USD: "
                                     "1 USD = 34 TRY).", "rate")


class PaymentCreate(_ForeignMoney):
    id = ClientId()
    amount = Amount(required=True, positive=True, metadata={
        "description": "As handed over, in `currency`."})
    method = fields.Enum(PaymentMethod, **_METHOD)
    paid_at = AwareDateTime(load_default=None, metadata={
        "description": "When the money was received; now if left out."})


class RefundCreate(_ForeignMoney):
    id = ClientId()
    amount = Amount(required=True, positive=True, metadata={
        "description": "As handed back, in `currency`."})
    reason = fields.Enum(RefundReason, by_value=True, required=True, metadata={"example": "returned"},
                         validate=validate.OneOf([r for r in RefundReason if r != RefundReason.moved],
                                                 error="Use returned, cancelled, overpaid, correction or other."))
    note = Text(multiline=True, load_default="", validate=validate.Length(max=2000))
    method = fields.Enum(PaymentMethod, **_METHOD)
    paid_at = AwareDateTime(load_default=None, metadata={
        "description": "When the money was given back; now if left out."})


class CreditApply(BaseSchema):
    from_order_id = Id(load_default=None, metadata={
        **ID, "description": "The order the credit comes from; each order of the customer with "
                             "credit in this currency, oldest first, if left out."})
    amount = Amount(load_default=None, positive=True, metadata={
        "description": "At most what is left to pay here; as much as the credit covers if left out."})


class Payment(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    order_id = Id()
    kind = fields.Function(lambda p: "refund" if p.amount < 0 else "payment",
                           metadata={"type": "string", "enum": ["payment", "refund"]})
    amount = signed_money(lambda p: p.amount, "100.00",
                          "As handed over, in `currency`; negative for a refund.")
    currency = Currency()
    rate = Rate(allow_none=True, metadata={**_RATE, "description": "The rate applied, null when "
                                                                   "the money was in the order's currency."})
    rate_per = fields.String(allow_none=True, metadata={"example": "USD"})
    order_amount = signed_money(lambda p: p.order_amount, "50.00", (
        "What it counts for on the order, in the order's currency: `amount` itself, or "
        "`amount` converted at `rate` (rounded half-up to the cent). Negative for a refund."))
    method = fields.Enum(PaymentMethod, by_value=True)
    reason = fields.Enum(RefundReason, by_value=True, allow_none=True, metadata={
        "description": "Why money went back; null for a payment."})
    note = fields.String()
    linked_order_id = Id(allow_none=True, metadata={
        "description": "For credit moved between orders (method credit): the other order."})
    paid_at = fields.DateTime()
    recorded_by_id = Id(allow_none=True)
    created_at = fields.DateTime()
