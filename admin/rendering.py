"""Answering a browser: the whole page, or for htmx a fragment of the same template."""
from flask import Response, make_response, render_template, request, url_for
from jinja2_fragments.flask import render_block
from markupsafe import Markup

MAIN = "main"  # the block every page template fills: what differs from page to page


def is_htmx() -> bool:
    """An htmx request that wants a fragment. A history restore wants the whole page."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def wants_fragment() -> bool:
    """An htmx request for a part of a page (not a boosted link, which wants the page)."""
    return is_htmx() and request.headers.get("HX-Boosted") != "true"


def render(template: str, *, block: str = MAIN, code: int = 200, **context) -> Response:
    """`template` as a page, or a fragment of it for htmx (never <html>), with status `code`.

    - a boosted link or form (HX-Boosted) replaces <body>: the page's `title` and `main`
      blocks inside admin/_boosted.html (the header of base.html);
    - any other htmx request gets `block` of the template alone (e.g. "rows").

    Page and fragment come from the one template (jinja2-fragments), so they cannot
    drift apart. `Vary: HX-Request` tells caches that the same URL answers both.
    """
    if not is_htmx():
        html = render_template(template, **context)
    elif request.headers.get("HX-Boosted") == "true":
        html = render_template(
            "admin/_boosted.html",
            page_title=Markup(render_block(template, "title", **context)),
            page_main=Markup(render_block(template, MAIN, **context)),
            **context,
        )
    else:
        html = render_block(template, block, **context)
    response = make_response(html, code)
    response.vary.add("HX-Request")
    return response


def error_response(status: int, title, detail) -> Response:
    """The admin's answer to an error: its page (or fragment) in the reader's language.

    For the app's error handler, on errors under /admin; `title` and `detail` may be
    lazy strings. An htmx request that asked for a small part of a page (a status, a
    list's rows) gets the message in place of the page's `main`, where it is read
    whole, with its reload link.
    """
    response = render("admin/error.html", code=status, status=status, title=title, detail=detail)
    if wants_fragment():
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reswap"] = "innerHTML"
        response.headers["HX-Push-Url"] = "false"
    return response


def target() -> str | None:
    """The id of the element an htmx request will fill (HX-Target), if any."""
    return request.headers.get("HX-Target") if is_htmx() else None


def list_block() -> str:
    """The part of a list page an htmx request wants: the next items after "more" (the
    element with id "more" asked), else the whole list ("rows": a search, a filter)."""
    return "items" if target() == "more" else "rows"


def next_page_url(cursor: str) -> str:
    """This list's URL, same filters, from `cursor` on (for the "more" link)."""
    args = {**request.args.to_dict(), "cursor": cursor}
    return url_for(request.endpoint, **(request.view_args or {}), **args)
