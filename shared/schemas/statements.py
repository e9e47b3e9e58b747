"""Schema of a client's statement: what a page owner owes for promotion work, per currency."""
from marshmallow import fields

from shared.models import JobStatus, Platform
from shared.schemas.base import ID, Amount, BaseSchema, Currency, Id, signed_money
from shared.schemas.client_payments import ClientPayment


class StatementTotal(BaseSchema):
    currency = Currency()
    owed = Amount(metadata={"example": "150.00",
                            "description": "Earned on the shop's active and completed jobs."})
    paid = Amount(metadata={"example": "100.00", "description": "Client payments recorded."})
    outstanding = signed_money(lambda t: t.owed - t.paid, "50.00",
                               "owed - paid; negative when the client paid ahead.")


class StatementJob(BaseSchema):
    id = fields.String(metadata=ID)
    title = fields.String()
    page_id = Id()
    platform = fields.Enum(Platform, by_value=True)
    handle = fields.String()
    status = fields.Enum(JobStatus, by_value=True)
    metric = fields.String()
    target_gain = fields.Integer()
    gained = fields.Integer()
    progress = fields.Float()
    currency = Currency()
    price = Amount(allow_none=True, metadata={"description": "null for an in-kind reward."})
    earned = Amount(allow_none=True, metadata={"description": "null for an in-kind reward."})
    reward_description = fields.String(allow_none=True)
    reward_value = Amount(allow_none=True, metadata={"description": "Estimated; never added to money."})
    reward_received = fields.Boolean()


class Statement(BaseSchema):
    seller_id = Id(metadata=ID)
    seller_name = fields.String()
    totals = fields.List(fields.Nested(StatementTotal), metadata={
        "description": "Per currency; never summed across currencies."})
    jobs = fields.List(fields.Nested(StatementJob), metadata={
        "description": "The active and completed jobs paid in money, newest first."})
    in_kind = fields.List(fields.Nested(StatementJob), metadata={
        "description": "The active and completed jobs paid in kind, listed apart: their "
                       "estimated values are in no total."})
    payments = fields.List(fields.Nested(ClientPayment), metadata={"description": "Oldest first."})
