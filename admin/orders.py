"""Orders (/admin/orders): a list with filters and search, and each order's page, where its
status changes and payments are recorded in place (htmx) or with a plain form (no JavaScript).

Everything goes through shared.services (orders, order_status, payments, whatsapp) with
the API's schemas (shared/schemas/orders.py, payments.py).
"""
import marshmallow as ma
from flask import current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin.conventions import View, check_version, field_errors, parse
from admin.rendering import is_htmx, list_block, render, wants_fragment
from admin.views import bp
from shared.errors import Invalid
from shared.extensions import db
from shared.models import Channel, OrderStatus, PaymentMethod, PaymentStatus, Role
from shared.schemas.orders import OrderCreate, OrderQuery, OrderUpdate
from shared.schemas.payments import PaymentCreate
from shared.services import customers, orders, payments, products, sellers, whatsapp
from shared.services.order_status import ALLOWED

query_schema, update_schema, payment_schema = OrderQuery(), OrderUpdate(), PaymentCreate()
create_schema = OrderCreate()
LINE_ROWS = 5  # rows of product + quantity on the form; more lines: add them as a second order
IN_A_MENU = 200
CHOOSE_A_CUSTOMER = _l("Choose a customer of the shop, or type a new customer's name.")
CHOOSE_A_PRODUCT = _l("Choose at least one product.")
SHOPS_IN_A_MENU = 50  # more shops than this (an admin's): filter by shop from the shop's page


@bp.view("/orders", "orders")
class Orders(View):
    def get(self):
        """Newest first, filtered by status, payment, shop and the days placed; `q` finds
        the customer (name in any Arabic spelling, or phone) as it is typed."""
        user = current_user._get_current_object()
        try:
            query = parse(query_schema, query=True)
        except ma.ValidationError as error:
            return _list(None, code=422, errors=field_errors(error))
        filters = orders.OrderFilter(
            status=query["status"], payment_status=query["payment_status"],
            customer_id=query["customer_id"], seller_id=query["seller_id"],
            date_from=query["date_from"], date_to=query["date_to"], q=query["q"],
        )
        page = orders.list_orders(db.session, user, filters, tz_name=current_app.config["TIMEZONE"],
                                  limit=query["limit"], cursor=query["cursor"])
        return _list(page, block=list_block())


def _list(page, *, block: str = "main", code: int = 200, errors=None):
    user = current_user._get_current_object()
    shops = []
    if not wants_fragment():  # the filters' form is drawn: its menu of shops
        if user.role in (Role.admin, Role.coordinator):
            found = sellers.list_sellers(db.session, user, limit=SHOPS_IN_A_MENU, cursor=None)
            shops = [] if found.next_cursor else [(shop.id, shop.name) for shop in found.items]
    return render("admin/orders.html", block=block, code=code, page=page, errors=errors or {},
                  filters=request.args, shops=shops, statuses=list(OrderStatus),
                  payment_statuses=list(PaymentStatus))


@bp.view("/orders/new", "order_new")
class NewOrder(View):
    def get(self):
        return _new_form({"seller_id": request.args.get("seller_id", ""), "channel": Channel.whatsapp.value})

    def post(self):
        """An order as a customer sent it: an existing customer, or a name and phone typed in
        (the shop's customer with that phone is reused), and up to five lines."""
        form = request.form
        data = {"channel": form.get("channel") or Channel.whatsapp.value, "note": form.get("note", "")}
        if form.get("seller_id"):
            data["seller_id"] = form["seller_id"]
        if form.get("customer_id"):
            data["customer_id"] = form["customer_id"]
        elif form.get("name", "").strip() or form.get("phone", "").strip():
            data["customer"] = {"name": form.get("name", ""), "phone": form.get("phone", "").strip() or None}
        data["lines"] = [{"product_id": form[f"product_{n}"], "quantity": form.get(f"quantity_{n}", "").strip() or "1"}
                         for n in range(LINE_ROWS) if form.get(f"product_{n}")]
        said = {}  # the schema's own words name the API's fields: the form's say what to do
        if "customer_id" not in data and "customer" not in data:
            said["customer"] = [str(CHOOSE_A_CUSTOMER)]
        if not data["lines"]:
            said["lines"] = [str(CHOOSE_A_PRODUCT)]
        if said:
            return _new_form(form, errors=said, code=422)
        try:
            order = orders.create_order(db.session, current_user, create_schema.load(data))
        except (ma.ValidationError, Invalid) as error:
            return _new_form(form, errors=field_errors(error), code=422)
        return redirect(url_for(".order", order_id=order.id), 303)


def _new_form(typed, *, errors=None, code: int = 200):
    """The shop's products and customers to choose from: the one shop a seller has, or the
    shop chosen first (a coordinator's clients)."""
    user = current_user._get_current_object()
    shops = sellers.list_sellers(db.session, user, limit=SHOPS_IN_A_MENU, cursor=None).items
    seller_id = typed.get("seller_id") or (shops[0].id if len(shops) == 1 else "")
    found_products, found_customers = [], []
    if seller_id:
        found_products = products.list_products(db.session, user, products.ProductFilter(seller_id=seller_id,
                                                available=True), limit=IN_A_MENU, cursor=None).items
        found_customers = customers.list_customers(db.session, user, customers.CustomerFilter(seller_id=seller_id),
                                                   limit=IN_A_MENU, cursor=None).items
    return render("admin/order_new.html", code=code, typed=typed, errors=errors or {},
                  shops=[(shop.id, shop.name) for shop in shops], seller_id=seller_id,
                  products=sorted(found_products, key=lambda product: product.name),
                  customers=[(customer.id, f"{customer.name} · {customer.phone}" if customer.phone else customer.name)
                             for customer in sorted(found_customers, key=lambda customer: customer.name)],
                  channels=[c for c in Channel if c != Channel.api], rows=range(LINE_ROWS))


@bp.view("/orders/<order_id>", "order")
class OrderPage(View):
    def get(self, order_id):
        return _page(orders.get_order(db.session, current_user, order_id))


@bp.view("/orders/<order_id>/status", "order_status")
class OrderStatusChange(View):
    def post(self, order_id):
        """Move the order to the status of the button pressed (the allowed ones are shown);
        a change someone else made since the page was opened is refused with a reload."""
        user = current_user._get_current_object()
        order = orders.get_order(db.session, user, order_id, for_update=True)
        check_version(order)
        try:
            changes = parse(update_schema, {"status": request.form.get("status", "")})
        except ma.ValidationError as error:
            return _page(order, code=422, errors=field_errors(error))
        orders.update_order(db.session, user, order, changes)
        return _done(order)


@bp.view("/orders/<order_id>/payments", "order_payment")
class OrderPayment(View):
    def post(self, order_id):
        """Money received for the order, in its currency (Arabic-Indic digits are fine)."""
        user = current_user._get_current_object()
        order = orders.get_order(db.session, user, order_id)
        try:
            data = parse(payment_schema)
            payments.add_payment(db.session, user, order, amount=data["amount"], method=data["method"],
                                 paid_at=data["paid_at"])
        except (ma.ValidationError, Invalid) as error:
            return _page(order, code=422, errors=field_errors(error), typed=request.form)
        return _done(order, paid=True)


def _done(order, **flags):
    """After a change: htmx gets the order's part of the page, redrawn; a plain form a redirect."""
    if is_htmx():
        return _page(order, **flags)
    return redirect(url_for(".order", order_id=order.id), 303)


def _page(order, *, code: int = 200, errors=None, typed=None, paid: bool = False):
    user = current_user._get_current_object()
    message = whatsapp.order_message(db.session, user, order.id)
    return render(
        "admin/order.html", block="order", code=code, order=order, errors=errors or {},
        figures=orders.with_figures(order).figures,
        next_statuses=ALLOWED[order.status], history=orders.history(order),
        payments=payments.list_payments(order), whatsapp=message, methods=[m for m in PaymentMethod if m != PaymentMethod.credit],
        typed=typed or {}, paid=paid,
    )
