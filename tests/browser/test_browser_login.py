"""Logging in to the admin in a real browser: the form, its errors, its CSRF token."""
from tests.factories import PASSWORD, UserFactory


def test_login_takes_a_person_to_the_dashboard(page, log_in):
    user = UserFactory(email="zeina@example.com")

    log_in(page, user)

    assert page.url.endswith("/admin/")
    assert "zeina@example.com" in page.inner_text("main")


def test_login_returns_to_the_page_asked_for(page, log_in):
    user = UserFactory()
    page.goto("/admin/?from=bookmark")
    assert "/admin/login?next=" in page.url

    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")

    assert page.url.endswith("/admin/?from=bookmark")


def test_wrong_password_shows_the_error_beside_the_form_in_arabic(page):
    UserFactory(email="zeina@example.com")
    page.goto("/admin/login")

    page.fill("#email", "zeina@example.com")
    page.fill("#password", "not her password")
    with page.expect_navigation() as navigation:
        page.click("form.stack button[type=submit]")

    assert navigation.value.status == 401
    assert page.inner_text("#login-problem") == "البريد الإلكتروني أو كلمة المرور غير صحيحة."
    assert page.input_value("#email") == "zeina@example.com"  # typed once, kept
    page.goto("/admin/")
    assert "/admin/login" in page.url  # still logged out


def test_login_without_its_csrf_token_is_refused(page):
    user = UserFactory()
    page.goto("/admin/login")
    page.eval_on_selector("form.stack input[name=csrf_token]", "input => input.remove()")

    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation() as navigation:
        page.click("form.stack button[type=submit]")

    assert navigation.value.status == 400
    page.goto("/admin/")
    assert "/admin/login" in page.url


def test_login_works_with_javascript_off(browser, live_server):
    user = UserFactory()
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.route(lambda url: not url.startswith(live_server + "/"), lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto("/admin/login")
        page.fill("#email", user.email)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("form.stack button[type=submit]")

        assert page.url.endswith("/admin/")
        assert user.email in page.inner_text("main")
    finally:
        context.close()
