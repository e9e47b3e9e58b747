"""Customers (/admin/customers): a shop's customers with what each owes, searched by name
(any Arabic spelling) or phone (any way it is written) as it is typed, and their form.

The same scoping as the API, through shared.services.customers with the API's schemas
(shared/schemas/customers.py); a phone is read in the shop's country by the service.
"""
import marshmallow as ma
from flask import redirect, request, url_for
from flask_login import current_user

from admin.conventions import View, check_version, field_errors, parse
from admin.rendering import list_block, render
from admin.views import bp
from shared.errors import Conflict, Invalid
from shared.extensions import db
from shared.models import Language
from shared.schemas.customers import CustomerCreate, CustomerQuery, CustomerUpdate
from shared.services import customers

query_schema, create_schema, update_schema = CustomerQuery(), CustomerCreate(), CustomerUpdate()


@bp.view("/customers", "customers")
class Customers(View):
    def get(self):
        try:
            query = parse(query_schema, query=True)
        except ma.ValidationError as error:
            return render("admin/customers.html", code=422, page=None, q=request.args.get("q", ""),
                          errors=field_errors(error))
        page = customers.list_customers(db.session, current_user,
                                        customers.CustomerFilter(seller_id=query["seller_id"], q=query["q"]),
                                        limit=query["limit"], cursor=query["cursor"])
        return render("admin/customers.html", block=list_block(), page=page, q=query["q"] or "", errors={})


@bp.view("/customers/new", "customer_new")
class NewCustomer(View):
    def get(self):
        return _form(None, {"language": Language.ar.value, "seller_id": request.args.get("seller_id", "")})

    def post(self):
        try:
            customer = customers.create_customer(db.session, current_user, parse(create_schema))
        except (ma.ValidationError, Invalid) as error:
            return _form(None, request.form, errors=field_errors(error), code=422)
        except Conflict as error:  # the shop has a customer with this phone
            if "existing_customer_id" not in error.extra:
                raise
            return _form(None, request.form, problem=error.detail, code=409)
        return redirect(url_for(".customer", customer_id=customer.id, saved=1), 303)


@bp.view("/customers/<customer_id>", "customer")
class CustomerPage(View):
    def get(self, customer_id):
        customer = customers.get_customer(db.session, current_user, customer_id)
        return _form(customer, _values(customer), saved=request.args.get("saved") == "1")

    def post(self, customer_id):
        customer = customers.get_customer(db.session, current_user, customer_id, for_update=True)
        check_version(customer.row)
        try:
            customers.update_customer(db.session, customer.row, parse(update_schema))
        except (ma.ValidationError, Invalid) as error:
            return _form(customer, request.form, errors=field_errors(error), code=422)
        except Conflict as error:
            if "existing_customer_id" not in error.extra:
                raise
            return _form(customer, request.form, problem=error.detail, code=409)
        return redirect(url_for(".customer", customer_id=customer.id, saved=1), 303)


def _values(customer) -> dict:
    return {"name": customer.name, "phone": customer.phone or "", "area": customer.area,
            "notes": customer.notes, "language": customer.language.value}


def _form(customer, values, *, errors=None, problem=None, code: int = 200, saved: bool = False):
    return render("admin/customer_form.html", code=code, customer=customer, values=values,
                  errors=errors or {}, problem=problem, saved=saved, languages=list(Language))
