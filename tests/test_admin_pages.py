"""The admin's sections through Flask's test client: who sees which page, lists and their
search, forms and their messages, status changes and payments in place or without
JavaScript, a row someone else changed, and accounts."""
import re
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from shared.extensions import db
from shared.models import (
    ApiToken, Language, MarketRun, MarketRunStatus, Order, OrderStatus, Product, Role, Seller, User,
)
from tests.factories import (
    PASSWORD, CustomerFactory, MarketRunFactory, ProductFactory, SellerFactory, UserFactory,
    order_with_lines,
)
from tests.test_admin import HTMX, csrf_token, log_in

FRAGMENT = {**HTMX, "HX-Target": "rows"}


def _html(response) -> str:
    return response.get_data(as_text=True)


def _as(client, user):
    assert log_in(client, user).status_code == 303
    client.user = user
    return client


@pytest.fixture
def shop():
    """Reem's shop: a product at 150.00 TRY, a customer, a pending order of two."""
    product = ProductFactory(price=Decimal("150.00"), seller__name="ريم للتجميل",
                             seller__owner__language=Language.en)
    customer = CustomerFactory(seller=product.seller, name="أم أحمد", phone="+963944111301")
    order = order_with_lines(product.seller, [(product, 2)], customer=customer)
    return {"seller": product.seller, "owner": product.seller.owner, "product": product,
            "customer": customer, "order": order}


@pytest.fixture
def reem(client, shop):
    return _as(client, shop["owner"])


def _post(client, path, data, *, page=None, headers=None):
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **data}, headers=headers or {})


# --- who sees what ---------------------------------------------------------------------------

PAGES = ["/admin/", "/admin/sellers", "/admin/sellers/new", "/admin/orders", "/admin/market-runs",
         "/admin/users", "/admin/users/new", "/admin/audit"]
ADMINS_ONLY = {"/admin/users", "/admin/users/new", "/admin/audit"}
ALLOWED = {
    "admin": set(PAGES),
    "coordinator": set(PAGES) - ADMINS_ONLY,
    "seller": set(PAGES) - ADMINS_ONLY,
    "promoter": set(PAGES) - ADMINS_ONLY,
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
@pytest.mark.parametrize("path", PAGES)
def test_who_opens_which_page(client, role, path):
    _as(client, UserFactory(role=role))

    response = client.get(path)

    assert response.status_code == (200 if path in ALLOWED[role] else 403)


def test_the_menu_shows_each_role_its_sections(client):
    _as(client, UserFactory(role=Role.promoter))

    html = _html(client.get("/admin/"))

    assert 'href="/admin/orders"' not in html and 'href="/admin/sellers"' not in html
    assert 'href="/admin/users"' not in html


@pytest.mark.parametrize("page", ["order", "market_run", "seller"])
def test_a_shop_of_someone_else_is_the_404_page(client, shop, page):
    run = MarketRunFactory(seller=shop["seller"])
    target = {"order": f"/admin/orders/{shop['order'].id}", "market_run": f"/admin/market-runs/{run.id}",
              "seller": f"/admin/sellers/{shop['seller'].id}"}[page]
    _as(client, SellerFactory().owner)

    response = client.get(target)

    assert response.status_code == 404
    assert "<h1>Not found</h1>" in _html(response)


def test_another_shops_order_cannot_be_moved(client, shop):
    _as(client, SellerFactory().owner)

    response = client.post(f"/admin/orders/{shop['order'].id}/status",
                           data={"status": "confirmed", "csrf_token": csrf_token(client, "/admin/")})

    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, shop["order"].id).status is OrderStatus.pending


def test_a_coordinator_sees_her_clients_orders_only(client, shop):
    zeina = UserFactory(role=Role.coordinator)
    client_shop = SellerFactory(owner=None, coordinator=zeina, name="Abu Khalil")
    product = ProductFactory(seller=client_shop)
    mine = order_with_lines(client_shop, [(product, 1)])
    _as(client, zeina)

    html = _html(client.get("/admin/orders"))

    assert f"/admin/orders/{mine.id}" in html
    assert f"/admin/orders/{shop['order'].id}" not in html


def test_an_admin_sees_every_shops_order(client, shop):
    _as(client, UserFactory(role=Role.admin))

    assert client.get(f"/admin/orders/{shop['order'].id}").status_code == 200


# --- sellers: search as you type, checked forms ------------------------------------------------


def test_the_sellers_search_folds_arabic_and_answers_rows_to_htmx(client):
    zeina = UserFactory(role=Role.coordinator)
    SellerFactory(owner=None, coordinator=zeina, name="مطعم أبو خليل")
    SellerFactory(owner=None, coordinator=zeina, name="بوتيك ياسمين")
    _as(client, zeina)

    response = client.get("/admin/sellers?q=ابو", headers=FRAGMENT)

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = _html(response)
    assert html.lstrip().startswith('<ul class="rows" id="rows"')
    assert "مطعم أبو خليل" in html and "ياسمين" not in html


def test_the_same_search_url_answers_the_whole_page_without_htmx(client):
    zeina = UserFactory(role=Role.coordinator)
    SellerFactory(owner=None, coordinator=zeina, name="Sham falafel", whatsapp_phone="+963944200002")
    _as(client, zeina)

    html = _html(client.get("/admin/sellers?q=0944 200 002"))

    assert "<html" in html and "Sham falafel" in html
    assert 'value="0944 200 002"' in html


def test_the_seller_list_pages_on_with_more(client):
    zeina = UserFactory(role=Role.coordinator)
    for n in range(3):
        SellerFactory(owner=None, coordinator=zeina, name=f"Shop {n}")
    _as(client, zeina)

    first = _html(client.get("/admin/sellers?limit=2", headers=FRAGMENT))
    more = re.search(r'<li id="more" class="more">\s*<a href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(more, headers={**HTMX, "HX-Target": "more"})

    assert second.status_code == 200
    assert "<ul" not in _html(second)  # items appended after the first ones
    assert "Shop 0" in _html(second) and 'id="more"' not in _html(second)


def test_a_coordinator_adds_a_client_shop_with_a_phone_typed_in_arabic_digits(client):
    zeina = _as(client, UserFactory(role=Role.coordinator)).user

    response = _post(client, "/admin/sellers/new", {"name": "فلافل الشام", "whatsapp_phone": "٠٩٤٤ ٢٠٠ ٠٠٢",
                                                     "category": "food", "area": "Idlib"})

    assert response.status_code == 303
    seller = db.session.scalar(sa.select(Seller).where(Seller.name == "فلافل الشام"))
    assert response.headers["Location"] == f"/admin/sellers/{seller.id}?saved=1"
    assert (seller.coordinator_id, seller.whatsapp_phone) == (zeina.id, "+963944200002")


def test_every_bad_field_is_shown_beside_it_in_arabic_and_nothing_is_saved(client):
    _as(client, UserFactory(role=Role.coordinator, language=Language.ar))

    response = _post(client, "/admin/sellers/new", {"name": "", "whatsapp_phone": "123",
                                                     "category": "food", "area": ""})

    assert response.status_code == 422
    html = _html(response)
    assert re.search(r'id="name-error"[^>]*>يجب أن يكون الطول بين 1 و120.<', html)
    assert re.search(r'id="whatsapp_phone-error"[^>]*>&#39;123&#39; ليس رقم هاتف صحيحاً', html)
    assert 'value="123"' in html  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Seller)) == 0


def test_inline_validation_answers_the_fields_message_in_arabic(client):
    _as(client, UserFactory(role=Role.coordinator, language=Language.ar))

    response = client.get("/admin/sellers/check/whatsapp_phone?whatsapp_phone=123", headers=HTMX)

    assert response.status_code == 200
    html = _html(response).strip()
    assert html.startswith('<p class="field-error" id="whatsapp_phone-error"')
    assert "ليس رقم هاتف صحيحاً" in html


def test_inline_validation_of_a_good_value_is_an_empty_message(client):
    _as(client, UserFactory(role=Role.coordinator))

    response = client.get("/admin/sellers/check/whatsapp_phone?whatsapp_phone=0944 111 222", headers=HTMX)

    assert response.status_code == 200
    assert re.search(r'id="whatsapp_phone-error" aria-live="polite"></p>', _html(response))


def test_inline_validation_of_an_unknown_field_is_404(client):
    _as(client, UserFactory(role=Role.coordinator))

    assert client.get("/admin/sellers/check/owner_id?owner_id=x", headers=HTMX).status_code == 404


def test_editing_a_shop_keeps_the_version_it_was_read_at(reem, shop):
    page = f"/admin/sellers/{shop['seller'].id}"

    response = _post(reem, page, {"name": "ريم", "whatsapp_phone": "", "category": "cosmetics",
                                  "area": "Sarmada", "version": str(shop["seller"].version)})

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Seller, shop["seller"].id).area == "Sarmada"


def test_a_change_made_by_someone_else_meanwhile_is_refused_with_a_reload(reem, shop):
    page = f"/admin/sellers/{shop['seller'].id}"
    token = csrf_token(reem, page)
    seller = db.session.get(Seller, shop["seller"].id)
    read_at = seller.version
    seller.area = "Dana"  # another person saved first
    db.session.commit()

    response = reem.post(page, data={"csrf_token": token, "name": "x", "whatsapp_phone": "",
                                     "category": "food", "area": "Sarmada", "version": str(read_at)},
                         headers={"Referer": f"http://localhost{page}"})

    assert response.status_code == 409
    html = _html(response)
    assert "Someone else changed this since you opened the page" in html
    assert f'<a href="{page}" hx-boost="false">Reload the page</a>' in html
    db.session.expire_all()
    assert db.session.get(Seller, shop["seller"].id).area == "Dana"


# --- orders -----------------------------------------------------------------------------------


def test_orders_filter_by_status_and_find_the_customer_in_any_spelling(reem, shop):
    other = order_with_lines(shop["seller"], [(shop["product"], 1)], status=OrderStatus.confirmed,
                             customer=CustomerFactory(seller=shop["seller"], name="Hiba"))

    pending = _html(reem.get("/admin/orders?status=pending&q=ام احمد", headers=FRAGMENT))
    confirmed = _html(reem.get("/admin/orders?status=confirmed", headers=FRAGMENT))

    assert f"/admin/orders/{shop['order'].id}" in pending and other.id not in pending
    assert other.id in confirmed and shop["order"].id not in confirmed


def test_a_bad_filter_says_so_in_place(reem):
    response = reem.get("/admin/orders?from=2026-12-01&to=2026-11-01", headers=FRAGMENT)

    assert response.status_code == 422
    assert "must not be after" in _html(response)


def test_the_order_page_shows_lines_totals_and_the_whatsapp_link(reem, shop):
    html = _html(reem.get(f"/admin/orders/{shop['order'].id}"))

    assert "300.00 TRY" in html and "150.00 TRY each" in html
    link = re.search(r'href="(https://wa\.me/963944111301\?text=[^"]+)"', html)
    assert link and "Send on WhatsApp" in html
    assert [b for b in re.findall(r'name="status" value="(\w+)"', html)] == ["confirmed", "cancelled"]


def test_money_is_written_as_arabic_readers_write_it(client, shop):
    shop["owner"].language = Language.ar
    db.session.commit()
    _as(client, shop["owner"])

    html = _html(client.get(f"/admin/orders/{shop['order'].id}"))

    assert "300.00 ل.ت" in html


def test_a_status_change_with_htmx_answers_the_order_redrawn(reem, shop):
    order = shop["order"]

    response = _post(reem, f"/admin/orders/{order.id}/status", {"status": "confirmed", "version": str(order.version)},
                     page=f"/admin/orders/{order.id}", headers={**HTMX, "HX-Target": "order"})

    assert response.status_code == 200
    html = _html(response)
    assert html.lstrip().startswith('<div id="order" class="order">') and "<html" not in html
    assert 'id="order-status">confirmed<' in html
    assert re.findall(r'name="status" value="(\w+)"', html) == ["purchased", "cancelled"]
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.confirmed


def test_a_status_change_without_javascript_redirects_to_the_order(reem, shop):
    order = shop["order"]

    response = _post(reem, f"/admin/orders/{order.id}/status", {"status": "confirmed"},
                     page=f"/admin/orders/{order.id}")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/orders/{order.id}"


def test_a_status_changed_meanwhile_is_a_409_that_replaces_the_page_and_offers_a_reload(reem, shop):
    order = shop["order"]
    read_at = order.version
    page = f"/admin/orders/{order.id}"
    token = csrf_token(reem, page)
    db.session.get(Order, order.id).note = "changed by Zeina"
    db.session.commit()

    response = reem.post(f"{page}/status", data={"csrf_token": token, "status": "confirmed",
                                                 "version": str(read_at)},
                         headers={**HTMX, "HX-Current-URL": f"http://localhost{page}"})

    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#main"
    assert f'<a href="{page}" hx-boost="false">Reload the page</a>' in _html(response)


def test_a_payment_typed_in_arabic_digits_is_recorded(reem, shop):
    order = shop["order"]

    response = _post(reem, f"/admin/orders/{order.id}/payments", {"amount": "١٥٠٫٥٠", "method": "cash"},
                     page=f"/admin/orders/{order.id}", headers={**HTMX, "HX-Target": "order"})

    assert response.status_code == 200
    assert "Payment recorded." in _html(response)
    db.session.expire_all()
    assert db.session.get(Order, order.id).amount_paid == Decimal("150.50")


def test_a_payment_without_javascript_redirects(reem, shop):
    order = shop["order"]

    response = _post(reem, f"/admin/orders/{order.id}/payments", {"amount": "300", "method": "cash"},
                     page=f"/admin/orders/{order.id}")

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).payment_status.value == "paid"


def test_a_bad_amount_is_shown_beside_the_field_and_nothing_is_paid(reem, shop):
    order = shop["order"]

    response = _post(reem, f"/admin/orders/{order.id}/payments", {"amount": "-5", "method": "cash"},
                     page=f"/admin/orders/{order.id}", headers={**HTMX, "HX-Target": "order"})

    assert response.status_code == 422
    assert re.search(r'id="amount-error"[^>]*>Must not be negative.', _html(response))
    db.session.expire_all()
    assert db.session.get(Order, order.id).amount_paid == Decimal("0.00")


def test_the_orders_list_runs_the_same_queries_for_one_or_many_orders(client, shop, count_queries):
    seller_id, product_id = shop["seller"].id, shop["product"].id
    _as(client, shop["owner"])
    client.get("/admin/orders")  # warm up (the first request loads more)

    with count_queries() as one:
        assert client.get("/admin/orders", headers=FRAGMENT).status_code == 200
    seller, product = db.session.get(Seller, seller_id), db.session.get(Product, product_id)
    for _ in range(15):
        order_with_lines(seller, [(product, 1)], customer=CustomerFactory(seller=seller))
    with count_queries() as many:
        assert client.get("/admin/orders", headers=FRAGMENT).status_code == 200

    assert many.count == one.count


# --- market runs --------------------------------------------------------------------------------


@pytest.fixture
def run(shop):
    order = shop["order"]
    order.status = OrderStatus.confirmed
    run = MarketRunFactory(seller=shop["seller"])
    order.market_run = run
    db.session.commit()
    return run


def test_the_run_page_shows_its_shopping_list_and_orders(reem, shop, run):
    html = _html(reem.get(f"/admin/market-runs/{run.id}"))

    assert shop["product"].name in html
    assert re.search(r'<td class="num strong">2</td>', html)
    assert f"/admin/orders/{shop['order'].id}" in html


def test_costs_are_saved_per_product_and_for_the_run(reem, shop, run):
    product = shop["product"]

    response = _post(reem, f"/admin/market-runs/{run.id}/costs",
                     {f"cost-TRY-{product.id}": "٢٠٠", "lump-TRY": "50", "version": str(run.version)},
                     page=f"/admin/market-runs/{run.id}", headers={**HTMX, "HX-Target": "run"})

    assert response.status_code == 200
    html = _html(response)
    assert "Costs saved." in html and "250.00 TRY" in html  # cost 200 + 50
    assert "50.00 TRY" in html  # margin 300 - 250


def test_a_bad_cost_is_shown_beside_its_product(reem, shop, run):
    product = shop["product"]

    response = _post(reem, f"/admin/market-runs/{run.id}/costs", {f"cost-TRY-{product.id}": "abc"},
                     page=f"/admin/market-runs/{run.id}")

    assert response.status_code == 422
    assert re.search(rf'id="cost-TRY-{product.id}-error">Not a valid amount', _html(response))


def test_marking_a_run_bought_moves_its_orders_to_purchased(reem, shop, run):
    response = _post(reem, f"/admin/market-runs/{run.id}/bought", {"version": str(run.version)},
                     page=f"/admin/market-runs/{run.id}")

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(MarketRun, run.id).status is MarketRunStatus.bought
    assert db.session.get(Order, shop["order"].id).status is OrderStatus.purchased


def test_planning_a_run_takes_the_confirmed_orders(reem, shop):
    shop["order"].status = OrderStatus.confirmed
    db.session.commit()

    response = _post(reem, "/admin/market-runs", {"run_date": "٢٠٢٦-١١-٢٦", "note": ""})

    assert response.status_code == 303
    run = db.session.scalar(sa.select(MarketRun))
    assert response.headers["Location"] == f"/admin/market-runs/{run.id}"
    assert run.run_date == date(2026, 11, 26)


def test_planning_a_run_with_nothing_to_buy_says_why(reem, shop):
    response = _post(reem, "/admin/market-runs", {"run_date": "2026-11-26"})

    assert response.status_code == 422
    assert "no confirmed orders are waiting for a market run" in _html(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MarketRun)) == 0


# --- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_shows_this_weeks_confirmed_orders_and_the_next_run(client, shop):
    # Thursday 26 Nov 2026 in Damascus; the week began on Saturday the 21st.
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc), tick=False):
        last_week = order_with_lines(shop["seller"], [(shop["product"], 1)], status=OrderStatus.confirmed,
                                     created_at=datetime(2026, 11, 20, 20, 0, tzinfo=timezone.utc))
        this_week = order_with_lines(shop["seller"], [(shop["product"], 3)], status=OrderStatus.confirmed,
                                     created_at=datetime(2026, 11, 20, 21, 30, tzinfo=timezone.utc))
        run = MarketRunFactory(seller=shop["seller"], run_date=date(2026, 11, 27))
        _as(client, shop["owner"])

        html = _html(client.get("/admin/"))

    week = html[html.index('id="this-week"'):html.index('id="next-run"')]
    assert f"/admin/orders/{this_week.id}" in week and last_week.id not in week  # 00:30 Sat in Damascus
    assert "450.00 TRY" in week
    assert f"/admin/market-runs/{run.id}" in html[html.index('id="next-run"'):]


def test_a_promoter_sees_nothing_of_shops_on_the_dashboard(client, shop):
    _as(client, UserFactory(role=Role.promoter))

    html = _html(client.get("/admin/"))

    assert 'id="this-week"' not in html and 'id="next-run"' not in html


# --- users --------------------------------------------------------------------------------------


@pytest.fixture
def admin(client):
    return _as(client, UserFactory(role=Role.admin))


def test_an_admin_creates_a_coordinator_who_can_log_in(admin, app):
    response = _post(admin, "/admin/users", {"role": "coordinator", "name": "زينة", "email": "Zeina@Example.com",
                                            "phone": "", "password": "long enough", "language": "ar"},
                     page="/admin/users/new")

    assert response.status_code == 303
    zeina = db.session.scalar(sa.select(User).where(User.email == "zeina@example.com"))
    assert zeina.role is Role.coordinator
    fresh = app.test_client()
    assert log_in(fresh, zeina, password="long enough").status_code == 303


def test_a_short_password_is_shown_beside_its_field(admin):
    response = _post(admin, "/admin/users", {"role": "seller", "email": "x@example.com", "password": "short",
                                            "language": "en"}, page="/admin/users/new")

    assert response.status_code == 422
    assert re.search(r'id="password-error"[^>]*>must be at least 8 characters', _html(response))


def test_an_email_already_taken_is_said_at_the_top_of_the_form(admin):
    UserFactory(email="taken@example.com")

    response = _post(admin, "/admin/users", {"role": "seller", "email": "taken@example.com",
                                            "password": "long enough", "language": "en"}, page="/admin/users/new")

    assert response.status_code == 409
    assert 'class="alert" role="alert">A user with email taken@example.com already exists.' in _html(response)


def test_a_reset_password_works_and_ends_the_old_api_tokens(admin, auth, client, app):
    reem = UserFactory()
    headers = auth(reem)

    response = _post(admin, f"/admin/users/{reem.id}/password", {"password": "a new password"},
                     page=f"/admin/users/{reem.id}")

    assert response.status_code == 303
    assert app.test_client().get("/api/v1/sellers", headers=headers).status_code == 401
    assert log_in(app.test_client(), reem, password="a new password").status_code == 303


def test_a_deactivated_account_cannot_log_in_nor_use_its_tokens(admin, auth, app):
    reem = UserFactory()
    headers = auth(reem)

    response = _post(admin, f"/admin/users/{reem.id}/active", {"active": "0"}, page=f"/admin/users/{reem.id}")

    assert response.status_code == 303
    assert app.test_client().get("/api/v1/sellers", headers=headers).status_code == 401
    assert log_in(app.test_client(), reem).status_code == 401
    assert db.session.scalar(sa.select(ApiToken.revoked_at).where(ApiToken.user_id == reem.id)) is not None


def test_an_admin_cannot_deactivate_herself(admin):
    response = _post(admin, f"/admin/users/{admin.user.id}/active", {"active": "0"}, page="/admin/")

    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).active


def test_users_are_found_by_name_email_or_phone(admin):
    UserFactory(name="Huda", email="huda@example.com", phone="+963944555666")
    UserFactory(name="Salma", email="salma@example.com")

    html = _html(admin.get("/admin/users?q=0944 555", headers=FRAGMENT))

    assert "Huda" in html and "Salma" not in html


def test_a_coordinator_cannot_reach_an_account(client):
    other = UserFactory()
    _as(client, UserFactory(role=Role.coordinator))

    assert client.get(f"/admin/users/{other.id}").status_code == 403
    response = client.post(f"/admin/users/{other.id}/active", data={"active": "0",
                                                                    "csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/admin/", "/admin/sellers", "/admin/sellers/new", "/admin/sellers/{seller}",
                                  "/admin/orders", "/admin/orders/{order}", "/admin/market-runs",
                                  "/admin/market-runs/{run}", "/admin/users", "/admin/users/new",
                                  "/admin/users/{user}"])
def test_arabic_pages_have_no_english_text_left(client, shop, run, path):
    from tests.test_admin import _visible_text

    admin = UserFactory(role=Role.admin, language=Language.ar)
    _as(client, admin)
    path = path.format(seller=shop["seller"].id, order=shop["order"].id, run=run.id, user=admin.id)

    response = client.get(path)

    assert response.status_code == 200
    text = _visible_text(_html(response))
    assert re.findall(r"[A-Za-z]+", re.sub(r"\bTRY\b", "", text)) == [], path


def test_the_market_runs_list_runs_the_same_queries_for_one_or_many_shops(client, count_queries):
    zeina = UserFactory(role=Role.coordinator)
    MarketRunFactory(seller=SellerFactory(owner=None, coordinator=zeina))
    _as(client, zeina)
    client.get("/admin/market-runs")

    with count_queries() as one:
        assert client.get("/admin/market-runs", headers=FRAGMENT).status_code == 200
    zeina = db.session.get(User, zeina.id)
    for _ in range(5):
        MarketRunFactory(seller=SellerFactory(owner=None, coordinator=zeina))
    client.get("/admin/market-runs")  # the new shops are read once (then remembered: shared/principals.py)
    with count_queries() as many:
        assert client.get("/admin/market-runs", headers=FRAGMENT).status_code == 200

    assert many.count == one.count


def test_a_paid_order_keeps_its_payment_form_behind_one_more_tap(reem, shop):
    order = shop["order"]
    page = f"/admin/orders/{order.id}"
    assert "Paid in full" not in _html(reem.get(page))

    _post(reem, f"{page}/payments", {"amount": "300", "method": "cash"}, page=page)

    html = _html(reem.get(page))
    assert re.search(r'<details class="later"><summary>Paid in full\. Record another payment anyway</summary>\s*'
                     r'<form class="stack" method="post" action="[^"]+/payments"', html)
