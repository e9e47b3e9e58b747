"""Errors as people and programs read them: RFC 9457 problem details under /api, an HTML
page under /admin. The factory registers the handlers once (`register(app)`), for the
domain's errors and for every HTTPException, which also receives Flask's own
404/405/413 and unhandled exceptions as 500 (and replaces flask-smorest's handler).

Every problem names its kind (shared/problem_types.py): `type` is the kind's URI
(`/problems/invalid-transition`, a page the app serves) and `code` its machine name,
which clients branch on; `title` is the kind's one title. Domain errors carry their
kind; errors Flask raises get the kind of their status.

Texts are in the request's language (shared/i18n.py chooses Arabic or English): titles,
details and each field message; field names (the keys of `errors`) and values inside
the texts stay as sent. `Content-Language` says which language was used, and
`Vary: Accept-Language` that another request may get another.
"""
import logging

from flask import Response, current_app, json, request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from shared import errors, problem_types
from shared.extensions import db
from shared.i18n import N_, render, translate_message

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

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

def problem(status: int, detail, *, code: str | None = None, errors=None, headers=None,
            **extra) -> Response:
    """A problem+json response of kind `code` (by default the kind of `status`); `detail`
    and the messages in `errors` may be lazy strings (rendered now, in the request's
    language) and field messages are translated."""
    kind = problem_types.kind(code) if code else problem_types.for_status(status)
    body = {"type": kind.uri, "code": kind.code, "title": str(kind.title), "status": status,
            "detail": str(detail)}
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


def _is_admin() -> bool:
    return request.path == "/admin" or request.path.startswith("/admin/")


# app.extensions key: the admin face's renderer of its error page, `(status, title,
# detail) -> Response` (admin.rendering.error_response). The core knows no face; a face
# that answers in HTML registers here.
HTML_ERROR_PAGE = "tawasi.html_error_page"


def _page(status: int, title, detail, headers=None) -> Response:
    """The admin's error page (a fragment for htmx), in the request's language."""
    render_page = current_app.extensions.get(HTML_ERROR_PAGE)
    if render_page is not None:
        response = render_page(status, title, detail)
    else:  # no admin registered: plain, still readable
        response = Response(f"<!doctype html><title>{escape(str(title))}</title>"
                            f"<h1>{escape(str(title))}</h1><p>{escape(str(detail))}</p>",
                            status=status, mimetype="text/html")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.vary.add("HX-Request")
    return response


def _answer(status: int, code: str, detail, *, errors=None, headers=None, **extra) -> Response:
    if _is_admin():
        return _page(status, problem_types.kind(code).title, detail, headers)
    return problem(status, detail, code=code, errors=errors, headers=headers, **extra)


def _status_of(error: errors.DomainError) -> int:
    """A Stale write that named the version it read (If-Match) failed its precondition: 412."""
    if isinstance(error, errors.Stale) and "If-Match" in request.headers:
        return 412
    return error.status


STALE_READ = _l("This object changed since you read it. Read it again, re-apply your change, "
                "and retry.")


def handle_domain_error(error: errors.DomainError) -> Response:
    db.session.rollback()
    if _status_of(error) == 412:
        return _answer(412, error.code, STALE_READ)
    return _answer(error.status, error.code, error.detail, errors=error.errors,
                   headers=getattr(error, "headers", None), **error.extra)


def handle_http_exception(error: HTTPException) -> Response:
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
    return _answer(error.code, problem_types.for_status(error.code).code, detail, errors=errs,
                   headers=headers)


def register(app) -> None:
    """The app's error handlers, for both faces (after flask-smorest's, which they replace)."""
    app.register_error_handler(errors.DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
