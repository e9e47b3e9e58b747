"""Browser tests: the real app over HTTP, driven by Debian's Chromium through Playwright.

- `live_server`: the session's app (on the test database) served by werkzeug in a thread;
  its base URL. Data a test makes with the factories is committed, so the server sees it.
- `browser`: one Chromium (/usr/bin/chromium, or $CHROMIUM) for the whole session.
- `page`: a new browser context per test (no cookies), sized like a cheap Android phone
  (360 x 740) whose language is English; `page.goto("/admin/")` is relative to the server.
  The htmx CDN URL is answered with node_modules/htmx.org's file; any other request
  outside the server is refused, and the test fails if one was attempted.
- `log_in(page, user)` and `screenshot(page, name)` (PNG under test-artifacts/).

Without Chromium, Playwright or the htmx file the tests skip and say why; under CI=true
they fail instead, so a CI run never passes without its browser tests.
"""
import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from admin.assets import HTMX_URL
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HTMX_FILE = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium against the app served over HTTP")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def unavailable(reason: str):
    """Skip, or fail under CI=true: CI must never pass without running the browser tests."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -r requirements-dev.txt)")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, as .ci/run does)")
    if not HTMX_FILE.is_file():
        unavailable(f"no {HTMX_FILE.relative_to(ROOT)} (make test-assets; it needs npm)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="en-US")
    context.set_default_timeout(10_000)
    outside: list[str] = []

    def answer_outside(route):
        if route.request.url == HTMX_URL:
            route.fulfill(path=HTMX_FILE, content_type="text/javascript; charset=utf-8",
                          headers={"Access-Control-Allow-Origin": "*"})  # crossorigin="anonymous"
        else:
            outside.append(route.request.url)
            route.abort()

    context.route(lambda url: not url.startswith(live_server + "/"), answer_outside)
    yield context.new_page()
    context.close()
    assert not outside, f"the page tried to reach outside the app: {outside}"


@pytest.fixture
def log_in():
    def log_in(page, user, password: str = PASSWORD):
        """Logs `user` in with the login form, as a person would; waits for the next page."""
        page.goto("/admin/login")
        page.fill("#email", user.email)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("form.stack button[type=submit]")
        return page
    return log_in


@pytest.fixture
def screenshot():
    def screenshot(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path
    return screenshot
