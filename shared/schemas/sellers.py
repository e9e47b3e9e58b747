"""Schemas of sellers (shops)."""
from marshmallow import fields, validate

from shared.models import SellerCategory
from shared.schemas.base import BaseSchema, ClientId, Id, ListQuery, PhoneRegion, Text

_NAME = validate.Length(min=1, max=120)
_REGION = {"example": "SY", "description": "The country (ISO 3166) a phone number typed without "
                                           "+country is read in, for the shop's customers and its "
                                           "own WhatsApp number: SY reads 0944 111 222 as "
                                           "+963944111222, TR reads 0532 123 45 67 as +905321234567."}


class Seller(BaseSchema):
    id = fields.String(dump_only=True, metadata={"example": "01jd3k6w7x8y9z0a1b2c3d4e5f"})
    name = fields.String(metadata={"example": "ريم للتجميل"})
    whatsapp_phone = fields.String(allow_none=True, metadata={"example": "+963944111222"})
    category = fields.Enum(SellerCategory, by_value=True, metadata={"example": "cosmetics"})
    area = fields.String(metadata={"example": "Idlib"})
    phone_region = fields.String(metadata=_REGION)
    owner_id = Id(allow_none=True)
    coordinator_id = Id(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SellerCreate(BaseSchema):
    id = ClientId()
    name = Text(required=True, validate=_NAME, metadata={"example": "ريم للتجميل"})
    whatsapp_phone = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=20),
        metadata={"example": "+963944111222"},
    )
    category = fields.Enum(SellerCategory, by_value=True, load_default=SellerCategory.other,
                           metadata={"example": "cosmetics"})
    area = Text(load_default="", validate=validate.Length(max=120), metadata={"example": "Idlib"})
    phone_region = PhoneRegion(load_default=None, metadata={
        **_REGION, "description": _REGION["description"] + " The server's default when left out."})


class SellerUpdate(BaseSchema):
    name = Text(validate=_NAME)
    whatsapp_phone = fields.String(allow_none=True, validate=validate.Length(max=20))
    category = fields.Enum(SellerCategory, by_value=True)
    area = Text(validate=validate.Length(max=120))
    phone_region = PhoneRegion(metadata=_REGION)


class SellerQuery(ListQuery):
    q = fields.String(
        load_default=None, validate=validate.Length(max=100),
        metadata={"description": "Name or area (Arabic spelling variants match) or WhatsApp number."},
    )
