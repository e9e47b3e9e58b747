"""RFC 9457 problem details for every error under /api (and, later, HTML under /admin).

flask-smorest registers its handler for every HTTPException, which also receives
Flask's own 404/405/413 and unhandled exceptions as 500: overriding it here is the
one place where errors of the whole app take their shape.

Texts are in the request's language (shared/i18n.py chooses Arabic or English): titles,
details and each field message; field names (the keys of `errors`) and values inside
the texts stay as sent. `Content-Language` says which language was used, and
`Vary: Accept-Language` that another request may get another.
"""
import logging

import marshmallow as ma
from flask import Response, json, request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from shared import errors
from shared.extensions import db
from shared.i18n import N_, render, translate_message

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
    400: N_("The request could not be read."),
    404: N_("There is nothing at this address. Check the URL against /docs."),
    405: N_("This address does not accept that method."),
    413: N_("The request body is too large."),
    415: N_("Send the body as JSON with Content-Type: application/json."),
    429: N_("Too many attempts. Wait a little (see Retry-After) and try again."),
    500: N_("Something went wrong on our side. It was logged; try again later."),
}

# Titles of the HTTP errors the API answers (werkzeug's names are the msgids). 401 takes
# the domain's title, so a missing token and a wrong password read the same.
_TITLES = {
    400: N_("Bad Request"),
    401: errors.Unauthenticated.title,
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    409: N_("Conflict"),
    412: N_("Precondition Failed"),
    413: N_("Request Entity Too Large"),
    415: N_("Unsupported Media Type"),
    422: N_("Unprocessable Entity"),
    428: N_("Precondition Required"),
    429: N_("Too Many Requests"),
    500: N_("Internal Server Error"),
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


def problem(status: int, title, detail, *, errors=None, headers=None, **extra) -> Response:
    """A problem+json response; `title`, `detail` and the messages in `errors` may be lazy
    strings (rendered now, in the request's language) and field messages are translated."""
    body = {"type": "about:blank", "title": str(title), "status": status, "detail": str(detail)}
    if errors:
        body["errors"] = render(errors, translate=True)
    body.update(render(extra))
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Content-Language"] = str(get_locale())
    response.vary.add("Accept-Language")
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


_INVALID = N_("invalid")  # a field whose errors are nested (a line of an order)


def _detail_for_fields(errs: dict) -> str:
    parts = []
    for field, msgs in errs.items():
        if isinstance(msgs, list) and msgs and isinstance(msgs[0], str):
            parts.append(f"{field}: {translate_message(msgs[0])}")
        else:
            parts.append(f"{field}: {gettext(_INVALID)}")
    return gettext("Please correct: %(problems)s", problems="; ".join(parts))


def _translated(text):
    """A msgid (str) translated now; a lazy string is left for problem() to render."""
    return gettext(text) if isinstance(text, str) else text


def _wants_problem() -> bool:
    return not request.path.startswith("/admin")


def handle_domain_error(error: errors.DomainError) -> Response:
    db.session.rollback()
    status = next(code for cls, code in _STATUS.items() if isinstance(error, cls))
    return problem(status, error.title, error.detail, errors=error.errors, **error.extra)


def handle_stale_data(_error: StaleDataError) -> Response:
    """A versioned row (an order) changed between this request's read and its write."""
    db.session.rollback()
    return problem(409, errors.Conflict.title,
                   _l("This order was changed by someone else at the same moment; "
                      "reload it and try again."))


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
            detail = gettext("The request body is not valid JSON: %(reason)s",
                             reason="; ".join(translate_message(str(m)) for m in errs["_body"]))
        elif errs:
            detail = _detail_for_fields(errs)
        else:
            detail = _translated(data.get("message") or _DETAILS.get(error.code) or error.description)
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        title = _translated(_TITLES.get(error.code, error.name))
        return problem(error.code, title, detail, errors=errs, headers=headers)
