"""How gunicorn serves Tawasi: `make run`, or `gunicorn -c gunicorn.conf.py --bind HOST:PORT`.

Every app server started from this file behaves alike (tests/test_headers.py and
tests/test_crash.py start gunicorn with it too).
"""
import gunicorn.http.wsgi

wsgi_app = "wsgi:create_app()"
# 3 sync workers on 2 cores: measured best here for throughput and tail latency (README,
# "Workers"; docs/PERFORMANCE.md). A sync worker serves one request at a time, so on the
# internet put a buffering proxy in front (nginx, Caddy): it reads a slow phone's request
# in full before a worker sees it.
workers = 3
threads = 1
accesslog = "-"

# Forwarded headers are judged once, by the app (TRUSTED_PROXIES, shared/security.py);
# gunicorn's own defaults would believe X-Forwarded-Proto from any local process.
secure_scheme_headers = {}
forwarder_headers = ""


def on_starting(_server):
    """No `Server` header: the version of the software is nobody's business.

    Gunicorn has no setting for it (benoitc/gunicorn#825): its HTTP/1 Response writes
    "Server: gunicorn" in default_headers() whatever the app sends, and takes the name
    from a copy made at import (`from gunicorn import SERVER`), so setting
    `gunicorn.SERVER` here changes nothing and emptying the copy would still send an
    empty `Server:` line. So the line is dropped where it is written. This runs once in
    the master, before workers are forked; they inherit it. HTTP/2 (off by default,
    `http_protocols = "h1"`) writes its own headers and is not covered.
    """
    response = gunicorn.http.wsgi.Response
    if getattr(response.default_headers, "drops_server", False):
        return
    written = response.default_headers

    def default_headers(self):
        return [line for line in written(self) if not line.lower().startswith("server:")]

    default_headers.drops_server = True
    response.default_headers = default_headers
