"""Domain exceptions: raised by services, translated to HTTP once, by the app's error handlers.

Each class carries the HTTP status it means (`status`) and a default machine `code`; a
raise may name a more specific kind with `code=` (registered in shared/problem_types.py,
which gives each kind its one title per language), and extension members as keywords:

    raise Conflict(detail, code="invalid-transition", current="delivered", allowed=[])

Texts are lazy strings (`flask_babel.lazy_gettext`, imported as `_l`): a service builds
the message without knowing who reads it, and the face renders it (`str()`) in the
request's language. Plain `str` texts are accepted too and shown as they are.
"""
from shared import problem_types
from shared.i18n import lazy_concat


class DomainError(Exception):
    """Base of the errors a service raises; `detail` is a sentence a person can act on."""

    status = 400
    code = "bad-request"

    def __init__(self, detail, *, code: str | None = None, errors: dict | None = None, **extra):
        super().__init__(detail)
        if code is not None:
            self.code = code
        problem_types.kind(self.code)  # an unregistered code fails where it is raised
        self.detail = detail
        self.errors = errors
        self.extra = extra

    @property
    def kind(self) -> problem_types.ProblemType:
        return problem_types.kind(self.code)

    @property
    def title(self):
        return self.kind.title


class NotFound(DomainError):
    status = 404
    code = "not-found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Conflict(DomainError):
    status = 409
    code = "conflict"


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

    def __init__(self, field: str, reason, **extra):
        super().__init__(lazy_concat(field, ": ", reason), errors={field: [reason]}, **extra)
        self.field = field

