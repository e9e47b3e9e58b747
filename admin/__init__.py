"""The HTMX admin (/admin): server-rendered pages over the same services as the API."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def init_app(app) -> None:
    app.register_blueprint(bp)
