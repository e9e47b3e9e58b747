"""Domain exceptions: raised by services, translated to HTTP once, by the app's error handlers.

Each class carries the HTTP status it means (`status`) and a stable machine `code`, so
both faces answer the same error the same way. Texts are lazy strings
(`flask_babel.lazy_gettext`, imported as `_l`): a service builds the message without
knowing who reads it, and the face renders it (`str()`) in the request's language.
Plain `str` texts are accepted too and shown as they are.
"""
from flask_babel import lazy_gettext as _l

from shared.i18n import lazy_concat


class DomainError(Exception):
    """Base of the errors a service raises; `detail` is a sentence a person can act on."""

    status = 400
    code = "bad-request"
    title = _l("Request cannot be completed")

    def __init__(self, detail, *, errors: dict | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra


class NotFound(DomainError):
    status = 404
    code = "not-found"
    title = _l("Not found")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = _l("Forbidden")


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    title = _l("Authentication required")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = _l("Conflict")


class Stale(Conflict):
    """The row changed between this request's read and its write (another person saved it
    first). A request that named the version it read (If-Match) is answered 412."""

    code = "changed-meanwhile"


class Invalid(DomainError):
    """Bad input for one field: `Invalid("price", _l("must not be negative"))`.

    `detail` ("price: must not be negative") stays lazy: the field name as sent, the
    reason in the reader's language.
    """

    status = 422
    code = "invalid"
    title = _l("Invalid input")

    def __init__(self, field: str, reason, **extra):
        super().__init__(lazy_concat(field, ": ", reason), errors={field: [reason]}, **extra)
        self.field = field
