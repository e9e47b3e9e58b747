"""Schemas of customers and their balances."""
from marshmallow import fields, validate

from shared.models import Language
from shared.schemas.base import (
    ID, PERSON_NAME, PHONE, Amount, BaseSchema, ClientId, Currency, Id, ListQuery, Text, signed_money,
)

_LANGUAGE = fields.Enum(Language, by_value=True, metadata={"example": "ar"})


class Balance(BaseSchema):
    currency = Currency()
    owed = Amount(metadata={"example": "150.00",
                            "description": "Left to pay on delivered orders."})
    deposits = Amount(metadata={"example": "147.50", "description": (
        "Paid on orders not yet delivered (up to their totals): held for those orders, "
        "not credit.")})
    credit = Amount(metadata={"example": "0.00", "description": (
        "Paid beyond what orders are worth (overpaid, goods returned, orders cancelled) "
        "and not yet given back or moved to another order (POST /orders/{id}/credit).")})
    amount = signed_money(lambda b: b.amount, "150.00",
                          "owed - credit: positive is owed to the shop, negative is the "
                          "customer's credit. Deposits are in neither.")


class Customer(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    seller_id = Id()
    name = fields.String(metadata={"example": "أم أحمد"})
    phone = fields.String(allow_none=True, metadata={"example": "+963944111222"})
    area = fields.String(metadata={"example": "Sarmada"})
    notes = fields.String()
    language = _LANGUAGE
    balances = fields.List(
        fields.Nested(Balance), dump_only=True,
        metadata={"description": "Per currency, what the customer owes on delivered orders, "
                                 "has on deposit for orders not yet delivered, and has in "
                                 "credit; only currencies where one of them is not zero."},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CustomerCreate(BaseSchema):
    id = ClientId()
    seller_id = Id(
        load_default=None,
        metadata={"description": "The shop; may be left out when you work for exactly one."},
    )
    name = Text(required=True, validate=PERSON_NAME, metadata={"example": "أم أحمد"})
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                          metadata=PHONE)
    area = Text(load_default="", validate=validate.Length(max=120))
    notes = Text(multiline=True, load_default="", validate=validate.Length(max=4000))
    language = fields.Enum(Language, by_value=True, load_default=Language.ar,
                           metadata={"example": "ar",
                                     "description": "The language WhatsApp texts to them are in."})


class CustomerUpdate(BaseSchema):
    name = Text(validate=PERSON_NAME)
    phone = fields.String(allow_none=True, validate=validate.Length(max=40), metadata=PHONE)
    area = Text(validate=validate.Length(max=120))
    notes = Text(multiline=True, validate=validate.Length(max=4000))
    language = fields.Enum(Language, by_value=True)


class CustomerQuery(ListQuery):
    seller_id = Id(load_default=None)
    q = fields.String(
        load_default=None, validate=validate.Length(max=100),
        metadata={"description": "Search names (Arabic spelling variants match) and phone "
                                 "numbers, written any way or by their last digits."},
    )
