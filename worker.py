"""The background worker: `huey_consumer worker.huey` (make run starts it; see Procfile).

Creates the app from the environment, like wsgi.py, so the tasks (shared/tasks.py) run
against the same database and settings as the web server.
"""
import logging

from shared.tasks import huey  # noqa: F401  (what huey_consumer runs)
from wsgi import create_app

app = create_app()

# huey_consumer logs through its own handler; the app's basicConfig would print each line twice.
logging.getLogger("huey").propagate = False
