"""Schemas of orders, their lines and status history."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.models import Channel, Language, OrderStatus, PaymentStatus
from shared.schemas.base import (
    ID, PERSON_NAME, PHONE, Amount, BaseSchema, Currency, Date, Integer, ListQuery, signed_money,
)


class OrderLineCreate(BaseSchema):
    product_id = fields.String(required=True, metadata=ID)
    quantity = Integer(required=True, validate=validate.Range(min=1, max=100_000),
                       metadata={"example": 2})


class OrderCustomerCreate(BaseSchema):
    """A customer typed in with the order: reused when the shop already has the phone."""

    name = fields.String(required=True, validate=PERSON_NAME, metadata={"example": "أم أحمد"})
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                          metadata=PHONE)
    area = fields.String(load_default="", validate=validate.Length(max=120))
    language = fields.Enum(Language, by_value=True, load_default=Language.ar)


_LINES_DOC = "At least one; a product named twice is one line with the quantities added."


class OrderCreate(BaseSchema):
    seller_id = fields.String(
        load_default=None,
        metadata={"description": "The shop; may be left out when you work for exactly one."},
    )
    customer_id = fields.String(load_default=None, metadata={
        "description": "An existing customer of the shop; or send `customer` instead."})
    customer = fields.Nested(OrderCustomerCreate, load_default=None)
    lines = fields.List(fields.Nested(OrderLineCreate), required=True,
                        validate=validate.Length(min=1, max=200, error="Add at least one line."),
                        metadata={"description": _LINES_DOC})
    channel = fields.Enum(Channel, by_value=True, load_default=Channel.whatsapp,
                          metadata={"example": "whatsapp"})
    note = fields.String(load_default="", validate=validate.Length(max=4000))

    @ma.validates_schema
    def _one_customer(self, data, **_kwargs):
        if (data.get("customer_id") is None) == (data.get("customer") is None):
            raise ma.ValidationError("Send either customer_id or customer {name, phone}, not both.",
                                     "customer_id")


class OrderUpdate(BaseSchema):
    status = fields.Enum(OrderStatus, by_value=True, metadata={"example": "confirmed"})
    note = fields.String(validate=validate.Length(max=4000))
    channel = fields.Enum(Channel, by_value=True)
    lines = fields.List(fields.Nested(OrderLineCreate),
                        validate=validate.Length(min=1, max=200, error="Add at least one line."),
                        metadata={"description": "Replaces all lines; only while pending or "
                                                 "confirmed. " + _LINES_DOC})


class OrderCustomer(BaseSchema):
    id = fields.String(metadata=ID)
    name = fields.String(metadata={"example": "أم أحمد"})
    phone = fields.String(allow_none=True, metadata={"example": "+963944111222"})


class OrderLine(BaseSchema):
    product_id = fields.String(allow_none=True, metadata={
        "description": "null once the product was deleted from the catalogue."})
    product_name = fields.String(metadata={"example": "كريم مرطّب"})
    quantity = fields.Integer(metadata={"example": 2})
    unit_price = Amount(metadata={"description": "The price on the day of the order."})
    line_total = Amount(metadata={"example": "300.00"})


class Order(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    number = fields.Integer(metadata={"example": 12, "description": "Per shop, 1, 2, 3…"})
    seller_id = fields.String()
    customer = fields.Nested(OrderCustomer)
    lines = fields.List(fields.Nested(OrderLine))
    channel = fields.Enum(Channel, by_value=True)
    note = fields.String()
    status = fields.Enum(OrderStatus, by_value=True)
    currency = Currency()
    total = Amount(metadata={"example": "300.00"})
    amount_paid = Amount(metadata={"example": "100.00",
                                   "description": "Payments minus refunds."})
    balance_due = signed_money(lambda o: o.total - o.amount_paid, "200.00",
                         "total - amount_paid; negative when overpaid (the customer's credit).")
    payment_status = fields.Enum(PaymentStatus, by_value=True)
    market_run_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class OrderQuery(ListQuery):
    status = fields.Enum(OrderStatus, by_value=True, load_default=None)
    payment_status = fields.Enum(PaymentStatus, by_value=True, load_default=None)
    customer_id = fields.String(load_default=None)
    seller_id = fields.String(load_default=None)
    date_from = Date(data_key="from", load_default=None, metadata={
        "example": "2025-03-01", "description": "Placed on or after this local calendar day."})
    date_to = Date(data_key="to", load_default=None, metadata={
        "example": "2025-03-07", "description": "Placed on or before this local calendar day."})
    q = fields.String(
        load_default=None, validate=validate.Length(max=100),
        metadata={"description": "Customer name (Arabic spelling variants match) or phone."},
    )

    @ma.validates_schema
    def _ordered_dates(self, data, **_kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("`from` must not be after `to`.", "from")


class OrderEvent(BaseSchema):
    from_status = fields.Enum(OrderStatus, by_value=True, allow_none=True,
                              metadata={"description": "null for the order's creation."})
    to_status = fields.Enum(OrderStatus, by_value=True)
    at = fields.DateTime()
    actor_id = fields.String(allow_none=True)
