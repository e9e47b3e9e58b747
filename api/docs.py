"""The API's docs page (/docs): Swagger UI 5, which renders OpenAPI 3.1, over /openapi.json.

Its files come from a pinned PyPI package (flask-swagger-ui bundles the Swagger UI
distribution), served by the app under a versioned URL, so the page works with no
internet and a phone keeps the 1.6 MB script for a year. DOCS_ASSETS_URL may point at
another copy (a CDN); shared/security.py then lets the page load from there. The page
runs no inline script (its CSP forbids them): docs.js starts Swagger UI.
"""
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, abort, current_app, render_template, send_from_directory

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
SWAGGER_UI_VERSION = (SWAGGER_UI_DIST / "VERSION").read_text().strip().lstrip("v")
YEAR = 365 * 24 * 3600

blp = Blueprint("docs", __name__, template_folder="templates", static_folder="static",
                static_url_path="/docs/static")


def assets_url() -> str:
    """Where the page loads Swagger UI from: DOCS_ASSETS_URL, else this server."""
    return (current_app.config.get("DOCS_ASSETS_URL")
            or f"/docs/assets/{SWAGGER_UI_VERSION}/")


@blp.get("/docs")
def page():
    return render_template("docs/index.html", title=current_app.config["API_TITLE"],
                           assets=assets_url(), spec_url="/openapi.json")


@blp.get("/docs/assets/<asset_version>/<path:name>")
def asset(asset_version: str, name: str):
    if asset_version != SWAGGER_UI_VERSION:
        abort(404)
    response = send_from_directory(SWAGGER_UI_DIST, name, max_age=YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def init_app(app) -> None:
    app.register_blueprint(blp)
