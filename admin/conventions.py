"""How an admin request runs: parse with a shared schema, call a shared service, commit once.

The admin's twin of api.conventions:
- every admin URL is a `View` (the admin `Blueprint` refuses any other): a write that
  answered below 400 is committed once, after the view; a write answered 4xx (its form
  shown again with the messages beside the fields) is rolled back, so nothing a
  service flushed before refusing stays. An exception goes to the app's error
  handlers (shared/problems.py), which roll back and render the admin's error page;
- forms and query strings are read with the API's own schemas (`parse`; a whole number
  may carry thousands marks there, "12,500", as people copy counts from a page), and their
  errors come back per field, in the reader's language (`field_errors`);
- a form carries the version of the row it was filled from (a hidden `version` field), and a write
  of a row someone changed since is refused with the error page's reload link
  (`check_version`), as the API's If-Match is with 412.
"""
import marshmallow as ma
from flask import Blueprint as FlaskBlueprint
from flask import current_app, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from shared.db import commit
from shared.errors import Invalid, Stale
from shared.extensions import db
from shared.i18n import render as translated
from shared.schemas.base import Integer
from shared.text import without_grouping

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
VERSION = "version"  # the hidden field naming the version a form was filled from
CHANGED_SINCE_READ = _l("Someone else changed this since you opened the page. Reload the page "
                        "to see their change, then try again.")


class View(MethodView):
    """Every admin page. Its request's one transaction ends here, once the view answered."""

    def dispatch_request(self, **kwargs):
        response = current_app.make_response(super().dispatch_request(**kwargs))
        if request.method not in SAFE_METHODS:
            if response.status_code < 400:
                commit(db.session)
            else:
                db.session.rollback()
        return response


class Blueprint(FlaskBlueprint):
    """The admin's blueprint: each URL is served by a `View` (one commit per request)."""

    def add_url_rule(self, rule, endpoint=None, view_func=None, **options):
        view_class = getattr(view_func, "view_class", None)
        if not (isinstance(view_class, type) and issubclass(view_class, View)):
            raise TypeError(f"{rule}: admin views subclass admin.conventions.View (one commit per request)")
        super().add_url_rule(rule, endpoint, view_func, **options)

    def view(self, rule: str, endpoint: str, **options):
        """Class decorator: `@bp.view("/orders/<order_id>", "order")` serves the class at `rule`."""
        def register(view_class: type[View]) -> type[View]:
            self.add_url_rule(rule, view_func=view_class.as_view(endpoint), **options)
            return view_class
        return register


def parse(schema: ma.Schema, source=None, *, query: bool = False) -> dict:
    """`source` (the posted form; with `query`, the query string) loaded with `schema`.

    Only the schema's fields are read (the CSRF token and the version are the face's).
    An empty box means "none" where the field allows none; in a query string it means
    "no filter" and is left out.

    :raise marshmallow.ValidationError: the schema's messages, per field.
    """
    source = (request.args if query else request.form) if source is None else source
    values = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if field.dump_only or key not in source:
            continue
        value = source.get(key)
        if isinstance(value, str) and isinstance(field, Integer):
            value = without_grouping(value)  # a count copied from a page: "12,500", "١٢٬٥٠٠"
        if isinstance(value, str) and not value.strip():
            if query:
                continue
            if field.allow_none:
                value = None
        values[key] = value
    return schema.load(values)


def field_errors(error: ma.ValidationError | Invalid) -> dict[str, list[str]]:
    """{field: [message, ...]} in the reader's language, for messages beside the fields."""
    messages = error.messages if isinstance(error, ma.ValidationError) else error.errors
    return {field: _flat(found) for field, found in translated(messages, translate=True).items()}


def _flat(messages) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _flat(value)]
    return [text for value in messages for text in _flat(value)]


def check_version(row, sent: str | None = None) -> None:
    """The form was filled from `row` at the version it sends back: refuse a write over a
    change made since (409, the error page offers a reload). A form without one (an old
    page) is not checked, as the API does not check a write without If-Match.

    :raise Stale: the row's version is not the one the form was filled from.
    """
    sent = request.form.get(VERSION) if sent is None else sent
    if sent and sent != str(row.version):
        raise Stale(CHANGED_SINCE_READ)
