"""Where the admin can take a person: its sections, and safe `next` addresses.

A section is listed once its view exists (its endpoint is registered), so the menu never
links to a page that is not built yet. Which roles see a link is navigation only: what
each page shows is decided by the services it calls, as for the API.
"""
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_babel.speaklater import LazyString

ALL_ROLES = frozenset({"admin", "coordinator", "seller", "promoter"})


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: LazyString
    roles: frozenset = ALL_ROLES


SECTIONS = (
    Section("admin.sellers", _l("Shops and pages"), frozenset({"admin", "coordinator", "seller"})),
    Section("admin.promotions", _l("Promotion jobs"), frozenset({"admin", "coordinator", "promoter"})),
    Section("admin.team", _l("Team"), frozenset({"admin", "coordinator", "promoter"})),
    Section("admin.orders", _l("Orders"), frozenset({"admin", "coordinator", "seller"})),
    Section("admin.market_runs", _l("Market runs"), frozenset({"admin", "coordinator", "seller"})),
    # A shop's own books: in the seller's menu (and an admin's); a coordinator opens her
    # clients' from their shop's page, so her phone's menu stays short.
    Section("admin.products", _l("Products"), frozenset({"admin", "seller"})),
    Section("admin.customers", _l("Customers"), frozenset({"admin", "seller"})),
    Section("admin.reports", _l("Reports"), frozenset({"admin", "seller"})),
    Section("admin.contests", _l("Contests"), frozenset({"admin", "coordinator", "promoter"})),
    Section("admin.users", _l("Users"), frozenset({"admin"})),
    Section("admin.audit", _l("Audit trail"), frozenset({"admin"})),
)

_ROLES = {
    "admin": lazy_pgettext("role", "admin"),
    "coordinator": lazy_pgettext("role", "coordinator"),
    "seller": lazy_pgettext("role", "seller"),
    "promoter": lazy_pgettext("role", "promoter"),
}


def sections_for(user) -> list[dict]:
    """[{"url", "label"}] of the built sections `user`'s role uses, in menu order."""
    role = getattr(user.role, "value", user.role)
    built = current_app.view_functions
    return [{"url": url_for(section.endpoint), "label": section.label}
            for section in SECTIONS if section.endpoint in built and role in section.roles]


def role_label(role) -> LazyString | str:
    value = getattr(role, "value", role)
    return _ROLES.get(value, value)


def local_path(target: str | None, default: str) -> str:
    """`target` if it is a path on this site ("/admin/orders?page=2"), else `default`.

    Never another site: "//evil.example" and "https://evil.example" have a host, and
    browsers read "/\\evil.example" and "/\\t/evil.example" as "//evil.example".
    """
    if not target or not target.startswith("/") or "\\" in target:
        return default
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def page_path() -> str:
    """The local path of the page the person is looking at: the page that sent an htmx
    request (HX-Current-URL; a boosted link is going to this URL), the page a form was
    posted from (Referer), else this URL. For `next` after login, a reload link, the
    language switch."""
    here = request.full_path.removesuffix("?")
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true":
        source = request.headers.get("HX-Current-URL", "")
    elif request.method not in ("GET", "HEAD"):
        source = request.referrer or ""
    else:
        return here
    page = urlsplit(source)
    if page.netloc != request.host or not page.path:
        return here
    return local_path(page.path + (f"?{page.query}" if page.query else ""), here)
