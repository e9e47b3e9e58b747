"""Domain exceptions: raised by services, translated to HTTP once per face."""


class DomainError(Exception):
    """Base of the errors a service raises; `detail` is a sentence a person can act on."""

    title = "Request cannot be completed"

    def __init__(self, detail: str, *, errors: dict | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra


class NotFound(DomainError):
    title = "Not found"


class Forbidden(DomainError):
    title = "Forbidden"


class Unauthenticated(DomainError):
    title = "Authentication required"


class Conflict(DomainError):
    title = "Conflict"


class Invalid(DomainError):
    """Bad input for one field: `Invalid("price", "must not be negative")`."""

    title = "Invalid input"

    def __init__(self, field: str, reason: str, **extra):
        super().__init__(f"{field}: {reason}", errors={field: [reason]}, **extra)
        self.field = field
