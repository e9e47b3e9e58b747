"""Schemas of teams, their members and the promoter accounts a coordinator creates."""
import marshmallow as ma
from marshmallow import fields, validate

from shared.models import Language, TeamRole
from shared.schemas.base import ID, PERSON_NAME, PHONE, Amount, BaseSchema, Id, ListQuery

_NAME = validate.Length(min=1, max=120)
_EMAIL = validate.Length(max=254)
_SHARE = {"example": "20.00",
          "description": "The percentage (0 to 100) of each payout's earnings the coordinator keeps."}


class TeamMember(BaseSchema):
    user_id = Id(metadata=ID)
    name = fields.Function(lambda m: m.user.name, metadata={"type": "string", "example": "هدى"})
    email = fields.Function(lambda m: m.user.email, metadata={"type": ["string", "null"]})
    phone = fields.Function(lambda m: m.user.phone, metadata={"type": ["string", "null"]})
    joined_at = fields.DateTime()


class Team(BaseSchema):
    id = fields.String(dump_only=True, metadata=ID)
    coordinator_id = Id(metadata=ID)
    name = fields.String(metadata={"example": "فريق زينة"})
    coordinator_share = Amount(metadata=_SHARE)
    members = fields.List(fields.Nested(TeamMember))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class TeamCreate(BaseSchema):
    name = fields.String(required=True, validate=_NAME, metadata={"example": "فريق زينة"})
    coordinator_share = Amount(load_default=None, metadata=_SHARE)
    coordinator_id = Id(load_default=None, metadata={
        "description": "Admins only: the coordinator the team is for (a coordinator's own "
                       "teams are hers)."})


class TeamUpdate(BaseSchema):
    name = fields.String(validate=_NAME)
    coordinator_share = Amount(metadata=_SHARE)


class TeamQuery(ListQuery):
    q = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "Search team names; Arabic spelling variants match."})


class MemberAdd(BaseSchema):
    """An existing promoter account, named by one of id, email or phone."""

    user_id = Id(load_default=None, metadata=ID)
    email = fields.Email(load_default=None, validate=_EMAIL, metadata={"example": "huda@example.com"})
    phone = fields.String(load_default=None, validate=validate.Length(max=40), metadata=PHONE)

    @ma.validates_schema
    def _one_of(self, data, **_kwargs):
        if sum(data.get(key) is not None for key in ("user_id", "email", "phone")) != 1:
            raise ma.ValidationError("Name the promoter by exactly one of user_id, email or phone.",
                                     "user_id")


class AccountCreate(BaseSchema):
    """A new promoter account, made a member of the team."""

    name = fields.String(required=True, validate=PERSON_NAME, metadata={"example": "رهف"})
    email = fields.Email(load_default=None, validate=_EMAIL, metadata={"example": "rahaf@example.com"})
    phone = fields.String(load_default=None, validate=validate.Length(max=40), metadata=PHONE)
    language = fields.Enum(Language, by_value=True, load_default=Language.ar)

    @ma.validates_schema
    def _reachable(self, data, **_kwargs):
        if not data.get("email") and not data.get("phone"):
            raise ma.ValidationError("Give an email or a phone number.", "email")


class NewAccount(BaseSchema):
    team_id = Id(metadata=ID)
    user_id = Id(metadata=ID)
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    language = fields.Enum(Language, by_value=True)
    initial_password = fields.String(metadata={
        "example": "kq7m-p9xa-3ter",
        "description": "Shown this once and never stored in clear: give it to the promoter, "
                       "who logs in with it."})


class TeamSummary(BaseSchema):
    """A team as /me shows it: the teams a user coordinates or belongs to."""

    id = fields.String(metadata=ID)
    name = fields.String()
    role = fields.Enum(TeamRole, by_value=True, metadata={"description": "The user's place in it."})
    coordinator_id = Id()
    coordinator_name = fields.String()
    coordinator_share = Amount(metadata=_SHARE)
    member_count = fields.Integer()
