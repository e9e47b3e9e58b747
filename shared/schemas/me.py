"""Schemas of who the token belongs to (GET /api/v1/me)."""
from marshmallow import fields

from shared.models import Language, Role
from shared.schemas.base import ID, BaseSchema


class ShopRef(BaseSchema):
    id = fields.String(metadata=ID)
    name = fields.String(metadata={"example": "ريم للتجميل"})


class Me(BaseSchema):
    """Who the token belongs to."""

    id = fields.String(metadata=ID)
    name = fields.String(metadata={"example": "Reem"})
    email = fields.String(allow_none=True, metadata={"example": "reem@example.com"})
    role = fields.Enum(Role, by_value=True, metadata={"example": "seller"})
    language = fields.Enum(Language, by_value=True, metadata={
        "description": "The language answers are in when a request sends no Accept-Language."})
    all_shops = fields.Boolean(metadata={
        "description": "true for an admin, who works for every shop (`shops` is then empty: "
                       "list them with GET /api/v1/sellers)."})
    shops = fields.List(fields.Nested(ShopRef), metadata={
        "description": "The shops you work for, by name: your own, or your clients'."})
    # Issue 9 (teams) replaces this with the team summary's schema (Nested, allow_none).
    team = fields.Dict(allow_none=True, metadata={
        "description": "Your team (coordinators and promoters); null when you are in none."})
