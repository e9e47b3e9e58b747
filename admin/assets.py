"""The one script the admin loads from outside: htmx, pinned, with its SRI hash.

The version is also pinned in package.json (npm), from which the browser tests serve
the same file in place of the CDN URL; tests/test_admin_pages.py checks that
HTMX_INTEGRITY is the hash of that file, so a bump of one without the other fails.
"""
HTMX_VERSION = "2.0.11"
HTMX_URL = f"https://unpkg.com/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"

# htmx settings for every page (<meta name="htmx-config">):
# - error pages (4xx/5xx) are swapped in like any page, so a refused action shows its
#   message instead of nothing;
# - no copy of a page is kept in the browser's storage (a phone is often shared), and
#   the back button reloads the page from the server, whole.
HTMX_CONFIG = {
    # htmx's own <style> for indicators would need 'unsafe-inline': admin.css has them.
    "includeIndicatorStyles": False,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "[45]..", "swap": True, "error": True},
    ],
    "historyCacheSize": 0,
    "refreshOnHistoryMiss": True,
    "historyRestoreAsHxRequest": False,
}


def content_security_policy() -> str:
    """The admin's pages load only themselves and the pinned htmx (shared/security.py sends it)."""
    return ("default-src 'self'; "
            f"script-src 'self' {HTMX_URL}; style-src 'self'; img-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
