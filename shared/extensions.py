"""Flask extensions, created unbound here and bound to the app in create_app."""
import sqlite3

import sqlalchemy as sa
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
compress = Compress()
class _Limiter(Limiter):
    def _check_request_limit(self, callable_name=None, in_middleware=True):
        """Before a route with no limit, nothing at all (see `_unlimited`)."""
        if in_middleware and _unlimited():
            return
        super()._check_request_limit(callable_name, in_middleware)


# Shared across servers through Redis when REDIS_URL is set (RATELIMIT_STORAGE_URI); its
# headers are shared/ratelimits.py's (the IETF draft's RateLimit-*).
limiter = _Limiter(key_func=get_remote_address)
# Every unsafe request carries a CSRF token, except the API's (bearer tokens, no cookie):
# its blueprints are exempted in wsgi.register_blueprints.
csrf = CSRFProtect()


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite as a real database: WAL for concurrent readers, waits instead of failing on locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


_limited_endpoints: dict[str, bool] = {}


@limiter.request_filter
def _unlimited() -> bool:
    """Routes with no limit skip the limiter's work (its checks were ~8% of a GET by id).

    An endpoint is limited when the limiter knows a limit on its view (a decorated view
    function, or a method of its MethodView), or any default or application limit is set;
    decided once per endpoint and process.
    """
    from flask import current_app, request

    endpoint = request.endpoint
    if endpoint is None:
        return False
    limited = _limited_endpoints.get(endpoint)
    if limited is None:
        limited = _limited_endpoints[endpoint] = _has_limits(current_app, endpoint)
    return not limited


def _has_limits(app, endpoint: str) -> bool:
    from flask_limiter.util import get_qualified_name

    if limiter.limit_manager.default_limits or limiter.limit_manager.application_limits:
        return True
    view = app.view_functions.get(endpoint)
    if view is None:
        return True
    names = {get_qualified_name(view)}
    view_class = getattr(view, "view_class", None)
    for method in getattr(view_class, "methods", None) or ():
        if (func := getattr(view_class, method.lower(), None)) is not None:
            names.add(get_qualified_name(func))
    return bool(names & limiter._marked_for_limiting) or limiter.limit_manager.has_hints(endpoint)
