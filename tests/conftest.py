"""Fixtures: the app on SQLite (default) or TEST_DATABASE_URL, a client, tokens, query counting."""
import os
import secrets
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from shared.extensions import db, limiter
from wsgi import create_app

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


class FreshContextClient(FlaskClient):
    """Each request sees what a new app context would: an empty `g`, nothing cached in the session.

    Tests keep one app context open (for factories), and Flask reuses it for requests
    made inside it; without this, flask-login's cached user would outlive its request.
    """

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        db.session.expire_all()
        return super().open(*args, **kwargs)


class FreshContext:
    """WSGI: the app, each request of which sees what a new app context would (an empty
    `g`, nothing cached in the session), for clients other than Flask's test client
    (schemathesis, httpx) that call the app while a test holds its app context."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        g.__dict__.clear()
        db.session.expire_all()
        return self.app(environ, start_response)


@contextmanager
def own_postgres_database(server_url: str):
    """A database of this run's own on the server of `server_url`, dropped afterwards.

    Two runs on one server (two checkouts, CI beside a developer) never share tables.
    """
    url = sa.make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"tawasi_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:  # FORCE: a connection a test left open cannot stop it
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with own_postgres_database(TEST_DATABASE_URL) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DEFAULT_PHONE_REGION": "SY",
        "TOKEN_LIFETIME_DAYS": 30,
        "TIMEZONE": "Asia/Damascus",
        "HUEY_STORAGE": "memory",  # tasks queue in memory; a test that wants them runs them
        "WEBHOOKS_RESOLVER": lambda host, port: ["127.0.0.1"] if host == "localhost" else [],  # no DNS
    })
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()  # no pooled connection may keep the database from being dropped


@pytest.fixture(autouse=True)
def _app_context(app):
    """Each test runs in an app context and leaves empty tables behind it."""
    with app.app_context():
        yield
        limiter.reset()
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:  # DELETE beats TRUNCATE on a few small tables
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))


@pytest.fixture(autouse=True)
def _dumps_checked_against_marshmallow(monkeypatch):
    """Every answer any test dumps is also dumped by marshmallow's own machinery, and the two
    must agree byte for byte: BaseSchema's dump plan (shared/schemas/base.py) takes
    shortcuts per field type for speed (issue 13), and this is what proves them exact over
    every schema and every value the suite produces."""
    import json

    import marshmallow as ma

    from shared.schemas.base import BaseSchema

    planned = BaseSchema._serialize

    def checked(self, obj, *, many=False):
        got = planned(self, obj, many=many)
        if not many:
            expected = ma.Schema._serialize(self, obj, many=False)
            assert json.dumps(got, sort_keys=True, default=repr) == json.dumps(
                expected, sort_keys=True, default=repr), (type(self).__name__, got, expected)
        return got

    monkeypatch.setattr(BaseSchema, "_serialize", checked)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Auth:
    """Bearer headers for a user: `client.get(url, headers=auth(user))`."""

    def __call__(self, user, **extra) -> dict:
        from datetime import timedelta

        from shared.services.accounts import issue_token

        plain, _ = issue_token(db.session, user, timedelta(days=1))
        db.session.commit()
        return {"Authorization": f"Bearer {plain}", **extra}


@pytest.fixture
def auth():
    return Auth()


@pytest.fixture
def shop():
    """A shop with its owner (a module may define its own `shop` instead)."""
    from tests.factories import SellerFactory

    return SellerFactory()


@pytest.fixture
def headers(auth, shop):
    """The shop owner's bearer token."""
    return auth(shop.owner)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __enter__(self):
        db.session.expunge_all()  # nothing cached: every lazy load must show up
        self.statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement)


@pytest.fixture
def count_queries():
    """`with count_queries() as q: ...; q.count` — SQL statements run inside the block."""
    return QueryCounter


@pytest.fixture
def without_row_locks(monkeypatch):
    """Orders loaded for update without the row lock, as on SQLite: a write that lands
    between this request's read and its own must then be caught by the version alone.
    (On PostgreSQL the lock makes that write wait instead, so it cannot interleave.)"""
    from shared.services import access, orders

    def get_for(session, user, model, obj_id, *, options=(), for_update=False):
        return access.get_for(session, user, model, obj_id, options=options)

    monkeypatch.setattr(orders, "get_for", get_for)
