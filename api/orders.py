"""Orders ("tawasi"): placed at the day's prices, moved through their statuses, paid on delivery,
sometimes partly given back."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.orders import Order, OrderCreate, OrderEvent, OrderQuery, OrderUpdate
from shared.schemas.payments import CreditApply, Payment, PaymentCreate, RefundCreate
from shared.schemas.returns import Return, ReturnCreate
from shared.services import orders, payments, returns

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
        was placed on. `q` finds an order by its number (`19`), or by its customer's
        name (Arabic spelling variants match) or phone, written any way (`0532 111 22
        33`, `+90 532…`) or by its last digits.
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
        phone}: a phone the shop already has reuses that customer (a phone without a
        country code is read in the shop's `phone_region`). Each line copies the
        product's name and today's price; later catalogue changes never change the
        order. All products must be the shop's, available, and in one currency (422
        names the product otherwise). The order gets the shop's next `number` and
        starts `pending`. Send an `Idempotency-Key` so a retry on a bad network never
        places it twice.
        """
        return orders.with_figures(orders.create_order(db.session, current_user, data))


@blp.route("/<order_id>")
class OrderById(View):
    @blp.response(200, Order)
    def get(self, order_id):
        """Get an order

        The order with its lines at the prices it was placed at (and what came back
        of each), its total, what was paid, what is left to pay (`balance_due`) or
        may be given back (`refundable`), and an ETag for If-None-Match / If-Match.
        """
        return orders.with_figures(orders.get_order(db.session, current_user, order_id))

    @blp.arguments(OrderUpdate, example={"status": "confirmed", "note": "Deliver Friday"})
    @blp.response(200, Order)
    def patch(self, changes, order_id):
        """Change an order

        `status` moves it along pending → confirmed → purchased → delivered, or to
        cancelled before delivery; any other change is a 409 whose `allowed` lists the
        statuses it may move to. Asking for the status it already has is a 200 that
        changes nothing (a retry on a bad network is safe). `lines` replaces all
        lines, only while pending or confirmed (409 once purchased): a product already
        on the order keeps the price it was ordered at, a product new to it takes
        today's price. `note` and `channel` may change at any time.
        """
        order = orders.get_order(db.session, current_user, order_id, for_update=True)
        check_if_match(order_schema, orders.with_figures(order))
        return orders.with_figures(orders.update_order(db.session, current_user, order, changes))

    @blp.response(204)
    def delete(self, order_id):
        """Delete an order

        Only a pending order with no payments (an order taken by mistake); any other
        is a 409: cancel it instead, so its history and money stay on record.
        """
        order = orders.get_order(db.session, current_user, order_id, for_update=True)
        check_if_match(order_schema, orders.with_figures(order))
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

        Money received for the order (cash on delivery, mostly). In the order's
        currency, or in another one (`currency`) with the rate you applied: `rate` 34
        and `rate_per` USD mean 1 USD = 34 TRY, so 1700 TRY pays 50.00 on a USD order.
        Both amounts are kept; the order counts the converted one (`order_amount`,
        rounded half-up to the cent). Paid before delivery, it is a deposit on the
        order; more than the total is the customer's credit (`refundable`). A
        cancelled order takes no new payments (409), only refunds.
        """
        order = orders.get_order(db.session, current_user, order_id)
        return payments.add_payment(db.session, current_user, order, amount=data["amount"],
                                    method=data["method"], paid_at=data["paid_at"],
                                    currency=data["currency"], rate=data["rate"],
                                    rate_per=data["rate_per"], payment_id=data["id"])


@blp.route("/<order_id>/refunds")
class OrderRefunds(View):
    @blp.arguments(RefundCreate, example={"amount": "350.00", "reason": "returned", "method": "cash"})
    @blp.response(201, Payment)
    def post(self, data, order_id):
        """Record a refund

        Money given back, with its `reason`: `returned` (goods came back: record the
        return first, it lowers the total), `cancelled`, `overpaid`, `correction` (a
        payment recorded by mistake: the money is owed again) or `other`. At most the
        order's `refundable` (what was paid beyond its worth), or, for a correction,
        what was paid (422 otherwise), so a refund never turns into a debt. Listed
        with the payments as a negative amount; another currency works as for payments.
        """
        order = orders.get_order(db.session, current_user, order_id)
        return payments.add_refund(db.session, current_user, order, amount=data["amount"],
                                   method=data["method"], reason=data["reason"], note=data["note"],
                                   paid_at=data["paid_at"], currency=data["currency"],
                                   rate=data["rate"], rate_per=data["rate_per"], payment_id=data["id"])


@blp.route("/<order_id>/returns")
class OrderReturns(View):
    @blp.response(200, Return(many=True))
    def get(self, order_id):
        """List an order's returns

        Oldest first, each with its lines, quantities and value. Not paginated: an
        order has a handful.
        """
        return returns.list_returns(orders.get_order(db.session, current_user, order_id))

    @blp.arguments(ReturnCreate, example={"lines": [{"product_id": "01jd3k7a8b9c0d1e2f3g4h5j6k",
                                                     "quantity": 1}], "note": "wrong shade"})
    @blp.response(201, Return)
    def post(self, data, order_id):
        """Record a return

        Goods the customer gave back after delivery: which lines (by `line_id` or
        `product_id`) and how many of each. The order's total, and so the customer's
        balance, drop by their value (unit price x quantity); what was paid beyond the
        new total becomes `refundable`: give it back with a refund (reason `returned`),
        or move it to another order (POST /orders/{id}/credit). Only a delivered
        order (409 before: change its lines or cancel it); at most what was kept of a
        line (422).
        """
        order = orders.get_order(db.session, current_user, order_id, for_update=True)
        return returns.record_return(db.session, current_user, order, lines=data["lines"],
                                     note=data["note"], returned_at=data["returned_at"])


@blp.route("/<order_id>/credit")
class OrderCredit(View):
    @blp.arguments(CreditApply, required=False, example={"amount": "50.00"})
    @blp.response(200, Order)
    def post(self, data, order_id):
        """Pay an order with the customer's credit

        Moves money the customer paid beyond the worth of their other orders in this
        currency (overpaid, goods returned, orders cancelled and not refunded) onto
        this order: from `from_order_id`, or from each such order, oldest first. Each
        move is a refund (reason `moved`) there and a payment (method `credit`) here,
        each naming the other (`linked_order_id`). `amount` is at most what is left to
        pay here; all that the credit covers if left out. Deposits on orders not yet
        delivered are not credit and never move. Answers the order as it is now.
        """
        data = data or {}
        order = orders.get_order(db.session, current_user, order_id)
        source = (orders.get_order(db.session, current_user, data["from_order_id"])
                  if data.get("from_order_id") else None)
        payments.apply_credit(db.session, current_user, order, from_order=source, amount=data.get("amount"))
        return orders.with_figures(order)
