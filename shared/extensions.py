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
# Shared across servers through Redis when REDIS_URL is set (RATELIMIT_STORAGE_URI); its
# headers are shared/ratelimits.py's (the IETF draft's RateLimit-*).
limiter = Limiter(key_func=get_remote_address)
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
