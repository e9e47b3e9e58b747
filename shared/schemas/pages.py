"""Schemas of social pages."""
from marshmallow import fields, validate

from shared.models import Platform
from shared.page_urls import MAX_URL_LENGTH, RULES
from shared.schemas.base import ID, BaseSchema, Id, ListQuery

_EXAMPLES = "; ".join(f"{platform.value}: {rule.example}" for platform, rule in RULES.items())
_URL_DOC = ("The page's address on its platform, checked against the platform's hosts "
            "(422 names the platform and shows a good link otherwise). \"https://\" may be "
            f"left out. Examples: {_EXAMPLES}.")
_PLATFORM = fields.Enum(Platform, by_value=True, metadata={"example": "facebook"})
_HANDLE = validate.Length(max=120)
_NAME = validate.Length(max=120)


class Page(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    seller_id = Id(metadata=ID)
    platform = _PLATFORM
    url = fields.String(metadata={"example": "https://www.facebook.com/abukhalil.restaurant"})
    handle = fields.String(metadata={"example": "abukhalil.restaurant"})
    name = fields.String(metadata={"example": "مطعم أبو خليل"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class PageCreate(BaseSchema):
    seller_id = Id(load_default=None, metadata={
        "description": "The shop; may be left out when you work for exactly one."})
    platform = fields.Enum(Platform, by_value=True, required=True, metadata={"example": "facebook"})
    url = fields.String(required=True, validate=validate.Length(min=1, max=MAX_URL_LENGTH),
                        metadata={"example": "facebook.com/abukhalil.restaurant", "description": _URL_DOC})
    handle = fields.String(load_default=None, allow_none=True, validate=_HANDLE, metadata={
        "description": "How the page is known (@name); read from the URL when left out."})
    name = fields.String(load_default="", validate=_NAME, metadata={"example": "مطعم أبو خليل"})


class PageUpdate(BaseSchema):
    platform = fields.Enum(Platform, by_value=True)
    url = fields.String(validate=validate.Length(min=1, max=MAX_URL_LENGTH),
                        metadata={"description": _URL_DOC})
    handle = fields.String(validate=_HANDLE)
    name = fields.String(validate=_NAME)


class PageQuery(ListQuery):
    seller_id = Id(load_default=None)
    platform = fields.Enum(Platform, by_value=True, load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "Search names and handles; Arabic spelling variants match."})
