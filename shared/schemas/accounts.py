"""Schemas for logging in with an API token."""
from marshmallow import fields, validate

from shared.schemas.base import BaseSchema
from shared.schemas.me import Me


class TokenCreate(BaseSchema):
    email = fields.Email(required=True, metadata={"example": "reem@example.com"})
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024),
        metadata={"example": "correct horse battery"},
    )


class Token(BaseSchema):
    token = fields.String(metadata={"example": "q3Vb2n...kZ"})
    expires_at = fields.DateTime(metadata={"example": "2026-12-26T10:00:00+00:00"})
    user = fields.Nested(Me, metadata={"description": "Who you are: the same as GET /api/v1/me."})
