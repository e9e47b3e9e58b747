"""The JSON REST API (/api/v1): flask-smorest blueprints that parse, call a service, dump."""
from flask_smorest import Api

from api import (
    audit, auth, batch, client_payments, contests, contributions, conventions, customers, docs, market_runs,
    me, orders, pages, payouts, problem_pages, products, promotions, reports, sellers, statements,
    sync, teams, webhooks, whatsapp,
)
from api.spec import ContractMarshmallowPlugin, ResponseRequiredPlugin, register_problems


class TawasiApi(Api):
    # No catch-all `default` response: each operation lists the problems it can answer
    # (api.conventions), as the responses api.spec registers.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_responses(self):
        register_problems(self.spec)

    # flask-smorest's own ETag and pagination headers are not used here (api.conventions
    # documents ours): registered, they would leave unused components in the document.
    def _register_etag_headers(self):
        pass

    def _register_pagination_header(self):
        pass


api = TawasiApi()

BLUEPRINTS = (
    auth.blp, me.blp, sellers.blp, products.blp, customers.blp, orders.blp, whatsapp.blp,
    market_runs.blp, reports.blp, pages.blp, promotions.blp, teams.blp, contributions.blp,
    payouts.sets_blp, payouts.blp, client_payments.blp, statements.blp, contests.blp,
    sync.blp, batch.blp, webhooks.blp, audit.blp,
)

DESCRIPTION = """Tawasi keeps the books of people who sell and promote from home over social
media.

- **Auth**: `POST /api/v1/auth/tokens` gives a bearer token and who you are (the same
  summary as `GET /api/v1/me`); send `Authorization: Bearer <token>` on every other call.
- **Money** is a decimal string beside an ISO 4217 code (`"150.00"`, `"TRY"`); amounts,
  integers and dates may be typed with Arabic-Indic digits (`"١٥٠"`), as each field's
  pattern says.
- **Errors** are RFC 9457 problem details (`application/problem+json`). Branch on `code`;
  `type` is a page explaining the kind (`/problems/invalid-transition`). Texts are in
  Arabic or English: the best of Accept-Language (ar, en), else the user's language, else
  English; Content-Language says which. Each operation lists the problems it can answer.
- **Lists** are newest first with cursor pagination (`Link: <...>; rel="next"`).
- **Retries and changes**: every change (POST, PATCH, PUT, DELETE) accepts
  `Idempotency-Key` (a retry returns the first answer, so a bad network never doubles
  anything); reads answer `ETag` and honour `If-None-Match` (304); changes honour
  `If-Match` (412 when stale); a `201 Created` carries the new object's `ETag`, and its
  `Location` where it has an address of its own.
"""


def init_app(app) -> None:
    api.init_app(app, spec_kwargs={
        "marshmallow_plugin": ContractMarshmallowPlugin(),
        "extra_plugins": [ResponseRequiredPlugin()],
        "info": {
            "description": DESCRIPTION,
            "contact": app.config["API_CONTACT"],
            "license": app.config["API_LICENSE"],
        },
        "servers": [{"url": "/", "description": "This server"}],
        "security": [{"bearerAuth": []}],
    })
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "Token from POST /api/v1/auth/tokens"}
    )
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    conventions.init_app(app)
    problem_pages.init_app(app)
    docs.init_app(app)

