"""What Zeina tripped on in a real browser at 360 px, in Arabic: a job paid in kind whose
long reward squeezed the figures' labels to a letter a line, a count typed by mistake
taken back in place, and a promoter who already has an account added to her team."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from playwright.sync_api import expect

from shared.models import Language
from tests.browser.test_browser_pages import NO_HORIZONTAL_SCROLL
from tests.factories import JobFactory, PromoterFactory, record_count


def _ready(page):
    page.wait_for_function("window.htmx")
    page.evaluate("window.sameDocument = true")


def test_a_job_paid_in_kind_fits_a_phone_with_its_labels_readable(page, log_in, screenshot):
    job = JobFactory(coordinator__language=Language.ar, page__seller__coordinator__language=Language.ar,
                     price=None, reward_description="صندوق حلويات مشكلة — a box of mixed sweets for the whole team",
                     reward_value=Decimal("200.00"), title="متابعون مقابل حلويات")
    record_count(job, 1300)
    log_in(page, job.coordinator)

    page.goto(f"/admin/promotions/{job.id}")

    assert page.evaluate(NO_HORIZONTAL_SCROLL), "the job paid in kind scrolls sideways"
    narrowest = page.evaluate("Math.min(...[...document.querySelectorAll('.totals dt')]"
                              ".map(dt => dt.getBoundingClientRect().width))")
    assert narrowest > 80, f"a label of the figures is {narrowest}px wide: a letter a line"
    screenshot(page, "admin-promotion-in-kind-ar")


def test_zeina_deletes_a_count_typed_by_mistake_in_place(page, log_in):
    job = JobFactory(coordinator__language=Language.ar, page__seller__coordinator__language=Language.ar,
                     baseline_count=1000, target_gain=1000, price=Decimal("300.00"), currency="TRY")
    record_count(job, 1500, at=datetime.now(timezone.utc) - timedelta(hours=2))
    log_in(page, job.coordinator)
    page.goto(f"/admin/promotions/{job.id}")
    _ready(page)
    page.fill("#count", "١٥٠")  # a zero forgotten
    page.click("#job form.stack button.primary")
    expect(page.locator("#job-progress")).to_have_attribute("value", "0")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("#counts-title ~ ol li").first.locator("button").click()

    expect(page.locator("#job-progress")).to_have_attribute("value", "50")
    expect(page.locator("#earned")).to_have_text("150.00 ل.ت")
    expect(page.locator("#counts-title ~ ol li")).to_have_count(1)
    assert asked and "150" in asked[0] and "حذف" in asked[0]
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate(NO_HORIZONTAL_SCROLL)


def test_zeina_adds_a_promoter_who_already_has_an_account(page, log_in, screenshot):
    job = JobFactory(coordinator__language=Language.ar, page__seller__coordinator__language=Language.ar)
    PromoterFactory(name="سلمى", email="salma.day@example.com", language=Language.ar)
    log_in(page, job.coordinator)
    page.goto("/admin/team")
    page.click("#members summary")

    page.fill(f"#who-{job.team_id}", "nobody@example.com")
    page.click("text=إضافتها إلى الفريق")
    expect(page.locator(f"#who-{job.team_id}-error")).to_contain_text("لا توجد مروّجة")
    screenshot(page, "admin-team-member-not-found-ar")

    page.fill(f"#who-{job.team_id}", "salma.day@example.com")
    page.click("text=إضافتها إلى الفريق")

    expect(page.locator(".notice")).to_contain_text("صارت في الفريق")
    expect(page.locator("#members .lines")).to_contain_text("سلمى")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)


def test_a_field_refused_on_save_is_no_longer_marked_once_put_right(page, log_in):
    from tests.factories import ClientShopFactory

    shop = ClientShopFactory(coordinator__language=Language.ar)
    log_in(page, shop.coordinator)
    page.goto(f"/admin/sellers/{shop.id}/pages/new")
    page.fill("#url", "not a url")
    page.click("#page-form button[type=submit]")
    expect(page.locator("#url")).to_have_attribute("aria-invalid", "true")
    _ready(page)

    page.locator("#url").fill("https://www.facebook.com/alsaada.sweets")
    page.locator("#url").dispatch_event("change")

    expect(page.locator("#url-error")).to_be_empty()
    expect(page.locator("#url")).not_to_have_attribute("aria-invalid", "true")
    page.locator("#url").fill("facebook.com/")
    page.locator("#url").dispatch_event("change")
    expect(page.locator("#url-error")).not_to_be_empty()
    expect(page.locator("#url")).to_have_attribute("aria-invalid", "true")


def test_the_dashboards_money_headings_wrap_between_words_only(page, log_in):
    job = JobFactory(coordinator__language=Language.ar, page__seller__coordinator__language=Language.ar)
    record_count(job, 1500)
    log_in(page, job.coordinator)

    page.goto("/admin/")

    split = page.evaluate("""[...document.querySelectorAll('.money-table th')].filter(th => {
        const words = th.textContent.trim().split(/\\s+/);
        const range = document.createRange(); range.selectNodeContents(th);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        return lines > words.length;
    }).map(th => th.textContent.trim())""")
    assert split == [], f"headings broken inside a word: {split}"
    assert page.evaluate(NO_HORIZONTAL_SCROLL)


def test_reem_records_an_order_on_her_phone_in_arabic(page, log_in, screenshot):
    from shared.models import Role
    from tests.factories import ProductFactory, SellerFactory, UserFactory

    reem = UserFactory(role=Role.seller, language=Language.ar, name="ريم")
    seller = SellerFactory(owner=reem, phone_region="SY")
    cream = ProductFactory(seller=seller, name="كريم مرطّب للوجه — Face moisturizer", price="150.00", currency="TRY")
    log_in(page, reem)
    page.goto("/admin/orders")
    page.click("text=طلب جديد")
    page.wait_for_selector("#order-form")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    screenshot(page, "admin-order-new-ar")

    page.fill("#name", "أم سامر")
    page.fill("#phone", "٠٩٤٤ ١١١ ٣٠٩")
    page.select_option("#product_0", cream.id)
    page.fill("#quantity_0", "٢")
    with page.expect_navigation():
        page.click("#order-form button.primary")

    expect(page.locator("h1")).to_contain_text("أم سامر")
    expect(page.locator("#order")).to_contain_text("300.00 ل.ت")
