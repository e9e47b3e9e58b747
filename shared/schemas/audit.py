"""Schemas of the audit trail (GET /api/v1/audit, /admin/audit)."""
from marshmallow import fields, validate

from shared.models import ChangeOp
from shared.schemas.base import AwareDateTime, BaseSchema, Id, ListQuery


class AuditQuery(ListQuery):
    kind = fields.String(load_default=None, validate=validate.Length(max=30), metadata={
        "example": "orders", "description": "Only rows of this kind (as sync names them, and `users`)."})
    row_id = Id(load_default=None, metadata={"description": "Only the changes of this row."})
    user_id = Id(load_default=None, metadata={"description": "Only the changes this person made."})
    tenant_id = Id(load_default=None, metadata={
        "description": "Only the changes in this shop or team (or of this account)."})
    start = AwareDateTime(data_key="from", load_default=None, metadata={
        "example": "2026-11-01T00:00:00+03:00", "description": "From this moment on (included)."})
    end = AwareDateTime(data_key="to", load_default=None, metadata={
        "example": "2026-12-01T00:00:00+03:00", "description": "Before this moment."})


class AuditEntry(BaseSchema):
    id = fields.Function(lambda change: str(change.id), dump_only=True, metadata={
        "type": "string", "example": "1042", "description": "The change's number in the whole log."})
    at = fields.DateTime(dump_only=True, metadata={"description": "When the write committed its change."})
    user_id = fields.String(attribute="actor_id", dump_only=True, allow_none=True, metadata={
        "description": "Who made it; null for a command or the background worker."})
    client = fields.String(dump_only=True, allow_none=True, metadata={
        "example": "token:01jd3k6w7x8y9z0a1b2c3d4e5f",
        "description": "From which client: `token:<API token id>`, `admin:<admin login session>`, or "
                       "null (a command, the worker)."})
    kind = fields.String(dump_only=True, metadata={"example": "orders"})
    row_id = fields.String(dump_only=True, metadata={"example": "01jd3k6w7x8y9z0a1b2c3d4e5f"})
    tenant_id = fields.String(dump_only=True, metadata={
        "description": "The shop or team the row belongs to (an account's own id for `users`)."})
    op = fields.Enum(ChangeOp, by_value=True, dump_only=True, metadata={
        "description": "`upsert`: created or changed; `delete`: deleted."})
    money = fields.Dict(keys=fields.String(), values=fields.List(fields.String(allow_none=True)),
                        dump_only=True, allow_none=True, metadata={
        "example": {"amount_paid": ["0.00", "150.00"], "payments.amount": [None, "150.00"]},
        "description": "Amounts the write changed, `[before, after]` (null where there was or is "
                       "none); a part's amounts are named with its table (`payments.amount`). "
                       "Null when it changed no money."})
