"""RFC 9457 problem details for every error under /api (and, later, HTML under /admin).

flask-smorest registers its handler for every HTTPException, which also receives
Flask's own 404/405/413 and unhandled exceptions as 500: overriding it here is the
one place where errors of the whole app take their shape.
"""
import logging

import marshmallow as ma
from flask import Response, json, request
from flask_smorest import Api
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from shared import errors
from shared.extensions import db

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_STATUS = {
    errors.NotFound: 404,
    errors.Forbidden: 403,
    errors.Unauthenticated: 401,
    errors.Conflict: 409,
    errors.Invalid: 422,
}

# Plain-language details for errors Flask raises itself.
_DETAILS = {
    400: "The request could not be read.",
    404: "There is nothing at this address. Check the URL against /docs.",
    405: "This address does not accept that method.",
    413: "The request body is too large.",
    415: "Send the body as JSON with Content-Type: application/json.",
    429: "Too many attempts. Wait a little (see Retry-After) and try again.",
    500: "Something went wrong on our side. It was logged; try again later.",
}


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


def problem(status: int, title: str, detail: str, *, errors=None, headers=None, **extra) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tawasi"'
    return response


def _field_errors(messages) -> dict:
    """webargs nests errors by location ({"json": {...}, "query": {...}}): flatten them."""
    if not isinstance(messages, dict):
        return {"_request": messages}
    flat = {}
    for location, errs in messages.items():
        if isinstance(errs, dict):
            flat.update(errs)
        else:
            flat[location if location != "json" else "_body"] = errs
    return flat


def _detail_for_fields(errs: dict) -> str:
    parts = []
    for field, msgs in errs.items():
        if isinstance(msgs, list) and msgs and isinstance(msgs[0], str):
            parts.append(f"{field}: {msgs[0]}")
        else:
            parts.append(f"{field}: invalid")
    return "Please correct: " + "; ".join(parts)


def _wants_problem() -> bool:
    return not request.path.startswith("/admin")


def handle_domain_error(error: errors.DomainError) -> Response:
    db.session.rollback()
    status = next(code for cls, code in _STATUS.items() if isinstance(error, cls))
    return problem(status, error.title, error.detail, errors=error.errors, **error.extra)


def handle_stale_data(_error: StaleDataError) -> Response:
    """A versioned row (an order) changed between this request's read and its write."""
    db.session.rollback()
    return problem(409, "Conflict", "This order was changed by someone else at the same moment; "
                                    "reload it and try again.")


class ProblemApi(Api):
    ERROR_SCHEMA = Problem

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(errors.DomainError, handle_domain_error)
        self._app.register_error_handler(StaleDataError, handle_stale_data)

    def handle_http_exception(self, error: HTTPException):
        if error.code >= 500:
            db.session.rollback()
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.exception("Unhandled error on %s %s", request.method, request.path,
                              exc_info=original)
        data = getattr(error, "data", None) or {}
        errs = None
        if "messages" in data or "errors" in data:
            errs = _field_errors(data.get("errors") or data.get("messages"))
        if errs and set(errs) == {"_body"}:
            detail = "The request body is not valid JSON: " + "; ".join(map(str, errs["_body"]))
        elif errs:
            detail = _detail_for_fields(errs)
        else:
            detail = data.get("message") or _DETAILS.get(error.code) or error.description
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        return problem(error.code, error.name, detail, errors=errs, headers=headers)
