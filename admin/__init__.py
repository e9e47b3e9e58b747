"""The HTMX admin (/admin): server-rendered pages over the same services as the API.

Views parse with the API's schemas, call a service in `shared/`, and render
(`admin.rendering.render`): a whole page, or for an htmx request one block of the same
template. Each URL is an `admin.conventions.View` (one commit per request). Sections:
views.py (login, language, dashboard), sellers.py, pages.py, products.py, customers.py,
orders.py, market_runs.py, reports.py, promotions.py, team.py, contests.py, users.py, audit.py.
No rule lives here.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    from admin import language, rendering, views
    from admin import (  # noqa: F401  (their views join views.bp)
        audit, contests, customers, market_runs, orders, pages, products, promotions, reports, sellers, team,
        users,
    )
    from admin.assets import content_security_policy
    from shared.problems import HTML_ERROR_PAGE

    app.register_blueprint(views.bp)
    language.init_app(app)
    app.extensions[HTML_ERROR_PAGE] = rendering.error_response  # errors under /admin
    app.config["CSP_ADMIN"] = app.config.get("CSP_ADMIN") or content_security_policy()
