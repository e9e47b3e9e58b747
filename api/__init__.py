"""The JSON REST API (/api/v1): flask-smorest blueprints that parse, call a service, dump."""
from flask_smorest import Api

from api import (
    auth, client_payments, contests, contributions, conventions, customers, market_runs, orders, pages,
    payouts, products, promotions, reports, sellers, statements, teams, whatsapp,
)
from shared.schemas.problems import Problem


class TawasiApi(Api):
    ERROR_SCHEMA = Problem  # documents the problem details the app's error handlers send


api = TawasiApi()

BLUEPRINTS = (
    auth.blp, sellers.blp, products.blp, customers.blp, orders.blp, whatsapp.blp,
    market_runs.blp, reports.blp, pages.blp, promotions.blp, teams.blp, contributions.blp,
    payouts.sets_blp, payouts.blp, client_payments.blp, statements.blp, contests.blp,
)


def init_app(app) -> None:
    api.init_app(app, spec_kwargs={
        "info": {
            "description": (
                "Tawasi keeps the books of people who sell and promote from home over "
                "social media. All money is a decimal string beside an ISO 4217 code. "
                "Errors are RFC 9457 problem details, their texts in Arabic or English: "
                "the best of Accept-Language (ar, en), else the user's language, else "
                "English; Content-Language says which. Lists are newest first with cursor "
                "pagination (Link rel=\"next\"). Every change (POST, PATCH, DELETE) "
                "accepts Idempotency-Key, so a retry on a bad network is safe; reads "
                "answer ETag and honour If-None-Match; changes honour If-Match."
            ),
        },
        "security": [{"bearerAuth": []}],
    })
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "Token from POST /api/v1/auth/tokens"}
    )
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    conventions.init_app(app)
