"""Schemas of sellers (shops)."""
from marshmallow import fields, validate

from shared.models import SellerCategory
from shared.schemas.base import BaseSchema, ListQuery

_NAME = validate.Length(min=1, max=120)


class Seller(BaseSchema):
    id = fields.String(dump_only=True, metadata={"example": "01jd3k6w7x8y9z0a1b2c3d4e5f"})
    name = fields.String(metadata={"example": "ريم للتجميل"})
    whatsapp_phone = fields.String(allow_none=True, metadata={"example": "+963944111222"})
    category = fields.Enum(SellerCategory, by_value=True, metadata={"example": "cosmetics"})
    area = fields.String(metadata={"example": "Idlib"})
    owner_id = fields.String(allow_none=True)
    coordinator_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SellerCreate(BaseSchema):
    name = fields.String(required=True, validate=_NAME, metadata={"example": "ريم للتجميل"})
    whatsapp_phone = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=20),
        metadata={"example": "+963944111222"},
    )
    category = fields.Enum(SellerCategory, by_value=True, load_default=SellerCategory.other,
                           metadata={"example": "cosmetics"})
    area = fields.String(load_default="", validate=validate.Length(max=120), metadata={"example": "Idlib"})


class SellerUpdate(BaseSchema):
    name = fields.String(validate=_NAME)
    whatsapp_phone = fields.String(allow_none=True, validate=validate.Length(max=20))
    category = fields.Enum(SellerCategory, by_value=True)
    area = fields.String(validate=validate.Length(max=120))


class SellerQuery(ListQuery):
    q = fields.String(
        load_default=None, validate=validate.Length(max=100),
        metadata={"description": "Name or area (Arabic spelling variants match) or WhatsApp number."},
    )
