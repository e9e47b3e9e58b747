"""WhatsApp-ready texts: order confirmations and a shop's price list."""
from flask_login import current_user

from api.conventions import Blueprint, View
from shared.extensions import db
from shared.schemas.whatsapp import CatalogueTextQuery, WhatsAppText
from shared.services import whatsapp

blp = Blueprint("whatsapp", __name__, url_prefix="/api/v1",
                description="Texts ready to send on WhatsApp (nothing is sent for you).")


@blp.route("/orders/<order_id>/whatsapp")
class OrderWhatsApp(View):
    @blp.response(200, WhatsAppText, example={
        "text": "مرحباً أم أحمد،\n\nشكراً لطلبك من *ريم للتجميل*.\nرقم الطلب: 12\n\n"
                "• 2 × كريم مرطّب: 300.00 ل.ت (150.00 ل.ت للقطعة)\n\nالمجموع: *300.00 ل.ت*",
        "url": "https://wa.me/963944111222?text=%D9%85%D8%B1...",
    })
    def get(self, order_id):
        """Order confirmation text

        In the customer's language (Arabic or English): greeting, the shop's name,
        the order number, where the order is (confirmed, bought, delivered,
        cancelled), each line, the total, and what is paid or left to pay. Send it
        again at each step. `url` opens a chat with the customer with the text ready
        to send (null when they have no phone).
        """
        return whatsapp.order_message(db.session, current_user, order_id)


@blp.route("/sellers/<seller_id>/catalogue/whatsapp")
class CatalogueWhatsApp(View):
    @blp.arguments(CatalogueTextQuery, location="query")
    @blp.response(200, WhatsAppText, example={
        "text": "*ريم للتجميل* — قائمة الأسعار\n\n• كريم مرطّب: 150.00 ل.ت\n\n"
                "للطلب أرسل اسم المنتج والكمية.",
        "url": None,
    })
    def get(self, query, seller_id):
        """Price list text

        The shop's available products with their prices, by name, in `lang` (ar or
        en), ready to post on WhatsApp (status, group or broadcast list).
        """
        return whatsapp.catalogue_message(db.session, current_user, seller_id, query["lang"])
