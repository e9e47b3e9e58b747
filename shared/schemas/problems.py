"""The problem details schema, for the OpenAPI document (errors are built by shared.problems)."""
import marshmallow as ma


class Problem(ma.Schema):
    """RFC 9457 problem details (documentation only)."""

    type = ma.fields.String(metadata={"example": "about:blank"})
    title = ma.fields.String(metadata={"example": "Unprocessable Content"})
    status = ma.fields.Integer(metadata={"example": 422})
    detail = ma.fields.String(metadata={"example": "price: Must not be negative."})
    errors = ma.fields.Dict(
        metadata={"description": "Field errors: field name -> list of messages",
                  "example": {"price": ["Must not be negative."]}}
    )
