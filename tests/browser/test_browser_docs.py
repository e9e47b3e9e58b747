"""The API docs in a real browser with no internet: Swagger UI from this server renders the
spec under the page's CSP, and the problem pages read in both languages."""


def test_the_docs_render_the_spec_from_this_server_alone(page, screenshot):
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error" else None)

    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info .title")

    assert "Tawasi API" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock-summary-operation-id", has_text="listOrders").count() == 1
    assert refused == []
    screenshot(page, "docs")


def test_a_problem_page_reads_right_to_left_in_arabic(page, screenshot):
    page.goto("/problems/invalid-transition?lang=ar")

    assert page.inner_text("h1") == "تغيير الحالة غير مسموح"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    screenshot(page, "problem-invalid-transition-ar")
