"""A shop's social pages (/admin/sellers/<id>/pages/new, /admin/pages/<id>): add and change
the addresses its promotion jobs run on.

The forms read the API's schemas (PageCreate, PageUpdate) and go through
shared.services.pages; the address is checked against its platform as it is typed
(inline validation, the same check as the API's), in the reader's language.
"""
import marshmallow as ma
from flask import abort, redirect, request, url_for
from flask_login import current_user

from admin.conventions import View, check_version, field_errors, parse
from admin.rendering import render
from admin.views import bp
from shared.errors import Conflict, Invalid
from shared.extensions import db
from shared.models import Platform
from shared.schemas.pages import PageCreate, PageUpdate
from shared.services import pages, sellers

create_schema, update_schema = PageCreate(), PageUpdate()
CHECKED = ("url", "name", "handle")  # the fields inline validation answers for


@bp.view("/sellers/<seller_id>/pages/new", "page_new")
class NewPage(View):
    def get(self, seller_id):
        seller = sellers.get_seller(db.session, current_user, seller_id)
        pages.check_can_change(current_user)
        return _form(seller, None, {"platform": Platform.facebook.value})

    def post(self, seller_id):
        seller = sellers.get_seller(db.session, current_user, seller_id)
        try:
            data = parse(create_schema)
            page = pages.create_page(db.session, current_user, {**data, "seller_id": seller.id})
        except (ma.ValidationError, Invalid) as error:
            return _form(seller, None, request.form, errors=_every_error(error), code=422)
        except Conflict as error:  # the shop has this address already
            if "existing_page_id" not in error.extra:
                raise
            return _form(seller, None, request.form, problem=error.detail, code=409)
        return redirect(url_for(".page", page_id=page.id, saved=1), 303)


@bp.view("/pages/<page_id>", "page")
class PageForm(View):
    def get(self, page_id):
        page = pages.get_page(db.session, current_user, page_id)
        return _form(page.seller, page, _values(page), saved=request.args.get("saved") == "1")

    def post(self, page_id):
        page = pages.get_page(db.session, current_user, page_id, for_update=True)
        check_version(page)
        try:
            pages.update_page(db.session, current_user, page, parse(update_schema))
        except (ma.ValidationError, Invalid) as error:
            return _form(page.seller, page, request.form, errors=_every_error(error), code=422)
        except Conflict as error:
            if "existing_page_id" not in error.extra:  # not a duplicate address (a stale write)
                raise
            return _form(page.seller, page, request.form, problem=error.detail, code=409)
        return redirect(url_for(".page", page_id=page.id, saved=1), 303)


@bp.view("/pages/check/<field>", "page_check")
class PageCheck(View):
    def get(self, field):
        """Inline validation: the message for one field as typed (empty when it is fine). The
        address is checked with the platform chosen beside it, as the API checks the pair."""
        if field not in CHECKED:
            abort(404)
        typed = {field: request.args.get(field, "")}
        if field == "url":
            typed["platform"] = request.args.get("platform", "")
        messages = []
        try:
            pages.normalised(parse(update_schema, typed))
        except (ma.ValidationError, Invalid) as error:
            messages = field_errors(error).get(field, [])
        return render("admin/_field_error.html", name=field, messages=messages)


def _every_error(error: ma.ValidationError | Invalid) -> dict:
    """The schema's messages, and the address's check when the schema let it through."""
    errors = field_errors(error)
    if isinstance(error, ma.ValidationError) and isinstance(error.valid_data, dict):
        try:
            pages.normalised(error.valid_data)
        except Invalid as invalid:
            errors.update(field_errors(invalid))
    return errors


def _values(page) -> dict:
    return {"platform": page.platform.value, "url": page.url, "handle": page.handle, "name": page.name}


def _form(seller, page, values, *, errors=None, problem=None, code: int = 200, saved: bool = False):
    return render("admin/page_form.html", code=code, seller=seller, page=page, values=values,
                  errors=errors or {}, problem=problem, saved=saved, platforms=list(Platform))
