"""Schemas of customers and their balances."""
from marshmallow import fields, validate

from shared.models import Language
from shared.schemas.base import (
    ID, PERSON_NAME, PHONE, SIGNED_AMOUNT, BaseSchema, Currency, ListQuery,
)

_LANGUAGE = fields.Enum(Language, by_value=True, metadata={"example": "ar"})


class Balance(BaseSchema):
    currency = Currency()
    amount = fields.Function(
        lambda b: f"{b['amount']:.2f}",
        metadata={**SIGNED_AMOUNT, "example": "150.00",
                  "description": "Owed to the shop; negative is the customer's credit."},
    )


class Customer(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    seller_id = fields.String()
    name = fields.String(metadata={"example": "أم أحمد"})
    phone = fields.String(allow_none=True, metadata={"example": "+963944111222"})
    area = fields.String(metadata={"example": "Sarmada"})
    notes = fields.String()
    language = _LANGUAGE
    balances = fields.List(
        fields.Nested(Balance), dump_only=True,
        metadata={"description": "Per currency: totals of delivered orders minus everything "
                                 "paid; only currencies that do not net to zero."},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CustomerCreate(BaseSchema):
    seller_id = fields.String(
        load_default=None,
        metadata={"description": "The shop; may be left out when you work for exactly one."},
    )
    name = fields.String(required=True, validate=PERSON_NAME, metadata={"example": "أم أحمد"})
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                          metadata=PHONE)
    area = fields.String(load_default="", validate=validate.Length(max=120))
    notes = fields.String(load_default="", validate=validate.Length(max=4000))
    language = fields.Enum(Language, by_value=True, load_default=Language.ar,
                           metadata={"example": "ar",
                                     "description": "The language WhatsApp texts to them are in."})


class CustomerUpdate(BaseSchema):
    name = fields.String(validate=PERSON_NAME)
    phone = fields.String(allow_none=True, validate=validate.Length(max=40), metadata=PHONE)
    area = fields.String(validate=validate.Length(max=120))
    notes = fields.String(validate=validate.Length(max=4000))
    language = fields.Enum(Language, by_value=True)


class CustomerQuery(ListQuery):
    seller_id = fields.String(load_default=None)
    q = fields.String(
        load_default=None, validate=validate.Length(max=100),
        metadata={"description": "Search names (Arabic spelling variants match) and phone numbers."},
    )
