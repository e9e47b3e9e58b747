"""Zeina's pages in a real browser: a count recorded in place, a page address checked as
it is typed (in Arabic), and her pages at a phone's width in both languages."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from shared.extensions import db
from shared.models import Contest, Contribution, ContributionKind, Language, ReviewStatus, Role
from tests.browser.test_browser_pages import NO_HORIZONTAL_SCROLL
from tests.factories import ClientShopFactory, JobFactory, PageFactory, PromoterFactory, assign, record_count


def _ready(page):
    page.wait_for_function("window.htmx")
    page.evaluate("window.sameDocument = true")


def test_recording_a_count_moves_the_progress_bar_and_the_earnings_in_place(page, log_in):
    job = JobFactory(coordinator__language=Language.en, page__seller__coordinator__language=Language.en,
                     baseline_count=1000, target_gain=1000, price=Decimal("300.00"), currency="TRY")
    log_in(page, job.coordinator)
    page.goto(f"/admin/promotions/{job.id}")
    _ready(page)
    assert page.get_attribute("#job-progress", "value") == "0"
    assert page.locator("#job-chart").count() == 0

    page.fill("#count", "1500")
    page.click("text=Record the count")

    expect(page.locator("#job-progress")).to_have_attribute("value", "50")
    expect(page.locator("#earned")).to_have_text("150.00 TRY")
    expect(page.locator("#job-chart circle")).to_have_count(1)
    assert page.evaluate("window.sameDocument") is True  # no page load: htmx swapped the job in place
    assert page.input_value("#count") == ""


def test_inline_validation_shows_an_arabic_error_for_a_bad_page_url(page, log_in):
    shop = ClientShopFactory(coordinator__language=Language.ar)
    log_in(page, shop.coordinator)
    page.goto(f"/admin/sellers/{shop.id}/pages/new")
    _ready(page)

    page.locator("#url").press_sequentially("example.com/abukhalil", delay=30)

    error = page.locator("#url-error")
    error.wait_for(state="visible")
    assert "ليس عنوان صفحة على فيسبوك" in error.inner_text()
    assert page.evaluate("window.sameDocument") is True

    page.locator("#url").fill("facebook.com/abukhalil")
    page.locator("#url").dispatch_event("change")
    error.wait_for(state="hidden")
    page.select_option("#platform", "instagram")  # the same address, now checked against Instagram
    error.wait_for(state="visible")
    assert "إنستغرام" in error.inner_text() or "Instagram" in error.inner_text()


def _zeinas_work(language):
    job = JobFactory(coordinator__language=language, coordinator__name="زينة",
                     page__seller__coordinator__language=language, page__seller__name="مطعم أبو خليل",
                     page__name="مطعم أبو خليل — الصفحة الرسمية على فيسبوك", title="١٠٠٠ متابع لمطعم أبو خليل")
    huda = PromoterFactory(name="هدى عبد الرحمن", language=language)
    assign(job, huda)
    for n, count in enumerate((1100, 1300, 1500)):
        record_count(job, count, at=datetime(2026, 11, 20 + n, 12, tzinfo=timezone.utc))
    db.session.add(Contribution(job_id=job.id, team_id=job.team_id, user_id=huda.id, kind=ContributionKind.followers,
                                quantity=120, note="دعوت صديقاتي", status=ReviewStatus.pending, rejection_reason=""))
    db.session.add(Contest(team_id=job.team_id, shop_name="عطورات الريحان", title="مسابقة أجمل تعليق",
                           prize_description="طقم عطور", starts_at=datetime(2026, 11, 20, tzinfo=timezone.utc),
                           ends_at=datetime(2026, 11, 27, tzinfo=timezone.utc), notes=""))
    db.session.commit()
    return job, huda


@pytest.mark.parametrize("language", [Language.ar, Language.en])
def test_zeinas_pages_fit_a_360_px_phone_in_both_languages(page, log_in, screenshot, language):
    job, huda = _zeinas_work(language)
    log_in(page, job.coordinator)
    pages = {
        "dashboard-promotions": "/admin/",
        "promotions": "/admin/promotions",
        "promotion": f"/admin/promotions/{job.id}",
        "promotion-new": "/admin/promotions/new",
        "team": "/admin/team",
        "contests": "/admin/contests",
        "contest-new": "/admin/contests/new",
        "client-shop": f"/admin/sellers/{job.seller_id}",
        "page-new": f"/admin/sellers/{job.seller_id}/pages/new",
        "page": f"/admin/pages/{job.page_id}",
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, name
        assert page.evaluate("document.documentElement.lang") == language.value
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways in {language.value}"
        screenshot(page, f"admin-{name}-{language.value}")

    page.goto("/admin/")
    assert page.get_attribute("#active-jobs progress", "value") == "50"


@pytest.mark.parametrize("language", [Language.ar, Language.en])
def test_a_promoters_pages_fit_a_360_px_phone(page, log_in, screenshot, language):
    job, huda = _zeinas_work(language)
    log_in(page, huda)
    for name, path in {"promoter-dashboard": "/admin/", "promoter-team": "/admin/team",
                       "promoter-promotion": f"/admin/promotions/{job.id}"}.items():
        response = page.goto(path)
        assert response.status == 200, name
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways in {language.value}"
        screenshot(page, f"admin-{name}-{language.value}")


@pytest.mark.parametrize("language", [Language.ar, Language.en])
def test_reems_books_fit_a_360_px_phone(page, log_in, screenshot, language):
    from tests.browser.test_browser_admin import _shop

    shop = _shop(language)
    log_in(page, shop["owner"])
    paths = {"products": "/admin/products", "product-new": "/admin/products/new",
             "customers": "/admin/customers", "customer": f"/admin/customers/{shop['order'].customer_id}",
             "reports": "/admin/reports"}
    for name, path in paths.items():
        response = page.goto(path)
        assert response.status == 200, name
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways in {language.value}"
        screenshot(page, f"admin-{name}-{language.value}")


def test_recording_a_count_works_with_javascript_off(browser, live_server, log_in):
    from tests.browser.conftest import PHONE

    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    context.route(lambda url: not url.startswith(live_server + "/"), lambda route: route.abort())
    page = context.new_page()
    try:
        job = JobFactory(coordinator__language=Language.en, page__seller__coordinator__language=Language.en)
        log_in(page, job.coordinator)
        page.goto(f"/admin/promotions/{job.id}")

        page.fill("#count", "١٥٠٠")
        with page.expect_navigation():
            page.click("text=Record the count")

        assert page.get_attribute("#job-progress", "value") == "50"
        assert page.inner_text("#earned") == "150.00 TRY"
        assert page.inner_text("[role=status]") == "Count recorded."
    finally:
        context.close()
