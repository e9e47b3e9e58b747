"""Customers: the people a shop sells to, one per phone number, with their balances."""
from flask_login import current_user

from api.conventions import Blueprint, View, check_if_match, page_response
from shared.extensions import db
from shared.schemas.customers import Customer, CustomerCreate, CustomerQuery, CustomerUpdate
from shared.services import customers

blp = Blueprint("customers", __name__, url_prefix="/api/v1/customers",
                description="A shop's customers: one per phone number, with what each owes.")

customer_schema = Customer()

EXAMPLE = {"name": "أم أحمد", "phone": "0944 111 222", "area": "Sarmada",
           "notes": "Ring twice", "language": "ar"}


@blp.route("")
class Customers(View):
    @blp.arguments(CustomerQuery, location="query")
    @blp.response(200, Customer(many=True))
    def get(self, query):
        """List customers

        Newest first. `q` searches names (ignoring Arabic spelling variants such as
        أ/ا, ة/ه, ى/ي) and phone numbers (typed any way: `0944 111`, or the last
        digits: `22 33`). Each customer shows `balances`: per currency, what they owe
        on delivered orders, their deposits on orders not yet delivered, and their
        credit (paid beyond what their orders are worth).
        """
        filters = customers.CustomerFilter(seller_id=query["seller_id"], q=query["q"])
        page = customers.list_customers(db.session, current_user, filters,
                                        limit=query["limit"], cursor=query["cursor"])
        return page_response(page)

    @blp.arguments(CustomerCreate, example=EXAMPLE)
    @blp.response(201, Customer)
    def post(self, data):
        """Add a customer

        The phone is stored in international form (`+963944111222`); spaces, dashes
        and Arabic-Indic digits are fine, and a number without a country code is read
        in the shop's country (its `phone_region`: `0532 123 45 67` is +905321234567
        in a TR shop). A shop has one customer per phone: a second one is a 409 whose
        `existing_customer_id` names the customer who has it. `seller_id` may be left
        out when you work for exactly one shop.
        """
        return customers.create_customer(db.session, current_user, data)


@blp.route("/<customer_id>")
class CustomerById(View):
    @blp.response(200, Customer)
    def get(self, customer_id):
        """Get a customer

        One customer of a shop you work for, with their balances per currency (owed,
        deposits, credit), and an ETag for If-None-Match / If-Match.
        """
        return customers.get_customer(db.session, current_user, customer_id)

    @blp.arguments(CustomerUpdate, example={"phone": "+90 532 111 22 33", "language": "en"})
    @blp.response(200, Customer)
    def patch(self, changes, customer_id):
        """Change a customer

        Send only the fields to change. A phone another customer of the shop has is a 409.
        """
        customer = customers.get_customer(db.session, current_user, customer_id, for_update=True)
        check_if_match(customer_schema, customer)
        return customers.update_customer(db.session, customer.row, changes)

    @blp.response(204)
    def delete(self, customer_id):
        """Delete a customer

        Only a customer without orders: their orders and payments are the shop's books (409).
        """
        customer = customers.get_customer(db.session, current_user, customer_id, for_update=True)
        check_if_match(customer_schema, customer)
        customers.delete_customer(db.session, customer.row)
