"""Phone numbers as people type them on WhatsApp, normalised to E.164 ("+963944111222").

A number typed without "+country" is read in a shop's country (Seller.phone_region):
"0532 123 45 67" is Turkish in a shop of Gaziantep, "0944 111 222" Syrian in one of Idlib.
"""
import phonenumbers
from flask_babel import lazy_gettext as _l

from shared.errors import Invalid
from shared.text import ascii_digits

_E164 = phonenumbers.PhoneNumberFormat.E164


def example_number(region: str) -> str:
    """A mobile number of `region` as people write it internationally ("+90 501 234 56 78"),
    for error texts: the shape to copy is the one of the shop's own country."""
    number = (phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
              or phonenumbers.example_number(region))
    if number is None:
        return "+963 944 111 222"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_phone(text: str | None, region: str, *, field: str = "phone") -> str | None:
    """'+٩٦٣ ٩٤٤ ١١١ ٢٢٢', '0944-111 222' (region SY) -> '+963944111222'; blank -> None.

    Spaces, dashes, dots, parentheses and Arabic-Indic digits are accepted; a number
    without a country code is read in `region` (an ISO 3166 code such as "SY" or "TR").

    :raise Invalid: not a phone number, or not a valid one for its country.
    """
    if text is None or not text.strip():
        return None
    typed = ascii_digits(text).strip()
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        raise Invalid(field, _l("%(text)r is not a phone number; write it like %(example)s",
                                text=text, example=example_number(region))) from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid(field, _l("%(text)r is not a valid phone number; check the country code and "
                                "the digits (e.g. %(example)s)", text=text, example=example_number(region)))
    return phonenumbers.format_number(number, _E164)


def wa_me_digits(e164: str) -> str:
    """The digits wa.me wants: '+963944111222' -> '963944111222'."""
    return e164.lstrip("+")
