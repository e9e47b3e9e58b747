"""Creates the Tawasi app: `flask --app wsgi ...`, `gunicorn 'wsgi:create_app()'`."""
import logging
import os

from flask import Flask

from shared import config, i18n, inputs, ratelimits, security
from shared.extensions import compress, csrf, db, limiter, login_manager, migrate
from shared.sessions import SessionInterface


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.STATIC)
    if test_config is None:
        app.config.update(config.from_environment(app.instance_path))
    else:
        app.config.update(test_config)
    logging.basicConfig(level=logging.INFO)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    security.init_app(app)  # headers, body size, proxies: shared/security.py
    return app


def register_extensions(app: Flask) -> None:
    import shared.auth  # noqa: F401  (flask-login's callbacks, for both faces)
    import shared.changelog  # noqa: F401  (every write of a tenant's row is logged)
    import shared.models  # noqa: F401  (every table registered before migrations look)
    import shared.services.webhooks  # noqa: F401  (events become webhook deliveries at commit)
    from shared import tasks

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    compress.init_app(app)
    ratelimits.init_app(app)  # RateLimit-* headers; before the limiter, so they follow its count
    limiter.init_app(app)
    csrf.init_app(app)
    app.session_interface = SessionInterface()  # Secure cookie over HTTPS
    i18n.init_app(app)  # error texts in Arabic or English: shared/i18n.py
    inputs.init_app(app)  # JSON read with limits, no NUL in paths: shared/inputs.py
    tasks.init_app(app)  # the background worker's queue: shared/tasks.py


def register_blueprints(app: Flask) -> None:
    import admin
    import api

    api.init_app(app)
    for blp in api.BLUEPRINTS:  # bearer tokens only: no cookie a forged form could ride on
        csrf.exempt(blp)
    admin.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Once for the whole app (after flask-smorest's, which they replace): problem+json
    under /api, the admin's HTML page under /admin (admin.rendering.error_response)."""
    from shared import problems

    problems.register(app)


def register_commands(app: Flask) -> None:
    from shared import cli

    cli.init_app(app)
