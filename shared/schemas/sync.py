"""Schemas of sync (GET /api/v1/sync) and batch (POST /api/v1/batch)."""
from marshmallow import Schema, fields, validate

from shared.schemas.base import BaseSchema, Integer, OneOfNamed
from shared.services.kinds import KINDS
from shared.services.sync import DEFAULT_LIMIT, MAX_LIMIT


class SyncQuery(BaseSchema):
    since = fields.String(load_default=None, validate=validate.Length(max=100_000), metadata={
        "description": "The `cursor` of your last sync; leave it out for a first, full sync."})
    limit = Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT), metadata={
        "description": f"Rows per answer (upserted and deleted together), 1 to {MAX_LIMIT}."})
    fields = fields.String(load_default=None, validate=validate.Length(max=2000), metadata={
        "example": "products.name,products.price,orders.status",
        "description": "Only these fields of these kinds (`kind.field`, comma-separated); `id` "
                       "always comes. Kinds not named come whole."})


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _row_of(kind) -> type[Schema]:
    """The kind's schema as a sync row: the same fields, of which `fields=` may keep only some."""
    return type(f"Sync{_camel(kind.name)}Row", (kind.schema,), {
        "TRIMMABLE": True, "__doc__": f"A row of {kind.name} as its GET shows it; `fields=` may trim it."})


def _changes_of(kind) -> type[Schema]:
    return Schema.from_dict({
        "upserted": fields.List(fields.Nested(_row_of(kind)), metadata={
            "description": "Rows created or changed, each as its single GET shows it (trimmed "
                           "by `fields`)."}),
        "deleted": fields.List(fields.String(), metadata={
            "description": "Ids of rows deleted, or that you may no longer see: drop them."}),
    }, name=f"Sync{_camel(kind.name)}Changes")


SyncChanges = Schema.from_dict({name: fields.Nested(_changes_of(kind), required=True)
                                for name, kind in KINDS.items()}, name="SyncChanges")


class SyncPage(Schema):
    changes = fields.Nested(SyncChanges, metadata={"description": "Per kind of row, every one of them."})
    cursor = fields.String(metadata={"description": "Opaque: send it as `since` next time."})
    has_more = fields.Boolean(metadata={"description": "More changes wait: sync again at once with "
                                                       "the new cursor."})


# --- batch ---------------------------------------------------------------------------------

MAX_OPERATIONS = 100


class BatchOperation(BaseSchema):
    method = OneOfNamed("BatchMethod", ["POST", "PATCH", "PUT", "DELETE"], "An unsafe HTTP method.",
                        required=True, metadata={"example": "POST"})
    path = fields.String(required=True, validate=[validate.Length(max=2000), validate.Regexp(
        r"^/api/v1/[^\s]*$", error="Must be a path of this API, starting /api/v1/.")],
        metadata={"example": "/api/v1/customers"})
    body = fields.Dict(load_default=None, allow_none=True, metadata={"description": "The JSON body (an object)."})
    idempotency_key = fields.String(load_default=None, validate=validate.Length(min=1, max=255),
                                    metadata={"description": "Sent as its Idempotency-Key."})
    if_match = fields.String(load_default=None, validate=validate.Length(max=200),
                             metadata={"description": "Sent as its If-Match (the ETag you read)."})


class BatchRequest(BaseSchema):
    operations = fields.List(fields.Nested(BatchOperation), required=True, validate=validate.Length(
        min=1, max=MAX_OPERATIONS, error=f"Send between 1 and {MAX_OPERATIONS} operations."))
    atomic = fields.Boolean(load_default=False, metadata={
        "description": "true: all operations apply, or none does (the first failure stops the batch)."})


class BatchResult(Schema):
    status = fields.Integer(metadata={"example": 201})
    headers = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "Location, ETag, Content-Language, Idempotent-Replayed when present."})
    body = fields.Raw(allow_none=True, metadata={"description": "Its JSON answer (a problem on "
                                                                "failure); null for 204."})


class BatchResponse(Schema):
    atomic = fields.Boolean()
    applied = fields.Boolean(metadata={"description": "false when an atomic batch applied nothing."})
    results = fields.List(fields.Nested(BatchResult), metadata={
        "description": "One per operation, in order: what it alone would have answered."})
