"""Orders ("tawasi"): placed at the day's prices, moved through their statuses, paid on delivery."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.orders import Order, OrderCreate, OrderEvent, OrderQuery, OrderUpdate
from shared.schemas.payments import Payment, PaymentCreate, RefundCreate
from shared.services import orders, payments

blp = Blueprint("orders", __name__, url_prefix="/api/v1/orders",
                description="Orders taken on WhatsApp and elsewhere, their history and payments.")

order_schema = Order()

EXAMPLE = {
    "customer": {"name": "أم أحمد", "phone": "0944 111 222"},
    "lines": [{"product_id": "01jd3k7a8b9c0d1e2f3g4h5j6k", "quantity": 2}],
    "channel": "whatsapp",
    "note": "بعد العصر — after 4 pm",
}


@blp.route("")
class Orders(View):
    @blp.arguments(OrderQuery, location="query")
    @blp.response(200, Order(many=True))
    def get(self, query):
        """List orders

        Newest first. Filter by `status`, `payment_status`, `customer_id`,
        `seller_id`, and the local calendar days `from`/`to` (both included) the order
        was placed on. `q` searches the customer's name (Arabic spelling variants
        match) and phone.
        """
        filters = orders.OrderFilter(
            status=query["status"], payment_status=query["payment_status"],
            customer_id=query["customer_id"], seller_id=query["seller_id"],
            date_from=query["date_from"], date_to=query["date_to"], q=query["q"],
        )
        page = orders.list_orders(db.session, current_user, filters,
                                  tz_name=current_app.config["TIMEZONE"],
                                  limit=query["limit"], cursor=query["cursor"])
        return page_response(page)

    @blp.arguments(OrderCreate, example=EXAMPLE)
    @blp.response(201, Order)
    def post(self, data):
        """Place an order

        Name the customer by `customer_id`, or type them in as `customer` {name,
        phone}: a phone the shop already has reuses that customer. Each line copies the
        product's name and today's price; later catalogue changes never change the
        order. All products must be the shop's, available, and in one currency (422
        names the product otherwise). The order gets the shop's next `number` and
        starts `pending`. Send an `Idempotency-Key` so a retry on a bad network never
        places it twice.
        """
        return orders.create_order(db.session, current_user, data,
                                   phone_region=current_app.config["DEFAULT_PHONE_REGION"])


@blp.route("/<order_id>")
class OrderById(View):
    @blp.response(200, Order)
    def get(self, order_id):
        """Get an order

        The order with its lines at the prices it was placed at, its total, what was
        paid and what is left, and an ETag for If-None-Match / If-Match.
        """
        return orders.get_order(db.session, current_user, order_id)

    @blp.arguments(OrderUpdate, example={"status": "confirmed", "note": "Deliver Friday"})
    @blp.response(200, Order)
    def patch(self, changes, order_id):
        """Change an order

        `status` moves it along pending → confirmed → purchased → delivered, or to
        cancelled before delivery; any other change is a 409 whose `allowed` lists the
        statuses it may move to. `lines` replaces all lines, only while pending or
        confirmed (409 once purchased): a product already on the order keeps the price
        it was ordered at, a product new to it takes today's price. `note` and
        `channel` may change at any time.
        """
        order = orders.get_order(db.session, current_user, order_id, for_update=True)
        check_if_match(order_schema, order)
        return orders.update_order(db.session, current_user, order, changes)

    @blp.response(204)
    def delete(self, order_id):
        """Delete an order

        Only a pending order with no payments (an order taken by mistake); any other
        is a 409: cancel it instead, so its history and money stay on record.
        """
        order = orders.get_order(db.session, current_user, order_id, for_update=True)
        check_if_match(order_schema, order)
        orders.delete_order(db.session, order)


@blp.route("/<order_id>/history")
class OrderHistory(View):
    @blp.response(200, OrderEvent(many=True))
    def get(self, order_id):
        """Status history of an order

        Oldest first: its creation (`from_status` null), then each status change,
        with who made it and when.
        """
        return orders.history(orders.get_order(db.session, current_user, order_id))


@blp.route("/<order_id>/payments")
class OrderPayments(View):
    @blp.response(200, Payment(many=True))
    def get(self, order_id):
        """List an order's payments

        Oldest first, refunds included (negative amounts). Not paginated: an order
        has a handful.
        """
        return payments.list_payments(orders.get_order(db.session, current_user, order_id))

    @blp.arguments(PaymentCreate, example={"amount": "150.00", "method": "cash"})
    @blp.response(201, Payment)
    def post(self, data, order_id):
        """Record a payment

        Money received for the order, in its currency (cash on delivery, mostly).
        Paying more than the total is kept: it shows as the customer's credit
        (negative `balance_due`). A cancelled order takes no new payments (409), only
        refunds.
        """
        order = orders.get_order(db.session, current_user, order_id)
        return payments.add_payment(db.session, current_user, order, amount=data["amount"],
                                    method=data["method"], paid_at=data["paid_at"])


@blp.route("/<order_id>/refunds")
class OrderRefunds(View):
    @blp.arguments(RefundCreate, example={"amount": "50.00", "method": "cash"})
    @blp.response(201, Payment)
    def post(self, data, order_id):
        """Record a refund

        Money given back; it is listed with the payments as a negative amount. At
        most what was paid (net) on the order (422 otherwise).
        """
        order = orders.get_order(db.session, current_user, order_id)
        return payments.add_refund(db.session, current_user, order, amount=data["amount"],
                                   method=data["method"])
