"""Schemas for logging in with an API token."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.schemas.base import PHONE, BaseSchema


class TokenCreate(BaseSchema):
    email = fields.Email(load_default=None, metadata={"example": "reem@example.com"})
    phone = fields.String(load_default=None, validate=validate.Length(max=40), metadata={
        **PHONE, "description": "Instead of `email`, for an account made with a phone number only "
                                "(a promoter her coordinator signed up). " + PHONE["description"]})
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024),
        metadata={"example": "correct horse battery"},
    )

    @ma.validates_schema
    def _one_login(self, data, **_kwargs):
        if (data.get("email") is None) == (data.get("phone") is None):
            raise ma.ValidationError("Send either email or phone, not both.", "email")


class Token(BaseSchema):
    token = fields.String(metadata={"example": "q3Vb2n...kZ"})
    expires_at = fields.DateTime(metadata={"example": "2026-12-26T10:00:00+00:00"})
