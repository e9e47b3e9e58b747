"""Schemas of contributions: what a member did on a job, and its review."""
from marshmallow import fields, validate

from shared.models import ContributionKind, ReviewStatus
from shared.schemas.base import ID, BaseSchema, Id, Integer, ListQuery
from shared.schemas.promotions import evidence_url

_QUANTITY = validate.Range(min=1, max=1_000_000_000)
_NOTE = validate.Length(max=2000)


class Contribution(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    job_id = Id(metadata=ID)
    team_id = Id(metadata=ID)
    user_id = Id(metadata=ID)
    kind = fields.Enum(ContributionKind, by_value=True, metadata={"example": "followers"})
    quantity = fields.Integer(metadata={"example": 120})
    note = fields.String()
    evidence_url = fields.String(allow_none=True)
    status = fields.Enum(ReviewStatus, by_value=True, metadata={"example": "pending"})
    reviewed_by_id = Id(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    rejection_reason = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ContributionCreate(BaseSchema):
    job_id = Id(required=True, metadata=ID)
    user_id = Id(load_default=None, metadata={
        "description": "The member it is for: coordinators may record for a member; a promoter "
                       "records her own (left out)."})
    kind = fields.Enum(ContributionKind, by_value=True, required=True, metadata={"example": "followers"})
    quantity = Integer(required=True, validate=_QUANTITY, metadata={"example": 120})
    note = fields.String(load_default="", validate=_NOTE,
                         metadata={"example": "دعوت صديقاتي في مجموعة الحي"})
    evidence_url = evidence_url(load_default=None, allow_none=True)


class ContributionUpdate(BaseSchema):
    kind = fields.Enum(ContributionKind, by_value=True)
    quantity = Integer(validate=_QUANTITY)
    note = fields.String(validate=_NOTE)
    evidence_url = evidence_url(allow_none=True)
    status = fields.Enum(ReviewStatus, by_value=True, metadata={
        "description": "The coordinator's review: approved, or rejected with a "
                       "`rejection_reason`; pending again to reconsider."})
    rejection_reason = fields.String(validate=validate.Length(max=1000))


class ContributionQuery(ListQuery):
    job_id = Id(load_default=None)
    user_id = Id(load_default=None)
    team_id = Id(load_default=None)
    status = fields.Enum(ReviewStatus, by_value=True, load_default=None)
