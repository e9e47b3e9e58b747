"""Schemas of products."""
from marshmallow import fields, validate

from shared.schemas.base import Amount, BaseSchema, ClientId, Currency, Id, ListQuery, Text


class Product(BaseSchema):
    id = fields.String(dump_only=True, metadata={"example": "01jd3k7a8b9c0d1e2f3g4h5j6k"})
    seller_id = Id()
    name = fields.String(metadata={"example": "كريم مرطّب — Moisturizing cream"})
    description = fields.String()
    price = Amount()
    currency = Currency()
    available = fields.Boolean()
    photo_url = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


_PRODUCT_NAME = validate.Length(min=1, max=200)
_URL = [validate.Length(max=500), validate.URL(schemes={"http", "https"}, error="Not a valid http(s) URL.")]


class ProductCreate(BaseSchema):
    id = ClientId()
    seller_id = Id(
        load_default=None,
        metadata={"description": "The shop; may be left out when you work for exactly one."},
    )
    name = Text(required=True, validate=_PRODUCT_NAME, metadata={"example": "كريم مرطّب"})
    description = Text(multiline=True, load_default="", validate=validate.Length(max=4000))
    price = Amount(required=True)
    currency = Currency(required=True)
    available = fields.Boolean(load_default=True)
    photo_url = fields.String(load_default=None, allow_none=True, validate=_URL)


class ProductUpdate(BaseSchema):
    name = Text(validate=_PRODUCT_NAME)
    description = Text(multiline=True, validate=validate.Length(max=4000))
    price = Amount()
    currency = Currency()
    available = fields.Boolean()
    photo_url = fields.String(allow_none=True, validate=_URL)


class ProductQuery(ListQuery):
    seller_id = Id(load_default=None)
    q = fields.String(
        load_default=None, validate=validate.Length(max=100),
        metadata={"description": "Search names and descriptions; Arabic spelling variants match."},
    )
    available = fields.Boolean(load_default=None)
