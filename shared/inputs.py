"""What a request may hold, checked before any work: JSON read with limits, and no NUL in
an address or a query.

Every JSON body the app reads goes through `parse_json` (Flask's `request.get_json`, the
API's argument parser, Idempotency-Key fingerprints, the operations of POST /api/v1/batch,
which are requests of their own): a body nested deeper than MAX_DEPTH, a number literal
longer than MAX_NUMBER_DIGITS, a string holding a lone surrogate (not Unicode: no database
stores it, no JSON encoder writes it) or a body over MAX_CONTENT_LENGTH is refused with a
400 `input-limits` problem, before Python's parser could recurse out of its stack or build a
5,000-digit integer. `check_request` refuses a NUL character in the path or the query
(PostgreSQL stores no NUL: a NUL in an id would reach the database and fail there).
A NUL inside a JSON string is refused per field by the schemas (422, naming the field).
"""
import json
import re

from flask import current_app, has_request_context, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l

from shared.errors import DomainError

MAX_DEPTH = 32  # the deepest body the API takes (a batch of orders with lines) is 6
MAX_NUMBER_DIGITS = 40  # characters of one number literal: amounts are strings anyway
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InputRefused(DomainError):
    """The request is outside what the app reads at all (see the module's docstring)."""

    status = 400
    code = "input-limits"


def _too_deep() -> InputRefused:
    return InputRefused(_l("The JSON body is nested more than %(max)s levels deep.", max=MAX_DEPTH))


def _depth_within(text: str, limit: int) -> bool:
    """Whether no array or object in `text` opens more than `limit` levels deep. Strings
    are skipped first (a bracket inside one counts for nothing); malformed text is left
    for the parser to refuse."""
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return False
    return True


def _number(text: str, kind):
    if len(text) > MAX_NUMBER_DIGITS:
        raise InputRefused(_l("A number in the JSON body is longer than %(max)s characters.",
                              max=MAX_NUMBER_DIGITS))
    return kind(text)


def _constant(name: str):
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


def _check_strings(value) -> None:
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise InputRefused(_l("The JSON body holds text that is not valid Unicode "
                                  "(a lone surrogate such as \\ud800)."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


def parse_json(raw: str | bytes, *, max_bytes: int | None = None):
    """The JSON value of `raw`, read with limits (the size one: in a request, MAX_CONTENT_LENGTH).

    :raise InputRefused: too large, too deep, a number too long, a lone surrogate.
    :raise json.JSONDecodeError: not JSON (a ValueError, as json.loads raises).
    """
    if max_bytes is None and has_request_context():
        max_bytes = current_app.config.get("MAX_CONTENT_LENGTH")
    if max_bytes is not None and len(raw) > max_bytes:
        raise InputRefused(_l("The JSON body is larger than %(max)s bytes.", max=max_bytes))
    if isinstance(raw, bytes | bytearray):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError(f"not UTF-8: {exc.reason}", "", exc.start) from exc
    if not _depth_within(raw, MAX_DEPTH):
        raise _too_deep()
    try:
        value = json.loads(raw, parse_int=lambda t: _number(t, int),
                           parse_float=lambda t: _number(t, float), parse_constant=_constant)
    except RecursionError:  # cannot happen within MAX_DEPTH; a last guard all the same
        raise _too_deep() from None
    _check_strings(value)
    return value


class JSONProvider(DefaultJSONProvider):
    """The app's JSON: `request.get_json()` reads with the limits above."""

    def loads(self, s, **kwargs):
        return parse_json(s)


def check_request() -> None:
    """Before any view: no NUL in the path or the query (names and values).

    :raise InputRefused: there is one.
    """
    if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                     for key, values in request.args.lists()):
        raise InputRefused(_l("The address or the query holds a NUL character (U+0000)."))


def init_app(app) -> None:
    app.json = JSONProvider(app)
    app.json.ensure_ascii = False  # Arabic as UTF-8: a third of the bytes of \u escapes
    app.before_request(check_request)
