"""Batch: up to 100 queued writes of an offline phone, applied in order through the same views.

Each operation is dispatched through the app as if it came alone: the same token, rules,
schemas, Idempotency-Key, client-chosen ids and problems, so its answer is the one it
alone would have got. All run on the batch request's one database connection, each in
a savepoint of its own (an operation's session joins that connection with
`join_transaction_mode="create_savepoint"`: its commit releases its savepoint, its
rollback undoes only it), and the batch request commits once at the end. Atomic: the
first failure stops the batch and rolls everything back.

SQLite: pysqlite begins a transaction only before its first INSERT/UPDATE/DELETE, and a
SAVEPOINT outside a transaction would then be released as a commit. So the connection
begins its transaction explicitly first (BEGIN IMMEDIATE: the batch is a writer and
takes the write lock once, instead of failing to upgrade a read later).
"""
import json

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.test import EnvironBuilder

from api.conventions import Blueprint, View, forget_replay
from shared.extensions import db
from shared.i18n import lazy_concat
from shared.problems import problem
from shared.schemas.sync import BatchRequest, BatchResponse
from shared.services import webhooks

blp = Blueprint("batch", __name__, url_prefix="/api/v1/batch",
                description="Queued writes of an offline phone, applied in one request.")

_PASSED_HEADERS = ("Authorization", "Accept-Language")
_ANSWER_HEADERS = ("Location", "ETag", "Content-Language", "Idempotent-Replayed")

EXAMPLE = {
    "atomic": True,
    "operations": [
        {"method": "POST", "path": "/api/v1/customers", "idempotency_key": "c-1",
         "body": {"id": "01jd3m0a8b9c0d1e2f3g4h5j6k", "name": "أم أحمد", "phone": "0944 111 222"}},
        {"method": "POST", "path": "/api/v1/orders",
         "body": {"id": "01jd3m0b8b9c0d1e2f3g4h5j6k", "customer_id": "01jd3m0a8b9c0d1e2f3g4h5j6k",
                  "lines": [{"product_id": "01jd3k7a8b9c0d1e2f3g4h5j6k", "quantity": 2}]}},
    ],
}


def _begin(session: Session):
    """The request's connection, in a transaction that savepoints can nest in (see above)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return connection


def _answer(response) -> dict:
    headers = {name: response.headers[name] for name in _ANSWER_HEADERS if name in response.headers}
    body = response.get_json(silent=True) if response.status_code != 204 else None
    return {"status": response.status_code, "headers": headers, "body": body}


def _problem(status: int, detail, **extra) -> dict:
    response = problem(status, detail, **extra)
    return {"status": status, "headers": {"Content-Language": response.headers["Content-Language"]},
            "body": json.loads(response.get_data())}


def _dispatch(connection, operation: dict) -> dict:
    """One operation through the app, as a request of its own on the batch's connection."""
    app = current_app._get_current_object()
    headers = {name: request.headers[name] for name in _PASSED_HEADERS if name in request.headers}
    if operation["idempotency_key"]:
        headers["Idempotency-Key"] = operation["idempotency_key"]
    if operation["if_match"]:
        headers["If-Match"] = operation["if_match"]
    body = {} if operation["body"] is None else {"json": operation["body"]}
    environ = EnvironBuilder(path=operation["path"], method=operation["method"], headers=headers,
                             base_url=request.host_url, environ_base={"REMOTE_ADDR": request.remote_addr or ""},
                             **body).get_environ()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    webhooks.joined(session)
    with app.app_context():  # its own `g` and session: nothing leaks from one operation to the next
        db.session.registry.set(session)
        with app.request_context(environ):
            response = app.full_dispatch_request()
        webhooks.carry_over(session, db.session)
    return _answer(response)


@blp.route("")
class Batch(View):
    @blp.arguments(BatchRequest, example=EXAMPLE)
    @blp.response(200, BatchResponse)
    def post(self, data):
        """Apply queued writes

        Up to 100 operations `{method, path, body, idempotency_key, if_match}` of this API,
        applied in order, each exactly as if sent alone (same rules, same answers, same
        problems); `results` holds their answers in the same order. Give each create a
        client-chosen `id` (or each operation an `idempotency_key`) and the whole batch
        can be sent again safely: what was applied answers as the first time. Without
        `atomic`, an operation that fails changes nothing and the others still apply;
        with `"atomic": true` the first failure stops the batch and nothing applies
        (`applied: false`; the operations before it answer 424, those after it are not
        run).
        """
        connection = _begin(db.session)
        own_key = request.headers.get("Idempotency-Key")
        results, failed_at = [], None
        for number, operation in enumerate(data["operations"], 1):
            if operation["path"].rstrip("/").startswith("/api/v1/batch"):
                results.append(_problem(422, _l("A batch cannot contain a batch."),
                                        errors={"path": [_l("A batch cannot contain a batch.")]}))
            elif operation["idempotency_key"] and operation["idempotency_key"] == own_key:
                reason = _l("must differ from the batch's own Idempotency-Key")
                results.append(_problem(422, lazy_concat("idempotency_key: ", reason),
                                        errors={"idempotency_key": [reason]}))
            else:
                results.append(_dispatch(connection, operation))
            if data["atomic"] and results[-1]["status"] >= 400:
                failed_at = number
                break
        if failed_at is not None:
            db.session.rollback()
            forget_replay()  # the batch's own Idempotency-Key went with the rollback
            webhooks.forget(db.session)
            undone = _problem(424, _l(
                "Operation %(number)s failed and the batch is atomic, so nothing was applied.",
                number=failed_at), code="batch-not-applied", failed_operation=failed_at)
            results = [undone] * (failed_at - 1) + results[failed_at - 1:]
            results += [undone] * (len(data["operations"]) - failed_at)
        return {"atomic": data["atomic"], "applied": failed_at is None, "results": results}
