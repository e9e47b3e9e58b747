"""Schemas of payout sets (a job's earnings split) and payouts (each member's share)."""
from marshmallow import fields, validate

from shared.models import PaymentMethod, PayoutStatus, Split
from shared.schemas.base import ID, Amount, BaseSchema, Currency, Date, Id, ListQuery


class Payout(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    payout_set_id = Id(metadata=ID)
    job_id = Id(metadata=ID)
    team_id = Id(metadata=ID)
    user_id = Id(metadata=ID)
    weight = fields.Integer(metadata={
        "description": "What the share was computed from: 1 for an equal split, else the "
                       "member's approved contribution quantity."})
    amount = Amount(metadata={"example": "33.34"})
    currency = Currency()
    status = fields.Enum(PayoutStatus, by_value=True, metadata={"example": "pending"})
    paid_on = fields.Date(allow_none=True)
    method = fields.Enum(PaymentMethod, by_value=True, allow_none=True)
    note = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class PayoutSet(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    job_id = Id(metadata=ID)
    team_id = Id(metadata=ID)
    currency = Currency()
    split = fields.Enum(Split, by_value=True)
    earned_before = Amount(metadata={
        "example": "0.00", "description": "The job's earnings earlier payout sets covered."})
    earned_through = Amount(metadata={
        "example": "150.00", "description": "The job's earnings when this set was made: it "
                                             "covers those after earned_before up to here."})
    coordinator_share = Amount(metadata={"example": "20.00",
                                         "description": "The team's percentage at the time."})
    coordinator_amount = Amount(metadata={"example": "30.00"})
    amount = Amount(metadata={"example": "120.00",
                              "description": "Shared among the members: the sum of `payouts`."})
    payouts = fields.List(fields.Nested(Payout))
    created_by_id = Id(allow_none=True)
    created_at = fields.DateTime()


class PayoutSetCreate(BaseSchema):
    job_id = Id(required=True, metadata=ID)
    split = fields.Enum(Split, by_value=True, load_default=None, metadata={
        "description": "equal, or by approved contributions; left out, the job's `split`."})


class PayoutUpdate(BaseSchema):
    status = fields.Enum(PayoutStatus, by_value=True, metadata={"example": "paid"})
    paid_on = Date(allow_none=True, metadata={"example": "2026-11-26",
                                              "description": "When it was paid; today if left out."})
    method = fields.Enum(PaymentMethod, by_value=True, metadata={"example": "cash"})
    note = fields.String(validate=validate.Length(max=1000))


class PayoutQuery(ListQuery):
    job_id = Id(load_default=None)
    user_id = Id(load_default=None)
    team_id = Id(load_default=None)
    status = fields.Enum(PayoutStatus, by_value=True, load_default=None)


class PayoutSetQuery(ListQuery):
    job_id = Id(load_default=None)
    team_id = Id(load_default=None)
