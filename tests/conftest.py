"""Fixtures: the app on SQLite (default) or TEST_DATABASE_URL, a client, tokens, query counting."""
import os

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


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = TEST_DATABASE_URL
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": url,
        "DEFAULT_PHONE_REGION": "SY",
        "TOKEN_LIFETIME_DAYS": 30,
        "TIMEZONE": "Asia/Damascus",
    })
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


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
        return {"Authorization": f"Bearer {plain}", **extra}


@pytest.fixture
def auth():
    return Auth()


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
