"""How the admin writes values for people: money, numbers and the names of statuses and kinds.

Numbers follow the reader's locale (flask_babel); a currency is written as the WhatsApp
texts write it (shared.services.whatsapp: "ل.ت" in Arabic, "TRY" in English). The
labels are the API's values in the reader's language.
"""
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_pgettext

from admin.language import chosen
from shared.i18n import status_label
from shared.models import Language
from shared.services.whatsapp import CURRENCY_NAMES


def currency_name(currency: str) -> str:
    """"ل.ت" in Arabic, "TRY" in English: as the WhatsApp texts write it."""
    return CURRENCY_NAMES[Language(chosen())].get(currency, currency)


def money(amount: Decimal | None, currency: str) -> str:
    """'1,250.00 ل.ت' in Arabic, '1,250.00 TRY' in English; '' for no amount."""
    if amount is None:
        return ""
    return f"{format_decimal(amount, format='#,##0.00')} {currency_name(currency)}"


def number_money(amount: Decimal) -> str:
    """An amount without its currency (a table's column names it): '1,250.00'."""
    return format_decimal(amount, format='#,##0.00')


def number(value) -> str:
    return format_decimal(value)


LABELS = {
    "payment_status": {
        "unpaid": lazy_pgettext("payment status", "unpaid"),
        "partially_paid": lazy_pgettext("payment status", "partly paid"),
        "paid": lazy_pgettext("payment status", "paid"),
        "refunded": lazy_pgettext("payment status", "refunded"),
    },
    "channel": {
        "whatsapp": lazy_pgettext("channel", "WhatsApp"),
        "facebook": lazy_pgettext("channel", "Facebook"),
        "phone": lazy_pgettext("channel", "phone call"),
        "in_person": lazy_pgettext("channel", "in person"),
        "api": lazy_pgettext("channel", "an app"),
    },
    "category": {
        "food": lazy_pgettext("category", "food"),
        "clothing": lazy_pgettext("category", "clothing"),
        "cosmetics": lazy_pgettext("category", "cosmetics"),
        "handicrafts": lazy_pgettext("category", "handicrafts"),
        "other": lazy_pgettext("category", "other"),
    },
    "method": {
        "cash": lazy_pgettext("payment method", "cash"),
        "transfer": lazy_pgettext("payment method", "transfer"),
        "other": lazy_pgettext("payment method", "other"),
    },
    "language": {"ar": "العربية", "en": "English"},
    "metric": {
        "followers": lazy_pgettext("metric", "followers"),
        "likes": lazy_pgettext("metric", "likes"),
        "shares": lazy_pgettext("metric", "shares"),
        "comments": lazy_pgettext("metric", "comments"),
        "views": lazy_pgettext("metric", "views"),
        "posts": lazy_pgettext("metric", "posts"),
        "other": lazy_pgettext("metric", "other"),
    },
    "platform": {
        "facebook": "Facebook",
        "instagram": "Instagram",
        "whatsapp_channel": lazy_pgettext("platform", "WhatsApp channel"),
        "telegram": "Telegram",
        "tiktok": "TikTok",
        "youtube": "YouTube",
    },
    "split": {
        "equal": lazy_pgettext("split", "equally among the members"),
        "contributions": lazy_pgettext("split", "by approved contributions"),
    },
    "result": {
        "pending": lazy_pgettext("contest result", "waiting for the result"),
        "won": lazy_pgettext("contest result", "won"),
        "lost": lazy_pgettext("contest result", "lost"),
    },
    # What the button moving a promotion job to a status says.
    "job_move": {
        "active": lazy_pgettext("job action", "Start the job"),
        "completed": lazy_pgettext("job action", "Complete the job"),
        "cancelled": lazy_pgettext("job action", "Cancel the job"),
    },
    # What the button moving an order to a status says.
    "move": {
        "confirmed": lazy_pgettext("order action", "Confirm"),
        "purchased": lazy_pgettext("order action", "Mark purchased"),
        "delivered": lazy_pgettext("order action", "Mark delivered"),
        "cancelled": lazy_pgettext("order action", "Cancel the order"),
    },
}


def label(kind: str, value) -> str:
    """A value of kind `kind` ("status", "payment_status", "channel"...) as a person reads it."""
    value = getattr(value, "value", value)
    if kind == "status":
        return status_label(value)
    return LABELS[kind].get(value, value)


def options(kind: str, values) -> list[tuple[str, str]]:
    """[(value, label)] for a <select> of `values` of kind `kind`."""
    return [(getattr(value, "value", value), label(kind, value)) for value in values]


def role_option(role: str) -> tuple[str, str]:
    from admin.navigation import role_label

    return role, str(role_label(role))


def audit_kind(kind: str) -> tuple[str, str]:
    """A kind of row in the audit trail, as a <select> option (named as the API names it)."""
    return kind, kind


def init_app(bp) -> None:
    bp.add_app_template_filter(money, "money")
    bp.add_app_template_filter(number, "number")
    bp.add_app_template_filter(number_money, "number_money")
    bp.add_app_template_filter(currency_name, "currency_name")
    bp.add_app_template_global(label, "label")
    bp.add_app_template_global(options, "options")
    bp.add_app_template_filter(role_option, "role_option")
    bp.add_app_template_filter(audit_kind, "audit_kind")
