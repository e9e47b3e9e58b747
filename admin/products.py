"""Products (/admin/products): a shop's catalogue, searched as it is typed, and the form
to add or change a product.

The same scoping as the API (a seller her own shop, a coordinator her clients'), through
shared.services.products with the API's schemas (shared/schemas/products.py).
"""
import marshmallow as ma
from flask import redirect, request, url_for
from flask_login import current_user

from admin.conventions import View, check_version, field_errors, parse
from admin.rendering import list_block, render
from admin.views import bp
from shared.errors import Invalid
from shared.extensions import db
from shared.money import CURRENCIES
from shared.schemas.products import ProductCreate, ProductQuery, ProductUpdate
from shared.services import products

query_schema, create_schema, update_schema = ProductQuery(), ProductCreate(), ProductUpdate()


@bp.view("/products", "products")
class Products(View):
    def get(self):
        """Newest first; `q` finds names in any Arabic spelling as it is typed."""
        try:
            query = parse(query_schema, query=True)
        except ma.ValidationError as error:
            return render("admin/products.html", code=422, page=None, q=request.args.get("q", ""),
                          errors=field_errors(error))
        page = products.list_products(
            db.session, current_user,
            products.ProductFilter(seller_id=query["seller_id"], q=query["q"], available=query["available"]),
            limit=query["limit"], cursor=query["cursor"])
        return render("admin/products.html", block=list_block(), page=page, q=query["q"] or "", errors={})


@bp.view("/products/new", "product_new")
class NewProduct(View):
    def get(self):
        return _form(None, {"currency": "TRY", "available": "true",
                            "seller_id": request.args.get("seller_id", "")})

    def post(self):
        """A product of the person's only shop (or of the shop named, `seller_id`)."""
        try:
            data = parse(create_schema, _typed())
            product = products.create_product(db.session, current_user, data)
        except (ma.ValidationError, Invalid) as error:
            return _form(None, request.form, errors=field_errors(error), code=422)
        return redirect(url_for(".product", product_id=product.id, saved=1), 303)


@bp.view("/products/<product_id>", "product")
class ProductPage(View):
    def get(self, product_id):
        product = products.get_product(db.session, current_user, product_id)
        return _form(product, _values(product), saved=request.args.get("saved") == "1")

    def post(self, product_id):
        """Orders already placed keep the price they were placed at."""
        product = products.get_product(db.session, current_user, product_id, for_update=True)
        check_version(product)
        try:
            products.update_product(db.session, product, parse(update_schema, _typed()))
        except (ma.ValidationError, Invalid) as error:
            return _form(product, request.form, errors=field_errors(error), code=422)
        return redirect(url_for(".product", product_id=product.id, saved=1), 303)


def _typed() -> dict:
    """The posted form, "can be ordered" as the boolean the schema takes (a <select> of yes/no)."""
    typed = request.form.to_dict()
    if "available" in typed:
        typed["available"] = typed["available"] == "true"
    return typed


def _values(product) -> dict:
    return {"name": product.name, "description": product.description, "price": f"{product.price:.2f}",
            "currency": product.currency, "available": "true" if product.available else "false"}


def _form(product, values, *, errors=None, code: int = 200, saved: bool = False):
    return render("admin/product_form.html", code=code, product=product, values=values,
                  errors=errors or {}, saved=saved, currencies=[(c, c) for c in CURRENCIES])
