"""One app, two faces: errors and the login wall answer each face in its own format."""
import pytest
from flask_login import login_required

from shared.errors import Conflict
from wsgi import create_app


@pytest.fixture
def probe_app(database_url):
    """The app with probe routes on both faces (a login wall, a domain error)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})

    @app.route("/admin/_probe/private")
    @login_required
    def private():
        return "secret"

    @app.route("/admin/_probe/conflict")
    @app.route("/api/v1/_probe/conflict")
    def conflict():
        raise Conflict("Order 3 is delivered and cannot become pending.", allowed=[])

    return app


def test_an_unknown_admin_page_is_an_html_page_and_an_unknown_api_url_a_problem(client):
    admin, api = client.get("/admin/nowhere"), client.get("/api/v1/nowhere")

    assert (admin.status_code, admin.mimetype) == (404, "text/html")
    assert "<html" in admin.get_data(as_text=True)
    assert (api.status_code, api.mimetype) == (404, "application/problem+json")


def test_a_domain_error_takes_the_shape_of_its_face(probe_app):
    client = probe_app.test_client()

    page = client.get("/admin/_probe/conflict", headers={"Accept-Language": "en"})
    problem = client.get("/api/v1/_probe/conflict")

    assert (page.status_code, page.mimetype) == (409, "text/html")
    assert "cannot become pending" in page.get_data(as_text=True)
    assert (problem.status_code, problem.mimetype) == (409, "application/problem+json")
    assert problem.json["detail"] == "Order 3 is delivered and cannot become pending."


def test_the_login_wall_redirects_the_admin_and_answers_the_api_401(probe_app, client):
    admin = probe_app.test_client().get("/admin/_probe/private")
    htmx = probe_app.test_client().get("/admin/_probe/private", headers={"HX-Request": "true"})
    api = client.get("/api/v1/products")

    assert admin.status_code == 302
    assert admin.headers["Location"].startswith("/admin/login")
    assert "next=" in admin.headers["Location"]
    assert (htmx.status_code, htmx.headers["HX-Redirect"].startswith("/admin/login")) == (401, True)
    assert (api.status_code, api.mimetype) == (401, "application/problem+json")
