"""Background work on Huey: webhook deliveries, the sweep that finds any left behind, upkeep.

The queue is SQLite under instance/ (huey.db) by default, Redis when REDIS_URL is set
(several servers share it); tests use memory (HUEY_STORAGE=memory). `make run` starts
the worker beside the web server (Procfile); by hand: `huey_consumer worker.huey`.

Tasks run in the app's context (`init_app` keeps the app) with sessions of their own.
The sweep runs every minute and when a worker starts: every delivery still pending and
due is queued again, so a worker killed mid-delivery (or a queue that lost a task) loses
nothing; a delivery another worker holds is queued for when its lease ends.
"""
import logging
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

from flask import current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy.orm import Session

from shared.models import utcnow

log = logging.getLogger(__name__)

huey = Huey("tawasi", storage_class=MemoryStorage, results=False, utc=True)
_app = None


def init_app(app) -> None:
    """Bind the queue to the app's settings, and the tasks to the app."""
    global _app
    _app = app
    kind = app.config.get("HUEY_STORAGE") or ("redis" if app.config.get("REDIS_URL") else "sqlite")
    if kind == "memory":
        huey.storage_class, huey.storage_kwargs = MemoryStorage, {}
    elif kind == "redis":
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": app.config["REDIS_URL"]}
    else:
        path = app.config.get("HUEY_SQLITE_PATH") or str(Path(app.instance_path) / "huey.db")
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": path}
    huey.storage = huey.create_storage()


def _context():
    """The app's context: the one already pushed (a test, a request), else the worker's app."""
    return nullcontext() if has_app_context() else _app.app_context()


def attempt_delivery(delivery_id: str) -> float | None:
    """One attempt at a webhook delivery, in three steps: hold it (committed, so no other
    worker takes it), send it outside any transaction, record what came back. Returns the
    seconds until the next attempt when it failed and one is left."""
    from datetime import timedelta

    from shared.extensions import db
    from shared.services import webhook_delivery

    with _context():
        config = current_app.config
        with Session(db.engine) as session:
            claimed = webhook_delivery.claim(session, delivery_id,
                                             lease=timedelta(seconds=config["WEBHOOK_LEASE_SECONDS"]))
            session.commit()
        if claimed is None:
            return None
        sent_at, outcome = webhook_delivery.send(claimed, timeout=config["WEBHOOK_TIMEOUT_SECONDS"],
                                                 allow_private=config["WEBHOOKS_ALLOW_PRIVATE"])
        with Session(db.engine) as session:
            delay = webhook_delivery.record(session, claimed, sent_at, outcome)
            session.commit()
        return delay


@huey.task()
def deliver(delivery_id: str) -> None:
    """One attempt at a webhook delivery; the next one is scheduled when it fails."""
    delay = attempt_delivery(delivery_id)
    if delay is not None:
        deliver.schedule(args=(delivery_id,), delay=delay)


def run_sweep() -> int:
    from shared.extensions import db
    from shared.services import webhook_delivery

    with _context(), Session(db.engine) as session:
        found = webhook_delivery.due(session)
    for delivery_id, free_at in found:
        if free_at is None:
            deliver(delivery_id)
        else:
            deliver.schedule(args=(delivery_id,), delay=(free_at - utcnow()).total_seconds() + 1)
    return len(found)


@huey.periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Queue every webhook delivery still pending and due (see the module's docstring)."""
    run_sweep()


@huey.on_startup()
def _sweep_on_start() -> None:
    try:
        run_sweep()
    except Exception:  # the database may not be up yet: the minute's sweep tries again
        log.exception("sweep at start failed")


@huey.periodic_task(crontab(minute="17", hour="3"))
def upkeep() -> None:
    """Daily: forget old webhook deliveries, old Idempotency-Keys, audit records older than
    AUDIT_RETENTION_DAYS, and (when a retention is set) let sync forget changes older than
    CHANGE_LOG_RETENTION_DAYS (their rows stay for the audit)."""
    from shared import idempotency
    from shared.extensions import db
    from shared.services import audit, sync, webhook_delivery

    with _context():
        config = current_app.config
        with Session(db.engine) as session:
            webhook_delivery.prune(session, older_than=timedelta(days=config["WEBHOOK_LOG_RETENTION_DAYS"]))
            idempotency.purge(session, timedelta(hours=config["IDEMPOTENCY_TTL_HOURS"]))
            keep = timedelta(days=config["AUDIT_RETENTION_DAYS"])
            if config.get("CHANGE_LOG_RETENTION_DAYS"):
                sync.prune(session, older_than=timedelta(days=config["CHANGE_LOG_RETENTION_DAYS"]),
                           keep_rows_for=keep)
            audit.prune(session, older_than=keep)
            session.commit()
