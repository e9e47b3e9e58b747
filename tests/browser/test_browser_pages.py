"""The admin's pages in a real browser: both languages, a phone's width, htmx at work."""
import pytest

from admin.assets import HTMX_VERSION
from shared.extensions import db
from shared.models import Language, User
from tests.factories import UserFactory

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _direction(page) -> tuple[str, str]:
    return page.evaluate("[document.documentElement.lang, document.documentElement.dir]")


def test_the_admin_starts_in_arabic_even_on_a_phone_set_to_english(page):
    page.goto("/admin/login")  # the page fixture's browser sends Accept-Language: en-US

    assert _direction(page) == ["ar", "rtl"]
    assert page.inner_text("h1") == "تسجيل الدخول"


def test_switching_the_language_flips_the_direction(page):
    page.goto("/admin/login?next=/admin/")

    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    assert _direction(page) == ["en", "ltr"]
    assert page.inner_text("h1") == "Log in"
    assert page.url.endswith("/admin/login?next=/admin/")  # back on the same page

    with page.expect_navigation():
        page.click("button[name=language][value=ar]")
    assert _direction(page) == ["ar", "rtl"]


def test_a_logged_in_persons_choice_is_kept_on_their_account(page, log_in):
    user = UserFactory(language=Language.ar)
    log_in(page, user)

    with page.expect_navigation():
        page.click("button[name=language][value=en]")

    assert _direction(page) == ["en", "ltr"]
    assert page.url.endswith("/admin/")
    db.session.expire_all()
    assert db.session.get(User, user.id).language is Language.en


@pytest.mark.parametrize("language", [Language.ar, Language.en])
def test_pages_fit_a_360_px_phone_without_horizontal_scroll(page, log_in, screenshot, language):
    user = UserFactory(  # long words that do not break by themselves
        language=language, name="زينة عبد الرحمن الحموية-المنسقة-الأولى-لفريق-الترويج",
        email="zeina.abdulrahman.alhamawi.promotion.team.coordinator@example.com",
    )
    page.goto("/admin/login")
    if language is Language.en:
        with page.expect_navigation():
            page.click("button[name=language][value=en]")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    screenshot(page, f"admin-login-{language.value}")

    log_in(page, user)

    assert _direction(page)[0] == language.value
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    screenshot(page, f"admin-dashboard-{language.value}")


def test_htmx_loads_from_its_pinned_url_with_a_matching_integrity_hash(page, log_in):
    log_in(page, UserFactory())

    # A wrong `integrity` makes the browser refuse the script: htmx would be missing.
    assert page.wait_for_function("window.htmx && htmx.version").json_value() == HTMX_VERSION


def test_a_boosted_link_swaps_the_page_without_reloading_it(page, log_in):
    log_in(page, UserFactory(language=Language.en))
    page.wait_for_function("window.htmx")
    page.evaluate("window.sameDocument = true")

    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true") as answer:
        page.click("a.brand")
    page.wait_for_function("document.title.startsWith('Dashboard')")

    assert answer.value.status == 200
    assert "<html" not in answer.value.text()
    assert page.evaluate("window.sameDocument") is True  # no page load: htmx swapped <body>
    assert page.locator("header.bar").count() == 1
