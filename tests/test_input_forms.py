"""The server accepts exactly what the spec says: amounts, integers and dates are read only
when the text matches the pattern the OpenAPI document shows for the field (Arabic-Indic
digits and the Arabic decimal separator included), and every text that matches is read."""
import re

import marshmallow as ma
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api import api
from shared.schemas.base import Amount, AwareDateTime, Date, Integer
from shared.schemas.orders import OrderLineCreate
from shared.schemas.payments import PaymentCreate
from shared.schemas.products import ProductCreate

# What people (and fuzzers) type: digits of three scripts, points, signs, separators, spaces.
CHARACTERS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹.٫٬,-+eE :TZ\n"
TEXTS = st.text(alphabet=CHARACTERS, max_size=14) | st.from_regex(Amount.PATTERN, fullmatch=True)
SETTINGS = settings(max_examples=200, derandomize=True, database=None, deadline=None)


@pytest.fixture(scope="module")
def schemas(app):
    return api.spec.to_dict()["components"]["schemas"]


def reads(field: ma.fields.Field, value) -> bool:
    try:
        field.deserialize(value)
    except ma.ValidationError:
        return False
    return True


def test_the_spec_shows_the_patterns_the_server_checks(schemas):
    assert schemas["ProductCreate"]["properties"]["price"]["pattern"] == Amount.PATTERN
    assert schemas["PaymentCreate"]["properties"]["amount"]["pattern"] == Amount.POSITIVE_PATTERN
    quantity = schemas["OrderLineCreate"]["properties"]["quantity"]
    assert quantity["pattern"] == OrderLineCreate().fields["quantity"].metadata["pattern"]
    assert quantity["type"] == ["integer", "string"]
    paid_at = schemas["PaymentCreate"]["properties"]["paid_at"]
    assert paid_at["pattern"] == PaymentCreate().fields["paid_at"].metadata["pattern"]


@SETTINGS
@given(TEXTS)
def test_an_amount_is_read_exactly_when_it_matches_its_pattern(text):
    price = ProductCreate().fields["price"]

    assert reads(price, text) == bool(re.fullmatch(Amount.PATTERN, text))


@SETTINGS
@given(TEXTS)
def test_a_positive_amount_is_read_exactly_when_it_matches_its_pattern(text):
    amount = PaymentCreate().fields["amount"]

    assert reads(amount, text) == bool(re.fullmatch(Amount.POSITIVE_PATTERN, text))


@SETTINGS
@given(TEXTS)
def test_an_integer_typed_as_text_is_read_exactly_when_it_matches_its_pattern(text):
    field = Integer()

    assert reads(field, text) == bool(re.fullmatch(field.metadata["pattern"], text))


@SETTINGS
@given(st.text(alphabet=CHARACTERS, max_size=26) | st.dates().map(str) | st.datetimes().map(
    lambda moment: moment.isoformat()))
def test_dates_and_times_that_do_not_match_their_patterns_are_refused(text):
    for field in (Date(), AwareDateTime()):
        if not re.fullmatch(field.metadata["pattern"], text):
            assert not reads(field, text)


@pytest.mark.parametrize("value", ["150", "١٥٠", "١٥٠٫٥", "0.5", "0"])
def test_amounts_as_people_type_them(value):
    assert reads(Amount(), value)


@pytest.mark.parametrize("value", [150, 150.5, "1e3", "+5", " 75", "٢٬٥٠٠", "1,500", "0150", "5.", "-0"])
def test_amounts_in_any_other_form_are_refused(value):
    assert not reads(Amount(), value)


@pytest.mark.parametrize("value, read", [(3, 3), (3.0, 3), ("3", 3), ("٣", 3), ("۱۲", 12)])
def test_integers_as_numbers_or_digits(value, read):
    assert Integer().deserialize(value) == read


@pytest.mark.parametrize("value", [3.5, "+3", " 3", "3.0", "-3", True, "٣٫٥", None])
def test_integers_in_any_other_form_are_refused(value):
    assert not reads(Integer(), value)


@pytest.mark.parametrize("value", ["2026-11-26", "٢٠٢٦-١١-٢٦"])
def test_dates_as_iso_days(value):
    assert str(Date().deserialize(value)) == "2026-11-26"


@pytest.mark.parametrize("value", ["20261126", "2026-W48-4", "2026-11-26T10:00", "26/11/2026", "2026-1-5"])
def test_dates_in_any_other_form_are_refused(value):
    assert not reads(Date(), value)


@pytest.mark.parametrize("value", ["2026-11-26T10:00:00Z", "2026-11-26T13:00+03:00", "2026-11-26T10:00",
                                   "٢٠٢٦-١١-٢٦T١٠:٠٠:٠٠Z", "2026-11-26T10:00:00.123456+00:00"])
def test_times_as_rfc_3339(value):
    assert AwareDateTime().deserialize(value).isoformat().startswith("2026-11-26T10:00:00")


@pytest.mark.parametrize("value", ["2026-11-26 10:00", "2026-11-26T10", "20261126T100000Z", "2026-11-26"])
def test_times_in_any_other_form_are_refused(value):
    assert not reads(AwareDateTime(), value)
