"""Schemas of WhatsApp-ready texts."""
from marshmallow import fields

from shared.models import Language
from shared.schemas.base import BaseSchema


class WhatsAppText(BaseSchema):
    text = fields.String(metadata={"example": "مرحباً أم أحمد،\n..."})
    url = fields.String(allow_none=True, metadata={
        "example": "https://wa.me/963944111222?text=...",
        "description": "Opens WhatsApp with the text ready to send; null when there is no phone."})


class CatalogueTextQuery(BaseSchema):
    lang = fields.Enum(Language, by_value=True, load_default=Language.ar,
                       metadata={"example": "ar"})
