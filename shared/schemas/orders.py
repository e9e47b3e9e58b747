"""Schemas of orders, their lines and status history."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.models import Channel, Language, OrderStatus, PaymentStatus
from shared.schemas.base import (
    ID, PERSON_NAME, PHONE, Amount, BaseSchema, ClientId, Currency, Date, Id, Integer, ListQuery, Text, signed_money,
)
from shared.services.orders import MAX_QUANTITY


class OrderLineCreate(BaseSchema):
    product_id = Id(required=True, metadata=ID)
    quantity = Integer(required=True, validate=validate.Range(min=1, max=MAX_QUANTITY),
                       metadata={"example": 2})


class OrderCustomerCreate(BaseSchema):
    """A customer typed in with the order: reused when the shop already has the phone."""

    id = ClientId()
    name = Text(required=True, validate=PERSON_NAME, metadata={"example": "أم أحمد"})
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                          metadata=PHONE)
    area = Text(load_default="", validate=validate.Length(max=120))
    language = fields.Enum(Language, by_value=True, load_default=Language.ar)


_LINES_DOC = (f"At least one; a product named twice is one line with the quantities added "
              f"(at most {MAX_QUANTITY} of one product, counted after adding).")


class OrderCreate(BaseSchema):
    id = ClientId()
    seller_id = Id(
        load_default=None,
        metadata={"description": "The shop; may be left out when you work for exactly one."},
    )
    customer_id = Id(load_default=None, metadata={
        "description": "An existing customer of the shop; or send `customer` instead."})
    customer = fields.Nested(OrderCustomerCreate, load_default=None)
    lines = fields.List(fields.Nested(OrderLineCreate), required=True,
                        validate=validate.Length(min=1, max=200, error="Add at least one line."),
                        metadata={"description": _LINES_DOC})
    channel = fields.Enum(Channel, by_value=True, load_default=Channel.whatsapp,
                          metadata={"example": "whatsapp"})
    note = Text(multiline=True, load_default="", validate=validate.Length(max=4000))

    @ma.validates_schema
    def _one_customer(self, data, **_kwargs):
        if (data.get("customer_id") is None) == (data.get("customer") is None):
            raise ma.ValidationError("Send either customer_id or customer {name, phone}, not both.",
                                     "customer_id")


class OrderUpdate(BaseSchema):
    status = fields.Enum(OrderStatus, by_value=True, metadata={"example": "confirmed"})
    note = Text(multiline=True, validate=validate.Length(max=4000))
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
    id = fields.String(metadata={**ID, "description": "The line, for returns (`line_id`)."})
    product_id = Id(allow_none=True, metadata={
        "description": "null once the product was deleted from the catalogue."})
    product_name = fields.String(metadata={"example": "كريم مرطّب"})
    quantity = fields.Integer(metadata={"example": 2, "description": "As ordered (and bought)."})
    returned_quantity = fields.Integer(metadata={"example": 0,
                                                 "description": "How many came back after delivery."})
    unit_price = Amount(metadata={"description": "The price on the day of the order."})
    line_total = Amount(metadata={"example": "300.00",
                                  "description": "unit_price x (quantity - returned_quantity)."})


class Order(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    number = fields.Integer(metadata={"example": 12, "description": "Per shop, 1, 2, 3…"})
    seller_id = Id()
    customer = fields.Nested(OrderCustomer)
    lines = fields.List(fields.Nested(OrderLine))
    channel = fields.Enum(Channel, by_value=True)
    note = fields.String()
    status = fields.Enum(OrderStatus, by_value=True)
    currency = Currency()
    total = Amount(metadata={"example": "300.00",
                             "description": "The lines' totals: what the order is worth, after returns."})
    returned_total = Amount(attribute="figures.returned_total", metadata={
        "example": "0.00", "description": "The value of the goods that came back (returns)."})
    amount_paid = Amount(metadata={"example": "100.00", "description": (
        "Payments minus refunds, in the order's currency (payments in another currency "
        "count their converted amount).")})
    balance_due = signed_money(lambda o: o.figures.balance_due, "200.00", (
        "What is left to pay: total - amount_paid, and nothing is due on a cancelled order "
        "(it is -amount_paid then). Negative when more was paid than the order is worth: "
        "that much is `refundable`."))
    refundable = Amount(attribute="figures.refundable", metadata={
        "example": "0.00", "description": (
            "Paid beyond what the order is worth (everything paid, on a cancelled order): "
            "what a refund may give back, or what POST /orders/{id}/credit may move to "
            "another order of the customer.")})
    payment_status = fields.Enum(PaymentStatus, by_value=True)
    market_run_id = Id(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class OrderQuery(ListQuery):
    status = fields.Enum(OrderStatus, by_value=True, load_default=None)
    payment_status = fields.Enum(PaymentStatus, by_value=True, load_default=None)
    customer_id = Id(load_default=None)
    seller_id = Id(load_default=None)
    date_from = Date(data_key="from", load_default=None, metadata={
        "example": "2025-03-01", "description": "Placed on or after this local calendar day."})
    date_to = Date(data_key="to", load_default=None, metadata={
        "example": "2025-03-07", "description": "Placed on or before this local calendar day."})
    q = fields.String(
        load_default=None, validate=validate.Length(max=100),
        metadata={"description": "The order number (`19`), the customer's name (Arabic "
                                 "spelling variants match), or their phone written any way "
                                 "(or its last digits)."},
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
    actor_id = Id(allow_none=True)
