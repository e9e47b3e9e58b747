"""Schemas of accounts: logging in (API tokens), and accounts an admin manages."""
from collections.abc import Mapping

import marshmallow as ma
from marshmallow import fields, validate

from shared.models import Language, Role
from shared.schemas.base import PHONE, BaseSchema, ListQuery
from shared.schemas.me import Me


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
    user = fields.Nested(Me, metadata={"description": "Who you are: the same as GET /api/v1/me."})


class UserCreate(BaseSchema):
    """An account an admin makes (the admin's users page; the CLI's `users create`)."""

    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                          metadata=PHONE)
    name = fields.String(load_default="", validate=validate.Length(max=120))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))
    role = fields.Enum(Role, by_value=True, required=True)
    language = fields.Enum(Language, by_value=True, load_default=Language.ar)

    @ma.pre_load
    def _blank_is_none(self, data, **_kwargs):
        """A form's empty email or phone box means "none", not an invalid address."""
        if isinstance(data, Mapping):
            data = dict(data)
            for name in ("email", "phone"):
                if isinstance(data.get(name), str) and not data[name].strip():
                    data[name] = None
        return data


class PasswordReset(BaseSchema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


class UserQuery(ListQuery):
    q = fields.String(load_default=None, validate=validate.Length(max=100))
    role = fields.Enum(Role, by_value=True, load_default=None)
