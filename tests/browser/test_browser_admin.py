"""The admin's sections in a real browser: search as you type, checks as you type, an order
moved in place, a foreign order, forms without JavaScript, a phone's width in both
languages (with screenshots), and a shopping list that prints on one A4 page."""
import re
from decimal import Decimal

import pytest

from shared.extensions import db
from shared.models import Language, Order, OrderStatus, Role
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE
from tests.factories import (
    CustomerFactory, MarketRunFactory, PASSWORD, ProductFactory, SellerFactory, UserFactory,
    order_with_lines,
)
from tests.browser.test_browser_pages import NO_HORIZONTAL_SCROLL

SAME_DOCUMENT = "window.sameDocument === true"


def _shop(language=Language.ar, products: int = 3, product_name: str = "كريم مرطّب للوجه {n} — Face moisturizer for dry skin, fifty millilitres"):
    """Reem's shop with long names, a pending order, and a run of two confirmed orders."""
    owner = UserFactory(role=Role.seller, language=language, name="ريم",
                        email="reem.alidlibi.home.cosmetics.seller@example.com")
    seller = SellerFactory(owner=owner, name="ريم للتجميل — Reem beauty and skin care from home",
                           whatsapp_phone="+963944111222")
    items = [ProductFactory(seller=seller, price=Decimal("150.00") + n,
                            name=product_name.format(n=n))
             for n in range(products)]
    customer = CustomerFactory(seller=seller, name="أم أحمد عبد الرحمن الإدلبية", phone="+963944111301")
    pending = order_with_lines(seller, [(items[0], 2)], customer=customer)
    run = MarketRunFactory(seller=seller)
    for n in range(2):
        order = order_with_lines(seller, [(item, n + 1) for item in items], status=OrderStatus.confirmed,
                                 customer=CustomerFactory(seller=seller))
        order.market_run = run
    db.session.commit()
    return {"owner": owner, "seller": seller, "order": pending, "run": run}


def _ready(page):
    page.wait_for_function("window.htmx")
    page.evaluate("window.sameDocument = true")


def test_active_search_narrows_the_sellers_list_as_you_type(page, log_in):
    zeina = UserFactory(role=Role.coordinator, language=Language.ar)
    for name in ("مطعم أبو خليل", "فلافل الشام", "بوتيك ياسمين"):
        SellerFactory(owner=None, coordinator=zeina, name=name)
    log_in(page, zeina)
    page.goto("/admin/sellers")
    _ready(page)
    assert page.locator("#rows li.row").count() == 3

    page.locator("#q").press_sequentially("ابو", delay=50)  # typed without the hamza

    expect(page.locator("#rows li.row")).to_have_count(1)
    assert "مطعم أبو خليل" in page.inner_text("#rows")
    assert page.evaluate(SAME_DOCUMENT)  # the rows were swapped; the page was not reloaded
    assert "q=" in page.url  # the address says what was searched


def test_an_orders_status_changes_in_place(page, log_in):
    shop = _shop(Language.en)
    log_in(page, shop["owner"])
    page.goto(f"/admin/orders/{shop['order'].id}")
    _ready(page)

    page.click("button[name=status][value=confirmed]")

    expect(page.locator("#order-status")).to_have_text("confirmed")
    assert page.evaluate(SAME_DOCUMENT)
    assert page.locator("button[name=status][value=purchased]").count() == 1
    assert "from pending to confirmed" in page.inner_text(".history")
    db.session.expire_all()
    assert db.session.get(Order, shop["order"].id).status is OrderStatus.confirmed


def test_a_seller_cannot_open_another_shops_order(page, log_in):
    theirs = _shop(Language.en)
    log_in(page, UserFactory(role=Role.seller, language=Language.ar))

    response = page.goto(f"/admin/orders/{theirs['order'].id}")

    assert response.status == 404
    assert page.inner_text("h1") == "غير موجود"
    assert theirs["order"].customer.name not in page.content()


def test_inline_validation_shows_an_arabic_error_for_a_bad_whatsapp_phone(page, log_in):
    log_in(page, UserFactory(role=Role.coordinator, language=Language.ar))
    page.goto("/admin/sellers/new")
    _ready(page)

    page.locator("#whatsapp_phone").press_sequentially("123", delay=50)

    error = page.locator("#whatsapp_phone-error")
    error.wait_for(state="visible")
    assert "ليس رقم هاتف صحيحاً" in error.inner_text()
    assert page.evaluate(SAME_DOCUMENT)

    page.locator("#whatsapp_phone").fill("٠٩٤٤ ١١١ ٢٢٢")  # right now, in Arabic-Indic digits
    error.wait_for(state="hidden")


@pytest.fixture
def no_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    context.route(lambda url: not url.startswith(live_server + "/"), lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


def test_status_and_payment_forms_work_with_javascript_off(no_javascript, log_in):
    page, shop = no_javascript, _shop(Language.en)
    log_in(page, shop["owner"])
    page.goto(f"/admin/orders/{shop['order'].id}")

    with page.expect_navigation():
        page.click("button[name=status][value=confirmed]")
    assert page.inner_text("#order-status") == "confirmed"

    page.fill("#amount", "١٠٠")
    with page.expect_navigation():
        page.click("text=Record the payment")
    assert "100.00 TRY" in page.inner_text("#order")
    db.session.expire_all()
    assert db.session.get(Order, shop["order"].id).amount_paid == Decimal("100.00")


def test_the_shopping_list_prints_on_one_a4_page(page, log_in):
    # A busy week: 30 products, named as Reem names them (Arabic — English).
    shop = _shop(Language.ar, products=30, product_name="كريم مرطّب للوجه {n} — Face moisturizer")
    log_in(page, shop["owner"])
    page.goto(f"/admin/market-runs/{shop['run'].id}")

    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=False)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "admin-shopping-list-ar.pdf").write_bytes(pdf)

    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


PAGES = {
    "dashboard": "/admin/",
    "sellers": "/admin/sellers",
    "seller": "/admin/sellers/{seller}",
    "seller-new": "/admin/sellers/new",
    "orders": "/admin/orders",
    "order": "/admin/orders/{order}",
    "market-runs": "/admin/market-runs",
    "market-run": "/admin/market-runs/{run}",
    "users": "/admin/users",
    "user-new": "/admin/users/new",
    "audit": "/admin/audit",
}


@pytest.mark.parametrize("language", [Language.ar, Language.en])
def test_every_page_fits_a_360_px_phone_in_both_languages(page, log_in, screenshot, language):
    shop = _shop(language)
    admin = UserFactory(role=Role.admin, language=language, name="Admin of the whole Tawasi service",
                        email="the.administrator.of.tawasi.back.office@example.com")
    log_in(page, admin)
    ids = {"seller": shop["seller"].id, "order": shop["order"].id, "run": shop["run"].id}

    for name, path in PAGES.items():
        response = page.goto(path.format(**ids))
        assert response.status == 200, name
        assert page.evaluate("document.documentElement.lang") == language.value
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways in {language.value}"
        screenshot(page, f"admin-{name}-{language.value}")
