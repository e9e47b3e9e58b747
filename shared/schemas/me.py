"""Schemas of who the token belongs to (GET /api/v1/me)."""
from marshmallow import fields

from shared.models import Language, Role
from shared.schemas.base import ID, BaseSchema
from shared.schemas.teams import TeamSummary


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
    teams = fields.List(fields.Nested(TeamSummary), metadata={
        "description": "The teams you coordinate or work in (empty when none): a promoter "
                       "sees her coordinator's team here."})
