"""Sellers: the businesses Tawasi keeps books for."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.sellers import Seller, SellerCreate, SellerQuery, SellerUpdate
from shared.services import sellers

blp = Blueprint("sellers", __name__, url_prefix="/api/v1/sellers",
                description="Businesses: a seller's own shop, or a coordinator's clients.")

seller_schema = Seller()

EXAMPLE = {"name": "ريم للتجميل", "whatsapp_phone": "+963944111222", "category": "cosmetics",
           "area": "Idlib", "phone_region": "SY"}


@blp.route("")
class Sellers(View):
    @blp.arguments(SellerQuery, location="query")
    @blp.response(200, Seller(many=True))
    def get(self, query):
        """List sellers

        The shops you work for, newest first: a seller sees its own, a coordinator
        its clients, an admin all. `q` finds shops by name or area (Arabic spelling
        variants match: "احمد" finds "أحمد") or by WhatsApp number.
        """
        page = sellers.list_sellers(db.session, current_user, sellers.SellerFilter(q=query["q"]),
                                    limit=query["limit"], cursor=query["cursor"])
        return page_response(page)

    @blp.arguments(SellerCreate, example=EXAMPLE)
    @blp.response(201, Seller)
    def post(self, data):
        """Add a seller

        A seller user owns the shops it adds; a coordinator manages the client shops
        it adds (clients without an account of their own). `phone_region` is the
        country local phone numbers are read in (the server's default, SY, when left
        out): `whatsapp_phone` and every customer's phone typed without a country code.
        `whatsapp_phone` is stored as E.164 (+963…).
        """
        return sellers.create_seller(db.session, current_user, data,
                                       phone_region=current_app.config["DEFAULT_PHONE_REGION"])


@blp.route("/<seller_id>")
class SellerById(View):
    @blp.response(200, Seller)
    def get(self, seller_id):
        """Get a seller

        One shop you work for, with an ETag; send it back as If-None-Match to get 304.
        """
        return sellers.get_seller(db.session, current_user, seller_id)

    @blp.arguments(SellerUpdate, example={"area": "Gaziantep", "phone_region": "TR"})
    @blp.response(200, Seller)
    def patch(self, changes, seller_id):
        """Change a seller

        Send only the fields to change. A new `phone_region` reads phone numbers typed
        from now on; numbers already stored (E.164) stay as they are.
        """
        seller = sellers.get_seller(db.session, current_user, seller_id, for_update=True)
        check_if_match(seller_schema, seller)
        return sellers.update_seller(db.session, seller, changes)

    @blp.response(204)
    def delete(self, seller_id):
        """Delete a seller

        Deletes the shop with its catalogue and customers. A shop with orders on its
        books cannot be deleted (409).
        """
        seller = sellers.get_seller(db.session, current_user, seller_id, for_update=True)
        check_if_match(seller_schema, seller)
        sellers.delete_seller(db.session, seller)
