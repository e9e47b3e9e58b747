"""The kinds of problem the app answers, each with a stable machine `code` and type URI.

A client branches on `code` (or on `type`, `/problems/<code>`, which the app serves as
a short page saying what the problem means and what to do). Each kind has one title in
each language, so the title never varies with where the error was raised.

A service raises a kind by naming its code, without a class per message:

    raise Conflict(_l("Order 12 is delivered and cannot become pending."),
                   code="invalid-transition", current="delivered", allowed=[])

Adding a kind: add it to KINDS below (title, what it means, what to do), then
`make translations`. Extension members a problem may carry (`allowed`, `current`, ...)
are listed in EXTENSIONS, which documents them in the OpenAPI `Problem` schema.
tests/test_problem_types.py fails when a code raised anywhere in shared/ or api/, or an
extension member, is not registered here.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

TYPE_PREFIX = "/problems/"


@dataclass(frozen=True)
class ProblemType:
    code: str
    statuses: tuple[int, ...]  # the HTTP statuses it comes with (the first is the usual one)
    title: LazyString
    meaning: LazyString
    action: LazyString

    @property
    def uri(self) -> str:
        return TYPE_PREFIX + self.code


def _kind(code: str, statuses, title, meaning, action) -> tuple[str, ProblemType]:
    statuses = statuses if isinstance(statuses, tuple) else (statuses,)
    return code, ProblemType(code, statuses, title, meaning, action)


KINDS: dict[str, ProblemType] = dict((
    _kind("bad-request", 400, _l("Request not readable"),
          _l("The request could not be read: its body is not valid JSON, or it cannot be "
             "handled as sent."),
          _l("Send the body as JSON in UTF-8, and check it against the example in /docs.")),
    _kind("input-limits", 400, _l("Outside the input limits"),
          _l("The request holds what no real request does: JSON nested more than 32 levels "
             "deep, a number written with more than 40 characters, text that is not valid "
             "Unicode (a lone surrogate such as \\ud800), or a NUL character in the address "
             "or the query. It was refused before anything was done."),
          _l("Send ordinary JSON in UTF-8 (amounts as decimal strings), as the examples in "
             "/docs show; `detail` names the limit.")),
    _kind("unauthenticated", 401, _l("Authentication required"),
          _l("The request carries no bearer token, or its token expired or was revoked."),
          _l("Get a token with POST /api/v1/auth/tokens and send it on every call as "
             "'Authorization: Bearer <token>'. When a token stops working, log in again.")),
    _kind("wrong-credentials", 401, _l("Wrong email or password"),
          _l("Logging in failed: the email or the password is wrong. The answer is the same "
             "either way, so it does not reveal which emails have an account."),
          _l("Check both and try again. After too many attempts, wait (too-many-requests).")),
    _kind("forbidden", 403, _l("Not allowed"),
          _l("Your role may not do this, for example a promoter changing a shop's catalogue."),
          _l("Ask a coordinator or an admin to do it.")),
    _kind("not-found", 404, _l("Not found"),
          _l("There is nothing at this address, or it belongs to a shop you do not work for: "
             "the answer is the same, so ids of other shops reveal nothing."),
          _l("Check the id and the address against /docs; list the resource to find the "
             "right id.")),
    _kind("method-not-allowed", 405, _l("Method not allowed"),
          _l("This address exists but does not take this HTTP method."),
          _l("Use one of the methods in the Allow header, as /docs shows.")),
    _kind("conflict", 409, _l("Conflict"),
          _l("The change conflicts with the current state of what it changes."),
          _l("Read the object again; `detail` says what stands in the way.")),
    _kind("invalid-transition", 409, _l("Status change not allowed"),
          _l("The object cannot move from its current status to the one asked. `current` "
             "is its status now, and `allowed` lists the statuses it may move to (empty "
             "when the status is final)."),
          _l("Offer only the statuses in `allowed`.")),
    _kind("invalid-state", 409, _l("Not possible in the current state"),
          _l("The action is not possible while the object is in its current state "
             "(`current`): for example changing the lines of an order already purchased, "
             "paying a cancelled order, or changing a market run already bought."),
          _l("Read `detail`: it says in which state the action is possible, or what to do "
             "instead.")),
    _kind("id-taken", 409, _l("Id already taken"),
          _l("The `id` your app chose for a new row is already the id of another row (or "
             "another person's)."),
          _l("Choose a new id (a fresh ULID) for a new row. To retry a create, send the very "
             "same body again: it answers as the first time.")),
    _kind("id-reused", 409, _l("Id already used for another request"),
          _l("A row was already created under this `id` from a different request body."),
          _l("Send exactly the same body to replay the first answer, or choose a new id for "
             "a new row.")),
    _kind("sync-cursor-foreign", 403, _l("Not your sync cursor"),
          _l("The `since` cursor was given out to another user, or it was not given out "
             "by this server."),
          _l("Sync with the cursor your own last sync answered, or with no `since` to start "
             "over.")),
    _kind("sync-cursor-expired", 410, _l("Sync cursor expired"),
          _l("The changes after this cursor are no longer kept, so the phone cannot catch up "
             "from it."),
          _l("Drop what the phone holds and sync again with no `since` (a full first sync).")),
    _kind("batch-not-applied", 424, _l("Not applied"),
          _l("An operation of an atomic batch failed (`failed_operation`), so none of the "
             "operations was applied."),
          _l("Fix the failed operation (its own answer says why) and send the batch again.")),
    _kind("webhook-url-refused", 422, _l("Webhook address refused"),
          _l("Webhooks go only to https:// addresses on the public internet, never to private, "
             "loopback or link-local ones."),
          _l("Give the public https:// address of your receiver.")),
    _kind("in-use", 409, _l("Still in use"),
          _l("It cannot be deleted, because other records keep it on the books: a product "
             "that was ordered, a shop or a customer with orders, an order with payments."),
          _l("Keep it and hide or close it instead, as `detail` says: a product becomes "
             "`available: false`, an order is cancelled.")),
    _kind("duplicate", 409, _l("Already exists"),
          _l("Another record already has this value, which must be unique: a customer's "
             "phone within a shop (`existing_customer_id` names that customer), or a "
             "user's email."),
          _l("Use the existing record, or change the value.")),
    _kind("changed-meanwhile", (412, 409), _l("Changed since you read it"),
          _l("Someone changed the object after you read it. A write that sent If-Match is "
             "answered 412; a write that raced another one without If-Match, 409."),
          _l("Read it again, re-apply your change to what you got, and send it with the new "
             "ETag in If-Match.")),
    _kind("too-large", 413, _l("Request too large"),
          _l("The request body is larger than the server accepts (1 MiB)."),
          _l("Send less at once, for example an order with fewer lines.")),
    _kind("unsupported-media-type", 415, _l("Body must be JSON"),
          _l("The request has a body that is not declared as JSON."),
          _l("Send the body as JSON with 'Content-Type: application/json'.")),
    _kind("invalid", 422, _l("Invalid input"),
          _l("Some fields are missing or wrong. `errors` maps each field, named as you sent "
             "it, to its messages; `detail` sums them up in one sentence."),
          _l("Correct the fields named in `errors` and send the request again.")),
    _kind("idempotency-key-reused", 422, _l("Idempotency-Key reused"),
          _l("This Idempotency-Key was already used for a different request (another "
             "method, address or body). Nothing was done."),
          _l("Use a new key for each new request; send a key again only to retry the very "
             "same request.")),
    _kind("too-many-requests", 429, _l("Too many requests"),
          _l("Too many attempts from your address in a short time (logging in is limited)."),
          _l("Wait the number of seconds in the Retry-After header, then try again.")),
    _kind("too-many-attempts", 429, _l("Too many failed logins"),
          _l("This account had too many failed logins in a row, so logging in to it is "
             "locked for a while (30 seconds, doubling up to 15 minutes), before the password "
             "is even checked. A device that logged in to it before (X-Device-Id) is not "
             "locked by others' failures."),
          _l("Wait the number of seconds in the Retry-After header, then try again. Send "
             "X-Device-Id from your app so its own logins are never locked out by strangers.")),
    _kind("server-error", 500, _l("Server error"),
          _l("Something went wrong on our side. It was logged, and nothing was half done: "
             "the request's changes were rolled back."),
          _l("Try again later. A POST retried with the same Idempotency-Key is never done "
             "twice.")),
))

# The kind of a problem that carries nothing more specific than its HTTP status (errors
# raised by Flask and werkzeug, and by the conventions).
BY_STATUS: dict[int, str] = {
    400: "bad-request", 401: "unauthenticated", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 409: "conflict", 412: "changed-meanwhile", 413: "too-large",
    415: "unsupported-media-type", 422: "invalid", 429: "too-many-requests", 500: "server-error",
}

# Members a problem may carry besides the standard ones, as JSON schemas: the OpenAPI
# `Problem` schema documents them, so generated clients read them as typed data.
EXTENSIONS: dict[str, dict] = {
    "errors": {
        "type": "object",
        "description": "`invalid`: each field, named as sent, mapped to its messages (a list "
                       "of texts; an object by position or name for the fields of a list "
                       "or of a nested object).",
        "additionalProperties": True,
        "example": {"price": ["Must not be negative."]},
    },
    "allowed": {
        "type": "array", "items": {"type": "string"},
        "description": "`invalid-transition`: the statuses it may move to now.",
        "example": ["purchased", "cancelled"],
    },
    "current": {
        "type": "string",
        "description": "`invalid-transition`, `invalid-state`: its status now.",
        "example": "confirmed",
    },
    "editable_while": {
        "type": "array", "items": {"type": "string"},
        "description": "`invalid-state`: the statuses in which the change is possible.",
    },
    "existing_customer_id": {
        "type": "string",
        "description": "`duplicate`: the customer of the shop who has this phone.",
    },
    "order_id": {"type": "string", "description": "The order the problem is about."},
    "order_ids": {"type": "array", "items": {"type": "string"},
                  "description": "`not-found`: the order ids that were not found."},
    "order_number": {"type": "integer", "description": "The shop's number of that order."},
    "order_status": {"type": "string", "description": "The status of that order."},
    "market_run_id": {"type": "string",
                      "description": "`invalid-state`: the market run the order is already in."},
    "orders": {"type": "integer", "description": "`in-use`: how many orders keep it."},
    "product_id": {"type": "string", "description": "`invalid`: the product a line names."},
    "product_ids": {"type": "array", "items": {"type": "string"},
                    "description": "`invalid`: the products that are not on the shopping list."},
    "currencies": {"type": "array", "items": {"type": "string"},
                   "description": "`invalid`: the currencies the orders named are in."},
    "amount_paid": {"type": "string", "format": "decimal",
                    "description": "`invalid`: what was paid (net) on the order."},
    "max_amount": {"type": "string", "format": "decimal",
                   "description": "`invalid`: the largest amount that can be kept."},
    "id": {"type": "string", "description": "`id-taken`, `id-reused`: the id the client chose."},
    "failed_operation": {"type": "integer",
                         "description": "`batch-not-applied`: the position (from 1) of the operation that failed."},
    "max_quantity": {"type": "integer",
                     "description": "`invalid`: the largest quantity one line can hold."},
    "refundable": {"type": "string", "format": "decimal",
                   "description": "`invalid`: what may still be given back on the order."},
    "line_id": {"type": "string", "description": "`invalid`: the order line the problem is about."},
    "returnable": {"type": "integer",
                   "description": "`invalid`: how many of that line may still come back."},
    "platform": {"type": "string", "description": "`invalid`: the platform a page URL was checked against."},
    "example": {"type": "string", "description": "`invalid`: an example of a good value (a page "
                                                 "link, a phone number in the shop's country)."},
    "existing_page_id": {"type": "string", "description": "`duplicate`: the page the shop already has "
                                                          "at this address."},
    "jobs": {"type": "integer", "description": "`in-use`: how many promotion jobs keep it."},
    "client_payments": {"type": "integer", "description": "`in-use`: how many client payments keep it."},
    "fields": {"type": "array", "items": {"type": "string"},
               "description": "`invalid-state`: the fields that can no longer change."},
    "now": {"type": "string", "format": "date-time",
            "description": "`invalid`: the server's time, for a moment refused as in the future."},
    "earned": {"type": "string", "format": "decimal",
               "description": "`invalid-state`: what the job has earned so far."},
    "paid_through": {"type": "string", "format": "decimal",
                     "description": "`invalid-state`: how much of the job's earnings was already paid out."},
    "user_id": {"type": "string", "description": "The person (user) the problem is about."},
    "user_ids": {"type": "array", "items": {"type": "string"},
                 "description": "`invalid`: the people who are not members of the job's team."},
}


def kind(code: str) -> ProblemType:
    """:raise KeyError: an unregistered code (a bug: register it in KINDS)."""
    return KINDS[code]


def for_status(status: int) -> ProblemType:
    """The kind of a problem known only by its status; unknown ones by their class."""
    code = BY_STATUS.get(status) or ("server-error" if status >= 500 else "bad-request")
    return KINDS[code]
