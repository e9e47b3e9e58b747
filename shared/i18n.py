"""Which language (Arabic or English) a request is answered in, and the texts we translate.

Error texts are written in English in the code; English is the msgid and Arabic is in
`translations/ar/LC_MESSAGES/messages.po` (`make translations` extracts, updates and
compiles it). Services raise errors with lazy strings (`_l(...)`): they never look at the
request, and the text is rendered by the error handler in the request's language.
"""
import re

from flask import has_request_context, request
from flask_babel import Babel, gettext, lazy_pgettext, pgettext
from flask_babel.speaklater import LazyString
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import LanguageAccept

LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "en"


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction (a babel default keyword); translate it later with gettext."""
    return msgid


def select_locale() -> str:
    """The request's language: `ar` or `en`.

    1. the best of `ar`/`en` in the request's Accept-Language, by quality and primary
       subtag ("ar-SY" is Arabic); a bare `*` chooses nothing: the person's own
       setting is a better guess than our first language;
    2. else the logged-in user's `language` (flask-login's current user, only when
       authenticated; a user that cannot be loaded, e.g. while the database is down
       during a 500, is no reason to fail the error response);
    3. else English, the language of integrators and of the API's docs, and the
       answer outside a request (CLI, tests rendering a lazy string directly).
    """
    if not has_request_context():
        return DEFAULT_LANGUAGE
    # By primary subtag: werkzeug would prefer an exact "en;q=0.5" to "ar-SY" (q=1).
    offered = LanguageAccept([(tag.split("-")[0].lower(), quality)
                              for tag, quality in request.accept_languages if tag != "*"])
    if best := offered.best_match(LANGUAGES):
        return best
    from flask_login import current_user

    try:
        if current_user.is_authenticated:
            language = getattr(current_user.language, "value", current_user.language)
            if language in LANGUAGES:
                return language
    except SQLAlchemyError:
        pass
    return DEFAULT_LANGUAGE


babel = Babel()


def init_app(app) -> None:
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE, locale_selector=select_locale)


# --- lazy helpers for domain messages ------------------------------------------------------

# The values an order or a market run moves through, as a person reads them. The msgid
# is the API value, so English texts show exactly the values the API returns.
_STATUSES = {
    "pending": lazy_pgettext("status", "pending"),
    "confirmed": lazy_pgettext("status", "confirmed"),
    "purchased": lazy_pgettext("status", "purchased"),
    "delivered": lazy_pgettext("status", "delivered"),
    "cancelled": lazy_pgettext("status", "cancelled"),
    "planned": lazy_pgettext("status", "planned"),
    "bought": lazy_pgettext("status", "bought"),
    # promotion jobs, contributions, payouts
    "draft": lazy_pgettext("status", "draft"),
    "active": lazy_pgettext("status", "active"),
    "completed": lazy_pgettext("status", "completed"),
    "approved": lazy_pgettext("status", "approved"),
    "rejected": lazy_pgettext("status", "rejected"),
    "paid": lazy_pgettext("status", "paid"),
}


def status_label(status) -> LazyString | str:
    """A status (enum or value) of an order, market run, promotion job, contribution or
    payout, in the reader's language."""
    value = getattr(status, "value", status)
    return _STATUSES.get(value, value)


def _joined(items, conjunction: str | None) -> str:
    texts = [str(item) for item in items]
    if conjunction == "or":
        return pgettext("list", " or ").join(texts)
    return pgettext("list", ", ").join(texts)


def lazy_join(items, *, conjunction: str | None = None) -> LazyString:
    """`items` joined with the reader's comma (", " or "، "), or with " or " when asked."""
    return LazyString(_joined, list(items), conjunction)


def lazy_concat(*parts) -> LazyString:
    """The parts (str or lazy) one after another, rendered when the text is."""
    return LazyString(lambda: "".join(str(part) for part in parts))


# --- field messages (marshmallow's and our schemas') -----------------------------------

# Marshmallow's own messages (and webargs'), and those our schemas set: the English text
# is the msgid, listed here so extraction puts them in the catalogue.
FIELD_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid type."),
    N_("Invalid input."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Not a valid integer."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid URL."),
    N_("Not a valid email address."),
    N_("Invalid JSON body."),
    # shared/schemas/*
    N_("Must not be negative."),
    N_("Must be more than zero."),
    N_("Use at most two decimal places."),
    N_("Text may not contain NUL characters."),
    N_('Not a valid amount: send a decimal string such as "150.00".'),
    N_("Add at least one line."),
    N_("Send either customer_id or customer {name, phone}, not both."),
    N_("`from` must not be after `to`."),
    N_("Not a valid http(s) URL."),
    N_("Send either price or reward, not both."),
    N_("Name the promoter by exactly one of user_id, email or phone."),
    N_("Give an email or a phone number."),
    N_("Name the shop: seller_id or shop_name."),
    N_("The end must not be before the start."),
    N_("Give the currency of the prize's value."),
    N_("Send either email or phone, not both."),
    N_("Not a valid https URL."),
    N_("Not a ULID: 26 characters of Crockford's base 32, the first 0-7."),
    N_("Must be a path of this API, starting /api/v1/."),
    N_("Send between 1 and 100 operations."),
)

# Messages with values inside, as marshmallow formats them: matched whole, the values
# taken out and put back into the translation. First match wins (longest first).
FIELD_TEMPLATES = (
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Shorter than minimum length %(min)s."),
    N_("Must be one of: %(choices)s."),
    # shared/schemas/*
    N_("Unknown currency: use one of %(choices)s."),
    N_("Too large: at most %(max)s."),
    N_("Use a date between %(min)s and %(max)s."),
    N_("Name between %(min)s and %(max)s orders."),
    N_("Unknown event type: use one of %(choices)s."),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                    for i, part in enumerate(parts))
    return re.compile(regex, re.DOTALL)


_TEMPLATES = tuple((template, _pattern(template)) for template in FIELD_TEMPLATES)


def translate_message(text: str) -> str:
    """A field error message in the request's language; unknown texts are returned as given."""
    translated = gettext(text)
    if translated != text:
        return translated
    for template, pattern in _TEMPLATES:
        if match := pattern.fullmatch(text):
            return gettext(template, **match.groupdict())
    return text


def render(value, *, translate: bool = False):
    """Lazy strings rendered inside lists and dicts, for JSON; with `translate`, plain
    strings too are read as field messages and translated (keys never are)."""
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, str):
        return translate_message(value) if translate else value
    if isinstance(value, dict):
        return {key: render(item, translate=translate) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [render(item, translate=translate) for item in value]
    return value
