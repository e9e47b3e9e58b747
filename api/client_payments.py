"""Client payments: what page owners paid for promotion work."""
from flask import current_app
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.dates import local_today
from shared.extensions import db
from shared.schemas.client_payments import ClientPayment, ClientPaymentCreate, ClientPaymentQuery
from shared.services import client_payments

blp = Blueprint("client_payments", __name__, url_prefix="/api/v1/client-payments",
                description="Money page owners paid for promotion work: the `paid` of their statement.")

payment_schema = ClientPayment()


@blp.route("")
class ClientPayments(View):
    @blp.arguments(ClientPaymentQuery, location="query")
    @blp.response(200, ClientPayment(many=True))
    def get(self, query):
        """List client payments

        Newest first, for the shops you work for. Filter by `seller_id` and `currency`.
        """
        filters = client_payments.ClientPaymentFilter(seller_id=query["seller_id"],
                                                      currency=query["currency"])
        return page_response(client_payments.list_client_payments(
            db.session, current_user, filters, limit=query["limit"], cursor=query["cursor"]))

    @blp.arguments(ClientPaymentCreate, example={"seller_id": "01jd3k6w7x8y9z0a1b2c3d4e5f",
                                                 "amount": "١٠٠", "currency": "TRY", "method": "cash"})
    @blp.response(201, ClientPayment)
    def post(self, data):
        """Record a client payment

        Money a page owner paid for promotion work, in one currency (the statement
        never adds currencies together). `paid_on` is today if left out. Only the
        shop's coordinator (403 for the page owner, who reads it).
        """
        return client_payments.create_client_payment(
            db.session, current_user, data, today=local_today(current_app.config["TIMEZONE"]))


@blp.route("/<payment_id>")
class ClientPaymentById(View):
    @blp.response(200, ClientPayment)
    def get(self, payment_id):
        """Get a client payment

        One payment of a shop you work for.
        """
        return client_payments.get_client_payment(db.session, current_user, payment_id)

    @blp.response(204)
    def delete(self, payment_id):
        """Delete a client payment

        A payment recorded by mistake. Only the shop's coordinator.
        """
        payment = client_payments.get_client_payment(db.session, current_user, payment_id, for_update=True)
        check_if_match(payment_schema, payment)
        client_payments.delete_client_payment(db.session, current_user, payment)
