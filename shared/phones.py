"""Phone numbers as people type them on WhatsApp, normalised to E.164 ("+963944111222")."""
import phonenumbers
from flask_babel import lazy_gettext as _l

from shared.errors import Invalid
from shared.text import ascii_digits

_E164 = phonenumbers.PhoneNumberFormat.E164


def normalise_phone(text: str | None, region: str, *, field: str = "phone") -> str | None:
    """'+٩٦٣ ٩٤٤ ١١١ ٢٢٢', '0944-111 222' (region SY) -> '+963944111222'; blank -> None.

    Spaces, dashes, dots, parentheses and Arabic-Indic digits are accepted; a number
    without a country code is read in `region` (an ISO 3166 code such as "SY").

    :raise Invalid: not a phone number, or not a valid one for its country.
    """
    if text is None or not text.strip():
        return None
    typed = ascii_digits(text).strip()
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        raise Invalid(field, _l("%(text)r is not a phone number; write it like +963 944 111 222",
                                text=text)) from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid(field, _l("%(text)r is not a valid phone number; check the country code and "
                                "the digits (e.g. +963 944 111 222)", text=text))
    return phonenumbers.format_number(number, _E164)


def wa_me_digits(e164: str) -> str:
    """The digits wa.me wants: '+963944111222' -> '963944111222'."""
    return e164.lstrip("+")
