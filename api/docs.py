"""The API's docs page (/docs): Swagger UI 5, which renders OpenAPI 3.1, over /openapi.json.

Its files come from a pinned PyPI package (flask-swagger-ui bundles the Swagger UI
distribution), served by the app under a versioned URL, so the page works with no
internet; gzipped once (the 1.6 MB script travels as 0.5 MB), and a phone keeps it for a
year. DOCS_ASSETS_URL may point at
another copy (a CDN); shared/security.py then lets the page load from there. The page
runs no inline script (its CSP forbids them): docs.js starts Swagger UI.
"""
import gzip
import mimetypes
from functools import lru_cache
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.security import safe_join

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


@lru_cache(maxsize=32)
def _asset(name: str) -> tuple[bytes, bytes] | None:
    """A file of the distribution, as it is and gzipped; None when there is no such file."""
    path = safe_join(str(SWAGGER_UI_DIST), name)
    if path is None or not Path(path).is_file():
        return None
    data = Path(path).read_bytes()
    return data, gzip.compress(data, compresslevel=9, mtime=0)


@blp.get("/docs/assets/<asset_version>/<path:name>")
def asset(asset_version: str, name: str):
    found = _asset(name) if asset_version == SWAGGER_UI_VERSION else None
    if found is None:
        abort(404)
    plain, gzipped = found
    zipped = "gzip" in request.accept_encodings
    response = Response(gzipped if zipped else plain,
                        mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream")
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    return response


def init_app(app) -> None:
    app.register_blueprint(blp)
