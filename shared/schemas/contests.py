"""Schemas of contests and the team's entries."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.models import EntryResult
from shared.schemas.base import ID, Amount, AwareDateTime, BaseSchema, Currency, Date, Id, ListQuery
from shared.schemas.promotions import URL, evidence_url

_TITLE = validate.Length(min=1, max=200)
_PRIZE = validate.Length(min=1, max=1000)
_URL = [validate.Length(max=500), URL]
_NOTE = validate.Length(max=2000)


class ContestEntry(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    user_id = Id(metadata=ID)
    entered_at = fields.DateTime()
    note = fields.String()
    evidence_url = fields.String(allow_none=True)
    result = fields.Enum(EntryResult, by_value=True, metadata={"example": "won"})
    prize_received = fields.Boolean()
    prize_received_on = fields.Date(allow_none=True)


class Contest(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    team_id = Id(metadata=ID)
    seller_id = Id(allow_none=True, metadata={
        "description": "The shop running it, when it is one Tawasi knows."})
    shop_name = fields.String(metadata={"example": "عطورات الريحان"})
    shop_url = fields.String(allow_none=True)
    title = fields.String(metadata={"example": "مسابقة أجمل تعليق"})
    prize_description = fields.String(metadata={"example": "طقم عطور — a perfume set"})
    prize_value = Amount(allow_none=True, metadata={"description": "Estimated, in `currency`."})
    currency = Currency(allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    rules_url = fields.String(allow_none=True)
    notes = fields.String()
    entries = fields.List(fields.Nested(ContestEntry))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ContestCreate(BaseSchema):
    team_id = Id(load_default=None, metadata={
        "description": "The team entering it; left out, your only team."})
    seller_id = Id(load_default=None, allow_none=True, metadata={
        "description": "The shop running it, if it is one you work for; or give shop_name."})
    shop_name = fields.String(load_default="", validate=validate.Length(max=120),
                              metadata={"example": "عطورات الريحان"})
    shop_url = fields.String(load_default=None, allow_none=True, validate=_URL,
                             metadata={"example": "https://www.facebook.com/alrayhan.perfumes"})
    title = fields.String(required=True, validate=_TITLE, metadata={"example": "مسابقة أجمل تعليق"})
    prize_description = fields.String(required=True, validate=_PRIZE,
                                      metadata={"example": "طقم عطور — a perfume set"})
    prize_value = Amount(load_default=None, allow_none=True, metadata={"example": "300.00"})
    currency = Currency(load_default=None, allow_none=True)
    starts_at = AwareDateTime(required=True, metadata={"example": "2026-11-20T09:00:00+03:00"})
    ends_at = AwareDateTime(required=True, metadata={"example": "2026-11-27T21:00:00+03:00"})
    rules_url = fields.String(load_default=None, allow_none=True, validate=_URL)
    notes = fields.String(load_default="", validate=_NOTE)

    @ma.validates_schema
    def _consistent(self, data, **_kwargs):
        _check_contest(data)
        if not data.get("seller_id") and not (data.get("shop_name") or "").strip():
            raise ma.ValidationError("Name the shop: seller_id or shop_name.", "shop_name")


def _check_contest(data) -> None:
    if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
        raise ma.ValidationError("The end must not be before the start.", "ends_at")
    if data.get("prize_value") is not None and not data.get("currency"):
        raise ma.ValidationError("Give the currency of the prize's value.", "currency")


class ContestUpdate(BaseSchema):
    seller_id = Id(allow_none=True)
    shop_name = fields.String(validate=validate.Length(max=120))
    shop_url = fields.String(allow_none=True, validate=_URL)
    title = fields.String(validate=_TITLE)
    prize_description = fields.String(validate=_PRIZE)
    prize_value = Amount(allow_none=True)
    currency = Currency(allow_none=True)
    starts_at = AwareDateTime()
    ends_at = AwareDateTime()
    rules_url = fields.String(allow_none=True, validate=_URL)
    notes = fields.String(validate=_NOTE)

    @ma.validates_schema
    def _consistent(self, data, **_kwargs):
        _check_contest(data)


class ContestQuery(ListQuery):
    team_id = Id(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "Search titles and shop names; Arabic spelling variants match."})


class EntryCreate(BaseSchema):
    user_id = Id(load_default=None, metadata={
        "description": "The member entering: coordinators name her; a promoter enters herself."})
    note = fields.String(load_default="", validate=_NOTE)
    evidence_url = evidence_url(load_default=None, allow_none=True)


class EntryUpdate(BaseSchema):
    result = fields.Enum(EntryResult, by_value=True, metadata={"example": "won"})
    prize_received = fields.Boolean()
    prize_received_on = Date(allow_none=True, metadata={
        "description": "When the prize arrived; today if left out when prize_received becomes true."})
    note = fields.String(validate=_NOTE)
    evidence_url = evidence_url(allow_none=True)
