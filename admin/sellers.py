"""Shops (/admin/sellers): a list found as you type, and forms checked as you type.

Lists, forms and checks go through the API's schemas (shared/schemas/sellers.py) and
shared.services.sellers, so a message here is the API's message.
"""
import marshmallow as ma
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from admin.conventions import View, check_version, field_errors, parse
from admin.rendering import list_block, render
from admin.views import bp
from shared.errors import Invalid
from shared.extensions import db
from shared.models import SellerCategory
from shared.schemas.sellers import SellerCreate, SellerQuery, SellerUpdate
from shared.services import pages, sellers

query_schema, create_schema, update_schema = SellerQuery(), SellerCreate(), SellerUpdate()
CHECKED = tuple(update_schema.fields)  # the fields inline validation answers for


def _region() -> str:
    return current_app.config["DEFAULT_PHONE_REGION"]


def _categories() -> list[str]:
    return [category.value for category in SellerCategory]


@bp.view("/sellers", "sellers")
class Sellers(View):
    def get(self):
        """The shops the person works for, newest first; `q` narrows them as it is typed
        (htmx asks for the rows alone, or for the next items after "more")."""
        try:
            query = parse(query_schema, query=True)
        except ma.ValidationError as error:
            return render("admin/sellers.html", code=422, page=None, q=request.args.get("q", ""),
                          errors=field_errors(error))
        page = sellers.list_sellers(db.session, current_user, sellers.SellerFilter(q=query["q"]),
                                    limit=query["limit"], cursor=query["cursor"])
        return render("admin/sellers.html", block=list_block(), page=page, q=query["q"] or "", errors={})


@bp.view("/sellers/new", "seller_new")
class NewSeller(View):
    def get(self):
        return _form(None, {"category": SellerCategory.other.value})

    def post(self):
        try:
            data = parse(create_schema)
            seller = sellers.create_seller(db.session, current_user, data, phone_region=_region())
        except (ma.ValidationError, Invalid) as error:
            return _form(None, request.form, errors=_every_error(error), code=422)
        return redirect(url_for(".seller", seller_id=seller.id, saved=1), 303)


@bp.view("/sellers/<seller_id>", "seller")
class SellerPage(View):
    def get(self, seller_id):
        seller = sellers.get_seller(db.session, current_user, seller_id)
        return _form(seller, _values(seller), saved=request.args.get("saved") == "1")

    def post(self, seller_id):
        seller = sellers.get_seller(db.session, current_user, seller_id, for_update=True)
        check_version(seller)
        try:
            changes = parse(update_schema)
            sellers.update_seller(db.session, seller, changes, phone_region=_region())
        except (ma.ValidationError, Invalid) as error:
            return _form(seller, request.form, errors=_every_error(error), code=422)
        return redirect(url_for(".seller", seller_id=seller.id, saved=1), 303)


@bp.view("/sellers/check/<field>", "seller_check")
class SellerCheck(View):
    def get(self, field):
        """Inline validation: the message for one field as typed (empty when it is fine),
        from the schema and the service's own normalisation (a WhatsApp number)."""
        if field not in CHECKED:
            abort(404)
        messages = []
        try:
            sellers.normalised(parse(update_schema, {field: request.args.get(field, "")}),
                               phone_region=_region())
        except (ma.ValidationError, Invalid) as error:
            messages = field_errors(error).get(field, [])
        return render("admin/_field_error.html", name=field, messages=messages)


def _every_error(error: ma.ValidationError | Invalid) -> dict:
    """The schema's messages, and the service's for the fields the schema let through (a
    bad WhatsApp number is said at once, not after the name is fixed)."""
    errors = field_errors(error)
    if isinstance(error, ma.ValidationError) and isinstance(error.valid_data, dict):
        try:
            sellers.normalised(error.valid_data, phone_region=_region())
        except Invalid as invalid:
            errors.update(field_errors(invalid))
    return errors


def _values(seller) -> dict:
    return {"name": seller.name, "whatsapp_phone": seller.whatsapp_phone or "",
            "category": seller.category.value, "area": seller.area}


SHOWN_PAGES = 50  # a shop's social pages listed on its page


def _form(seller, values, *, errors=None, code: int = 200, saved: bool = False):
    social = None
    if seller is not None:
        social = pages.list_pages(db.session, current_user, pages.PageFilter(seller_id=seller.id),
                                  limit=SHOWN_PAGES, cursor=None)
    return render("admin/seller_form.html", code=code, seller=seller, values=values,
                  errors=errors or {}, saved=saved, categories=_categories(), social=social)
