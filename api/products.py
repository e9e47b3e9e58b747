"""Products: a shop's catalogue, searchable in Arabic and Latin letters."""
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.products import Product, ProductCreate, ProductQuery, ProductUpdate
from shared.services import products

blp = Blueprint("products", __name__, url_prefix="/api/v1/products",
                description="A shop's catalogue: what it shows its customers on WhatsApp.")

product_schema = Product()

EXAMPLE = {"name": "كريم مرطّب — Moisturizing cream", "description": "50 ml",
           "price": "150.00", "currency": "TRY", "available": True}


@blp.route("")
class Products(View):
    @blp.arguments(ProductQuery, location="query")
    @blp.response(200, Product(many=True))
    def get(self, query):
        """List products

        Newest first. `q` searches names and descriptions and ignores Arabic spelling
        variants (أ/إ/آ/ا, ة/ه, ى/ي), diacritics and tatweel, and Latin case.
        """
        filters = products.ProductFilter(seller_id=query["seller_id"], q=query["q"],
                                          available=query["available"])
        page = products.list_products(db.session, current_user, filters,
                                       limit=query["limit"], cursor=query["cursor"])
        return page_response(page)

    @blp.arguments(ProductCreate, example=EXAMPLE)
    @blp.response(201, Product)
    def post(self, data):
        """Add a product

        `price` is a decimal string; Arabic-Indic digits (١٥٠) are accepted.
        `seller_id` may be left out when you work for exactly one shop.
        """
        return products.create_product(db.session, current_user, data)


@blp.route("/<product_id>")
class ProductById(View):
    @blp.response(200, Product)
    def get(self, product_id):
        """Get a product

        One product of a shop you work for, with an ETag; send it back as If-None-Match
        to get 304 Not Modified when nothing changed.
        """
        return products.get_product(db.session, current_user, product_id)

    @blp.arguments(ProductUpdate, example={"price": "175.00", "available": False})
    @blp.response(200, Product)
    def patch(self, changes, product_id):
        """Change a product

        Send only the fields to change. Orders already placed keep the price they
        were placed at.
        """
        product = products.get_product(db.session, current_user, product_id, for_update=True)
        check_if_match(product_schema, product)
        return products.update_product(db.session, product, changes)

    @blp.response(204)
    def delete(self, product_id):
        """Delete a product

        Removes a product nobody has ordered. One that was ordered stays on the books
        (409): hide it with `available: false` instead.
        """
        product = products.get_product(db.session, current_user, product_id, for_update=True)
        check_if_match(product_schema, product)
        products.delete_product(db.session, product)
