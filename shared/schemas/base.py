"""The one base schema and the fields every resource shares (numbers, money, lists)."""
import datetime as dt
import decimal
import operator
import re
from collections.abc import Mapping

import marshmallow as ma
import phonenumbers
from marshmallow import fields, validate

from shared.money import CURRENCIES, MAX_AMOUNT, MAX_RATE, RATE_PLACES
from shared.services.pagination import MAX_LIMIT
from shared.text import ascii_digits, clean_text, normalise_number


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class BaseSchema(ma.Schema):
    """Unknown fields are refused (a typo must not be silently ignored), and so is text
    with NUL characters (PostgreSQL cannot store them; no person types one). A boolean is
    `true` or `false`, as the spec says: in a JSON body a JSON boolean, in a query string
    the word (marshmallow alone would also take 1, "yes", "on"...)."""

    class Meta:
        unknown = ma.RAISE

    def get_attribute(self, obj, attr, default):
        """Dumping an object (or a dict) that lacks a declared field is a bug, never a
        silently smaller answer (a row loaded without the figures its schema shows). So a
        response schema's fields are always sent, and the OpenAPI document marks them all
        `required` (api/spec.py)."""
        value = super().get_attribute(obj, attr, ma.missing)
        if value is ma.missing:
            raise AttributeError(f"{type(obj).__name__} has no {attr!r} for {type(self).__name__}")
        return value

    def _serialize(self, obj, *, many: bool = False):
        """marshmallow's dump, with each field's getter and formatter picked once per schema
        instance (the ORDER list dumps some 700 values per page): the same output, field by
        field, as `Field.serialize` (tests/test_query_budgets.py compares them). A field
        whose class changes how values are read falls back to `Field.serialize`."""
        if many:
            return [self._serialize(item) for item in obj]
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = _plan(self)
        ret = {}
        for key, attr, getter, formatter, field in plan:
            if getter is None:
                value = field.serialize(attr, obj, accessor=self.get_attribute)
                if value is ma.missing:
                    continue
            elif type(obj) is dict:
                value = formatter(self.get_attribute(obj, attr, ma.missing), attr, obj)
            else:
                value = formatter(getter(obj), attr, obj)
            ret[key] = value
        return ret

    @ma.pre_load
    def _booleans_as_the_spec_says(self, data, **kwargs):
        if not isinstance(data, Mapping):
            return data
        allowed = (True, False) if isinstance(data, dict) else ("true", "false")  # JSON or a query
        bad = {}
        for name, field in self.load_fields.items():
            key = field.data_key or name
            if isinstance(field, fields.Boolean) and key in data:
                value = data[key]
                if not (value in allowed and type(value) is type(allowed[0])) and not (
                        value is None and field.allow_none):
                    bad[key] = ["Not a valid boolean."]
        if bad:
            raise ma.ValidationError(bad)
        return data

    @ma.pre_load
    def _refuse_nul(self, data, **kwargs):
        if isinstance(data, Mapping):
            bad = sorted(str(key) for key in data.keys() if _has_nul(data.get(key)) or _has_nul(key))
            if bad:
                raise ma.ValidationError({key: ["Text may not contain NUL characters."] for key in bad})
        return data


def _as_text(field):
    slow = field._serialize

    def fmt(value, attr, obj):
        return value if value is None or type(value) is str else slow(value, attr, obj)
    return fmt


def _enum_value(value, attr, obj):
    return None if value is None else value.value


def _as_int(value, attr, obj):
    return value if value is None or type(value) is int else int(value)


def _as_moment(write):
    def fmt(value, attr, obj):
        return None if value is None else write(value)
    return fmt


def _as_decimal(field):
    """fields.Decimal(as_string=True)'s _format_num and _to_string, without turning a
    Decimal into text and back (money is a Decimal already)."""
    places, rounding = field.places, field.rounding

    def fmt(value, attr, obj):
        if value is None:
            return None
        num = value if type(value) is decimal.Decimal else decimal.Decimal(str(value))
        if places is not None and num.is_finite():
            num = num.quantize(places, rounding=rounding)
        return format(num, "f")
    return fmt


def _dumps_plainly(schema: ma.Schema) -> bool:
    """Whether `schema.dump` is just `schema._serialize` (marshmallow's own dump, no pre- or
    post-dump hooks)."""
    return (isinstance(schema, BaseSchema) and type(schema).dump is ma.Schema.dump
            and not schema._hooks[ma.decorators.PRE_DUMP]
            and not schema._hooks[ma.decorators.POST_DUMP])


def _nested_field(field):
    """Nested's _serialize (None, or the nested schema's dump) calling the nested schema's
    own planned _serialize straight away; None when the field is not a plain Nested."""
    if type(field) is not fields.Nested or not _dumps_plainly(field.schema):
        return None
    schema = field.schema
    many = schema.many or field.many

    def fmt(value, attr, obj):
        return None if value is None else schema._serialize(value, many=many)
    return fmt


def _list_of_nested(field):
    inner = _nested_field(field.inner) if type(field) is fields.List else None
    if inner is None:
        return None

    def fmt(value, attr, obj):
        return None if value is None else [inner(each, attr, obj) for each in value]
    return fmt


def _plan(schema: ma.Schema) -> list:
    """(key, attribute, getter, formatter, field) per dumped field: the getter reads the
    attribute (None: `Field.serialize` does the whole work), the formatter is the field's
    own `_serialize`, or a shortcut where that is plainly the same (text, integers, enum
    by value, decimal text, ISO moments, nested schemas without dump hooks)."""
    plan = []
    for name, field in schema.dump_fields.items():
        attr = field.attribute or name
        key = field.data_key or name
        kind = type(field)
        plain = (kind.serialize is fields.Field.serialize and kind.get_value is fields.Field.get_value
                 and field._CHECK_ATTRIBUTE)
        getter = operator.attrgetter(attr) if plain else None
        if kind is fields.String or (issubclass(kind, fields.String)
                                     and kind._serialize is fields.String._serialize):
            formatter = _as_text(field)
        elif (issubclass(kind, fields.Integer) and not field.as_string and field.num_type is int
              and kind._serialize is fields.Number._serialize
              and kind._format_num is fields.Number._format_num):
            formatter = _as_int
        elif (issubclass(kind, fields.DateTime) and kind._serialize is fields.DateTime._serialize
              and (field.format or kind.DEFAULT_FORMAT) in kind.SERIALIZATION_FUNCS):
            formatter = _as_moment(kind.SERIALIZATION_FUNCS[field.format or kind.DEFAULT_FORMAT])
        elif kind is fields.Enum and field.by_value and type(field.field) is fields.Raw:
            formatter = _enum_value
        elif (issubclass(kind, fields.Decimal) and field.as_string and not field.allow_nan
              and kind._serialize is fields.Number._serialize
              and kind._format_num is fields.Decimal._format_num
              and kind._to_string is fields.Decimal._to_string):
            formatter = _as_decimal(field)
        else:
            formatter = _nested_field(field) or _list_of_nested(field) or field._serialize
        plan.append((key, attr, getter, formatter, field))
    return plan


class Text(fields.String):
    """Text a person typed (a name, a note): control characters and bidirectional
    overrides are stripped before it is stored or lands in a WhatsApp message; Arabic,
    emoji and right-to-left text stay exactly as typed (shared.text.clean_text).
    `multiline=True` keeps line breaks (notes, descriptions)."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        typed = super()._deserialize(value, attr, data, **kwargs)
        # The documented maxLength holds for what was sent, before anything is stripped.
        for validator in self.validators:
            if isinstance(validator, validate.Length) and validator.max is not None:
                validator(typed)
        return clean_text(typed, multiline=self.multiline)


# --- numbers and dates as people type them ------------------------------------------------
#
# The server accepts exactly what each field's documented pattern says (the OpenAPI
# document shows the same pattern): ASCII, Arabic-Indic (U+0660..) or Extended
# Arabic-Indic (U+06F0..) digits, and for amounts a '.' or the Arabic decimal separator
# '٫'. No sign, exponent, spaces or thousands separators. A field checks the text against
# its pattern first, then reads it; an amount that does not match says why when it can
# (negative, too precise, too large).

DIGIT = "[0-9٠-٩۰-۹]"
_NON_ZERO, _ZERO, _POINT = "[1-9١-٩۱-۹]", "[0٠۰]", "[.٫]"
INTEGER_PATTERN = f"^{DIGIT}+$"


class Integer(fields.Integer):
    """An integer: a JSON integer, or a string of digits that may be Arabic-Indic ("٣")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("strict", False)
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("type", ["integer", "string"])
        metadata.setdefault("pattern", INTEGER_PATTERN)
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        if isinstance(value, str):
            if not re.fullmatch(INTEGER_PATTERN, value):
                raise self.make_error("invalid")
            value = ascii_digits(value)
        elif not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Amount(fields.Decimal):
    """Money: a decimal string ("150.00", "١٥٠٫٥") in, a decimal string ("150.50") out.

    At most ten digits before the point and two after it; no leading zeros, sign,
    exponent, spaces or grouping marks, and never a JSON number (a float loses cents in
    some clients). Never negative; `positive=True` also refuses zero. The sign is checked
    here rather than with validate.Range, which apispec would document as
    `minimum: '0.00'`, a string where OpenAPI wants a number.
    """

    default_error_messages = {
        "negative": "Must not be negative.",
        "not_positive": "Must be more than zero.",
        "invalid": "Not a valid amount: send a decimal string such as \"150.00\".",
        "special": "Not a valid amount: send a decimal string such as \"150.00\".",
        "too_precise": "Use at most two decimal places.",
        "too_large": f"Too large: at most {MAX_AMOUNT}.",
    }

    # What `_deserialize` accepts, for the OpenAPI document (and clients, and fuzzers). A
    # positive amount starts with a non-zero digit, or is 0.xx with a non-zero digit after
    # the point: no lookahead, which not every regex engine has.
    PATTERN = f"^({_ZERO}|{_NON_ZERO}{DIGIT}{{0,9}})({_POINT}{DIGIT}{{1,2}})?$"
    POSITIVE_PATTERN = (f"^({_NON_ZERO}{DIGIT}{{0,9}}({_POINT}{DIGIT}{{1,2}})?"
                        f"|{_ZERO}{_POINT}({_NON_ZERO}{DIGIT}?|{DIGIT}{_NON_ZERO}))$")

    def __init__(self, *, positive: bool = False, **kwargs):
        self.positive = positive
        self.pattern = self.POSITIVE_PATTERN if positive else self.PATTERN
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("example", "150.00")
        # A string, as it is sent and answered (apispec would say `number` for a Decimal,
        # where a pattern means nothing); nullable fields still get ["string", "null"].
        metadata.setdefault("type", "string")
        metadata.setdefault("format", "decimal")
        metadata.setdefault("pattern", self.pattern)
        super().__init__(places=2, as_string=True, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if not re.fullmatch(self.pattern, value):
            raise self._why_not(value)
        return super()._deserialize(normalise_number(value), attr, data, **kwargs)

    def _why_not(self, text: str) -> ma.ValidationError:
        """The most helpful message for a string that does not match the pattern."""
        try:
            number = decimal.Decimal(normalise_number(text))
        except (decimal.InvalidOperation, ValueError):
            return self.make_error("invalid")
        if not number.is_finite():
            return self.make_error("special")
        if number < 0:
            return self.make_error("negative")
        if number.adjusted() >= 10 or number > MAX_AMOUNT:  # "1E+1000000" compared without overflow
            return self.make_error("too_large")
        if number.as_tuple().exponent < -2 and number != number.quantize(decimal.Decimal("0.01")):
            return self.make_error("too_precise")
        if self.positive and number == 0:
            return self.make_error("not_positive")
        return self.make_error("invalid")


# Dates people mean: this century. Refusing year 1 or 9999 up front keeps every later
# date sum (a day after, a time zone) inside what datetime can hold.
MIN_YEAR, MAX_YEAR = 2000, 2100
_YEARS = f"Use a date between {MIN_YEAR} and {MAX_YEAR}."
DATE_PATTERN = f"^{DIGIT}{{4}}-{DIGIT}{{2}}-{DIGIT}{{2}}$"
# RFC 3339 (seconds and fraction optional); no offset means UTC.
DATETIME_PATTERN = (f"^{DIGIT}{{4}}-{DIGIT}{{2}}-{DIGIT}{{2}}T{DIGIT}{{2}}:{DIGIT}{{2}}"
                    f"(:{DIGIT}{{2}}([.]{DIGIT}{{1,6}})?)?(Z|[+-]{DIGIT}{{2}}:{DIGIT}{{2}})?$")


class Date(fields.Date):
    """An ISO date (2026-11-26), Arabic-Indic digits accepted (٢٠٢٦-١١-٢٦)."""

    default_error_messages = {"out_of_range": _YEARS}

    def __init__(self, **kwargs):
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("pattern", DATE_PATTERN)
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not (isinstance(value, str) and re.fullmatch(DATE_PATTERN, value)):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        day = super()._deserialize(ascii_digits(value), attr, data, **kwargs)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise self.make_error("out_of_range")
        return day


class AwareDateTime(fields.AwareDateTime):
    """An RFC 3339 date-time; UTC when no offset is given; Arabic-Indic digits accepted."""

    default_error_messages = {"out_of_range": _YEARS}

    def __init__(self, **kwargs):
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("pattern", DATETIME_PATTERN)
        super().__init__(default_timezone=dt.timezone.utc, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not (isinstance(value, str) and re.fullmatch(DATETIME_PATTERN, value)):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        moment = super()._deserialize(ascii_digits(value), attr, data, **kwargs)
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise self.make_error("out_of_range")
        return moment.astimezone(dt.timezone.utc)


class Rate(fields.Decimal):
    """An exchange rate a person typed: a positive decimal string, at most six decimal
    places, Arabic-Indic digits accepted ("٣٤" is 34)."""

    default_error_messages = {
        "invalid": "Not a valid rate: send a decimal string such as \"34.50\".",
        "not_positive": "Must be more than zero.",
        "too_precise": f"Use at most {RATE_PLACES} decimal places.",
        "too_large": f"Too large: at most {MAX_RATE}.",
    }
    PATTERN = f"^{DIGIT}{{1,7}}({_POINT}{DIGIT}{{1,{RATE_PLACES}}})?$"

    def __init__(self, **kwargs):
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("example", "34.50")
        metadata.setdefault("type", "string")
        metadata.setdefault("format", "decimal")
        metadata.setdefault("pattern", self.PATTERN)
        super().__init__(as_string=True, metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return format(decimal.Decimal(value).normalize(), "f")  # "34", as typed, not "34.000000"

    def _deserialize(self, value, attr, data, **kwargs):
        # Exactly what the pattern says, like Amount: a string, no sign, exponent or JSON number.
        if not (isinstance(value, str) and re.fullmatch(self.PATTERN, value)):
            raise self.make_error("invalid")
        number = decimal.Decimal(normalise_number(value))
        if number <= 0:
            raise self.make_error("not_positive")
        if number >= MAX_RATE:
            raise self.make_error("too_large")
        return number


class PhoneRegion(fields.String):
    """A country whose phone numbers phonenumbers knows ("SY", "TR"; "tr" is read as "TR")."""

    default_error_messages = {"unknown": "Unknown country: use an ISO 3166 code such as SY or TR."}

    def __init__(self, **kwargs):
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("example", "TR")
        metadata.setdefault("pattern", "^[A-Za-z]{2}$")
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        region = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise self.make_error("unknown")
        return region


class Currency(fields.String):
    """An ISO 4217 code this product supports."""

    # One `Currency` component in the OpenAPI document, referenced by every such field.
    component_enum = ("Currency", list(CURRENCIES), "An ISO 4217 code of a currency Tawasi keeps "
                      "books in. Amounts in different currencies are never added together.")

    def __init__(self, **kwargs):
        super().__init__(
            validate=validate.OneOf(CURRENCIES, error="Unknown currency: use one of {choices}."),
            metadata={"example": "TRY", "enum": list(CURRENCIES), **kwargs.pop("metadata", {})},
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip().upper()


class OneOfNamed(fields.String):
    """A string from a set of values that has a name: one OpenAPI component (`name`),
    referenced by every field that takes the same set (as Currency is)."""

    def __init__(self, name: str, values, description: str, *, error: str = "Must be one of {choices}.",
                 **kwargs):
        values = list(values)
        self.component_enum = (name, values, description)
        super().__init__(validate=validate.OneOf(values, error=error), **kwargs)


class ClientId(fields.String):
    """An optional id the client chose for the row it creates: a ULID (see shared.client_ids)."""

    def __init__(self, **kwargs):
        from shared.client_ids import ULID_PATTERN

        super().__init__(
            load_default=None,
            validate=validate.Regexp(ULID_PATTERN, error="Not a ULID: 26 characters of Crockford's "
                                                          "base 32, the first 0-7."),
            metadata={"example": "01jd3m0a8b9c0d1e2f3g4h5j6k", "pattern": ULID_PATTERN,
                      "description": "Optional: the id you chose for it (a ULID), so rows made "
                                     "offline can name each other. The same request again answers "
                                     "as the first time; another request with it, or an id another "
                                     "row has, is a 409 (`id-reused`, `id-taken`)."},
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).lower()


CURSOR_LENGTH = 200  # a list's cursor is about 70 characters
ID_LENGTH = 26  # a ULID, as every id column holds (String(26))


class Id(fields.String):
    """The id of a row: at most 26 characters (a ULID), so a longer one is refused as
    invalid before it reaches the database, as every string's length is."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Length(max=ID_LENGTH))
        super().__init__(**kwargs)


class ListQuery(BaseSchema):
    """?limit= and ?cursor= of every list."""

    limit = Integer(
        load_default=20,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Items per page, 1 to {MAX_LIMIT}."},
    )
    cursor = fields.String(
        load_default=None, validate=validate.Length(max=CURSOR_LENGTH),
        metadata={"description": "Opaque cursor from the previous page's Link rel=\"next\"."},
    )


# --- shared by several resources ------------------------------------------------------

ID = {"example": "01jd3k6w7x8y9z0a1b2c3d4e5f"}
PERSON_NAME = validate.Length(min=1, max=120)
PHONE = {"example": "+963 944 111 222",
         "description": "Any common way of writing it (spaces, dashes, Arabic-Indic digits); "
                        "a number without a country code is read in the shop's country "
                        "(its `phone_region`). Stored as E.164."}
SIGNED_AMOUNT = {"type": "string", "format": "decimal"}


def signed_money(getter, example: str, description: str, *, allow_none: bool = False) -> fields.Function:
    """A computed amount, dumped as a decimal string (may be negative; null if `allow_none`)."""
    if allow_none:
        def dump(obj):
            value = getter(obj)
            return None if value is None else f"{value:.2f}"
    else:
        def dump(obj):
            return f"{getter(obj):.2f}"
    return fields.Function(dump, dump_only=True, allow_none=allow_none,
                           metadata={**SIGNED_AMOUNT, "example": example, "description": description})
