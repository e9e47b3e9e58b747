"""Social page addresses: which hosts each platform uses, and the one check of a page URL.

The API and the admin's inline validation both call `check_page_url`, so a link is
judged the same way everywhere, with one error text (Arabic or English) that names the
platform and shows an example of a good link.
"""
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from shared.errors import Invalid
from shared.models.pages import Platform

MAX_URL_LENGTH = 500


@dataclass(frozen=True)
class Rule:
    label: object  # the platform's name in the reader's language (lazy)
    hosts: frozenset[str]
    example: str
    path_prefix: str = ""  # e.g. "/channel/" for WhatsApp channels
    at_handles: bool = True  # handles are written "@name"


RULES: dict[Platform, Rule] = {
    Platform.facebook: Rule(
        lazy_pgettext("platform", "Facebook"),
        frozenset({"facebook.com", "www.facebook.com", "m.facebook.com", "web.facebook.com",
                   "mbasic.facebook.com", "business.facebook.com", "fb.com", "www.fb.com", "fb.me"}),
        "https://www.facebook.com/abukhalil.restaurant", at_handles=False),
    Platform.instagram: Rule(
        lazy_pgettext("platform", "Instagram"),
        frozenset({"instagram.com", "www.instagram.com", "m.instagram.com", "instagr.am"}),
        "https://www.instagram.com/yasmine.boutique"),
    Platform.whatsapp_channel: Rule(
        lazy_pgettext("platform", "WhatsApp Channels"),
        frozenset({"whatsapp.com", "www.whatsapp.com"}),
        "https://whatsapp.com/channel/0029VaK4nQx2f3EFbXh1Zc0g", path_prefix="/channel/",
        at_handles=False),
    Platform.telegram: Rule(
        lazy_pgettext("platform", "Telegram"),
        frozenset({"t.me", "telegram.me", "www.telegram.me", "telegram.dog"}),
        "https://t.me/saada_sweets"),
    Platform.tiktok: Rule(
        lazy_pgettext("platform", "TikTok"),
        frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com", "vm.tiktok.com", "vt.tiktok.com"}),
        "https://www.tiktok.com/@shamfalafel"),
    Platform.youtube: Rule(
        lazy_pgettext("platform", "YouTube"),
        frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}),
        "https://www.youtube.com/@ummmohammadcrafts"),
}


def platform_label(platform: Platform | str):
    """The platform's name as a person reads it (lazy, in the reader's language)."""
    return RULES[Platform(platform)].label


def platform_of_host(host: str) -> Platform | None:
    for platform, rule in RULES.items():
        if host in rule.hosts:
            return platform
    return None


def _refuse(platform: Platform, url: str, field: str, *, other: Platform | None = None) -> Invalid:
    rule = RULES[platform]
    if other is not None:
        reason = _l("%(url)r is on %(other)s, not %(platform)s; use a link like %(example)s",
                    url=url, other=RULES[other].label, platform=rule.label, example=rule.example)
    else:
        reason = _l("%(url)r is not the address of a page on %(platform)s; use a link like "
                    "%(example)s", url=url, platform=rule.label, example=rule.example)
    return Invalid(field, reason, platform=platform.value, example=rule.example)


def check_page_url(platform: Platform | str, url: str, *, field: str = "url") -> str:
    """The page's address, checked against the platform and tidied: https, host in lower
    case, no fragment or trailing slash ("facebook.com/AbuKhalil/" ->
    "https://facebook.com/AbuKhalil"). A link typed without "https://" is accepted.

    :raise Invalid: not an http(s) address on one of the platform's hosts, or one that
        names no page (just the site); the text names the platform and shows an example.
    """
    platform = Platform(platform)
    typed = (url or "").strip()
    candidate = typed if "://" in typed else f"https://{typed}"
    try:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        raise _refuse(platform, typed, field) from None
    if (parts.scheme.lower() not in ("http", "https") or parts.username or parts.password
            or port not in (None, 80, 443)):
        raise _refuse(platform, typed, field)
    rule = RULES[platform]
    if host not in rule.hosts:
        other = platform_of_host(host)
        raise _refuse(platform, typed, field, other=other if other != platform else None)
    path = parts.path.rstrip("/")
    if not path.startswith(rule.path_prefix or "/") or len(path) <= len(rule.path_prefix or "/"):
        raise _refuse(platform, typed, field)
    query = f"?{parts.query}" if parts.query else ""
    tidy = f"https://{host}{path}{query}"
    if len(tidy) > MAX_URL_LENGTH:
        raise _refuse(platform, typed, field)
    return tidy


def handle_from_url(platform: Platform | str, url: str) -> str:
    """The page's handle as people write it, read from a checked URL: "@saada_sweets" from
    https://t.me/saada_sweets, "abukhalil.restaurant" from a Facebook link, the channel id
    of a WhatsApp channel."""
    platform = Platform(platform)
    rule = RULES[platform]
    parts = urlsplit(url)
    segments = [s for s in parts.path[len(rule.path_prefix):].split("/") if s]
    if platform == Platform.facebook and segments[:1] == ["profile.php"]:
        return next((kv.split("=", 1)[1] for kv in parts.query.split("&") if kv.startswith("id=")), "")
    if platform == Platform.telegram and segments[:1] == ["s"]:
        segments = segments[1:]
    if platform == Platform.youtube and segments[:1] in (["channel"], ["c"], ["user"]):
        segments = segments[1:]
    name = segments[0] if segments else ""
    if not rule.at_handles:
        return name[:120]
    return f"@{name.lstrip('@')}"[:120] if name else ""
