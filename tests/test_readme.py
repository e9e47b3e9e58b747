"""Every curl example in README.md runs, as written, against fresh demo data: the README cannot drift.

How the README is read (keep to it when adding a section, such as another person's week):
- Every ```sh block that contains `curl` runs, in the README's order, in ONE bash session,
  so variables set in one block (TOKEN, H, J) are there in the next. Blocks without curl
  (make, flask, pg_dump) are not run.
- A block is split into commands: a line ending in a backslash, or inside a quote or a
  compound command (`while … done`) still open, goes on; blank lines and `#` comment lines are left out.
- `http://127.0.0.1:8000` is the address of the test's server (werkzeug, in a thread, on a
  free port), serving a fresh database loaded with the demo (`flask demo`).
- A placeholder in angle brackets is filled in from what the server answered before:
  - `<id from /api/v1/PATH>`: the `id` of the first item of `GET /api/v1/PATH` (newest
    first), asked with the session's `$TOKEN`; `<FIELD from /api/v1/PATH>` the same for
    another field of it, dotted into nested objects and lists (`<members.0.user_id from
    /api/v1/teams>`: the first team's first member's user_id);
  - `<cursor from the Link header>`: the cursor in the latest `Link: <…>; rel="next"`;
  - `<NAME id>` (`<order id>`, `<run id>`, `<promotion id>`…): the `id` of the latest JSON
    object answered at a URL whose last resource segment names NAME: `/api/v1/orders`
    and `/api/v1/orders/{id}` name `order`, `/api/v1/market-runs/…` names `market run`
    and `run` (the segment in the singular, or its last words). Lists name nothing.
  Any other placeholder fails the test, naming it.
- Each command must leave bash with status 0, reach the server, and be answered 2xx,
  unless the comment just above it says `(answers NNN)`: then its last answer is NNN.
"""
import gzip
import json
import queue
import re
import shlex
import subprocess
import threading
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from werkzeug.serving import make_server

from tests.live_server import scratch_database

README = Path(__file__).resolve().parent.parent / "README.md"
ADDRESS = "http://127.0.0.1:8000"
PLACEHOLDER = re.compile(r"<([^<>\s][^<>\n]*)>")
ID_SEGMENT = re.compile(r"[0-9a-hjkmnp-tv-z]{26}")  # the ids the API hands out (ULID layout)


# --- reading the README ---------------------------------------------------------------------


@dataclass
class Command:
    text: str
    expected: int | None = None  # a status from "(answers NNN)" in the comment above
    line: int = 0


def sh_blocks(markdown: str) -> list[tuple[int, str]]:
    """(first line number, text) of every ```sh block that runs curl."""
    blocks = []
    for match in re.finditer(r"^```sh\n(.*?)^```", markdown, flags=re.M | re.S):
        if re.search(r"\bcurl\b", match.group(1)):
            blocks.append((markdown.count("\n", 0, match.start(1)) + 1, match.group(1)))
    return blocks


def _complete(text: str) -> bool:
    if text.endswith("\\"):
        return False
    try:
        shlex.split(text, comments=False)
    except ValueError:  # a quote still open: the command goes on
        return False
    # A compound command still open (`while …; do` without its `done`) goes on too.
    return subprocess.run(["bash", "-n", "-c", text], capture_output=True).returncode == 0


def commands(block: str, first_line: int = 1) -> list[Command]:
    found, pending, comment, start = [], "", "", 0
    for number, line in enumerate(block.splitlines(), first_line):
        if not pending:
            if not line.strip():
                comment = ""
                continue
            if line.lstrip().startswith("#"):
                comment = line
                continue
            start = number
        pending = f"{pending}\n{line}" if pending else line
        if _complete(pending):
            answers = re.search(r"\(answers (\d{3})\)", comment)
            found.append(Command(pending, int(answers.group(1)) if answers else None, start))
            pending, comment = "", ""
    assert not pending, f"README line {start}: a command never ends: {pending!r}"
    return found


def test_the_readme_is_read_as_its_docstring_says():
    block = """H="x"; J='y'
# A comment
curl -s -X POST http://127.0.0.1:8000/a -H "$H" \\
  -d '{"a": 1,
       "b": 2}'

# Wrong on purpose (answers 409)
curl -s http://127.0.0.1:8000/b
"""
    found = commands(block)

    assert [(c.text.splitlines()[0], c.expected, c.line) for c in found] == [
        ('H="x"; J=\'y\'', None, 1),
        ('curl -s -X POST http://127.0.0.1:8000/a -H "$H" \\', None, 3),
        ("curl -s http://127.0.0.1:8000/b", 409, 8)]
    assert found[1].text.endswith('"b": 2}\'')
    assert "Reem's week" in README.read_text() and len(sh_blocks(README.read_text())) >= 2


# --- what the server answered ----------------------------------------------------------------


@dataclass
class Answer:
    method: str
    path: str
    status: int
    headers: dict
    body: bytes


@dataclass
class Recorder:
    """WSGI middleware keeping every answer the app gives, in order."""

    app: object
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ, start_response):
        seen = {}

        def keep(status, headers, exc_info=None):
            seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, keep))
        kept = _decoded(body, seen["headers"].get("Content-Encoding", ""))
        with self.lock:
            self.answers.append(Answer(environ["REQUEST_METHOD"], environ["PATH_INFO"], seen["status"],
                                       seen["headers"], kept))
        return [body]


def _decoded(body: bytes, encoding: str) -> bytes:
    """The body as the app wrote it, before Flask-Compress (curl --compressed asks for it)."""
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "zstd":
        from backports import zstd

        return zstd.decompress(body)
    return body


def _singular(segment: str) -> str:
    if segment.endswith("ies"):
        return segment[:-3] + "y"
    return segment[:-1] if segment.endswith("s") else segment


def names_of(path: str) -> set[str]:
    """The names `<NAME id>` may use for an object answered at `path` (see the docstring)."""
    segments = [s for s in path.strip("/").split("/") if s and not ID_SEGMENT.fullmatch(s)]
    if len(segments) <= 2:  # /api/v1 itself
        return set()
    words = _singular(segments[-1]).split("-")
    return {" ".join(words[i:]) for i in range(len(words))}


class Placeholders:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.ids: dict[str, str] = {}
        self.cursor: str | None = None
        self.token = ""  # the bash session's $TOKEN, for <id from …>

    def learn(self, answer: Answer) -> None:
        link = answer.headers.get("Link", "")
        if 'rel="next"' in link:
            self.cursor = parse_qs(urlparse(link[link.index("<") + 1:link.index(">")]).query)["cursor"][0]
        if not answer.headers.get("Content-Type", "").startswith("application/json"):
            return
        body = json.loads(answer.body)
        if isinstance(body, dict) and isinstance(body.get("id"), str):
            for name in names_of(answer.path):
                self.ids[name] = body["id"]

    def fill(self, command: Command) -> str:
        return PLACEHOLDER.sub(lambda m: self._value(m.group(1), command), command.text)

    def _value(self, name: str, command: Command) -> str:
        if match := re.fullmatch(r"([\w.]+) from (/api/v1/\S+)", name):
            return self._first(match.group(2), match.group(1), command)
        if name == "cursor from the Link header":
            assert self.cursor, f"README line {command.line}: no Link header answered before <{name}>"
            return self.cursor
        if name.endswith(" id") and name.removesuffix(" id") in self.ids:
            return self.ids[name.removesuffix(" id")]
        raise AssertionError(f"README line {command.line}: no value for <{name}> "
                             f"(known: {sorted(self.ids)}); see tests/test_readme.py")

    def _first(self, path: str, dotted: str, command: Command) -> str:
        assert self.token, f"README line {command.line}: <{dotted} from {path}> needs $TOKEN set before"
        request = urllib.request.Request(self.base_url + path,
                                         headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            items = json.load(response)
        assert items, f"README line {command.line}: GET {path} lists nothing"
        value = items[0]
        for step in dotted.split("."):
            value = value[int(step)] if isinstance(value, list) else value[step]
        return str(value)


# --- running bash ---------------------------------------------------------------------------


class Bash:
    """One bash session: commands run one after the other, sharing variables."""

    def __init__(self, cwd):
        self.process = subprocess.Popen(["bash", "--noprofile", "--norc"], cwd=cwd, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)

    def run(self, text: str, timeout: float = 60) -> tuple[int, str]:
        marker = f"__done_{uuid.uuid4().hex}__"
        self.process.stdin.write(f"{text}\nprintf '\\n{marker} %s\\n' \"$?\"\n")
        self.process.stdin.flush()
        output = []
        while True:
            line = self.lines.get(timeout=timeout)
            if line.startswith(marker):
                return int(line.split()[1]), "".join(output)
            output.append(line)

    def variable(self, name: str) -> str:
        return self.run(f'printf "%s\\n" "${name}"')[1].strip()

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


# --- the test ---------------------------------------------------------------------------------


@pytest.fixture
def demo_server(tmp_path):
    """The app on a fresh database with the demo loaded, served on a free port."""
    from shared.demo import load_demo
    from shared.extensions import db
    from wsgi import create_app

    with scratch_database(tmp_path) as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "readme", "SQLALCHEMY_DATABASE_URI": url,
                          "DEFAULT_PHONE_REGION": "SY", "TIMEZONE": "Asia/Damascus"})
        with app.app_context():
            db.create_all()
            load_demo(db.session)
            db.session.commit()
        recorder = Recorder(app.wsgi_app)
        app.wsgi_app = recorder
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", recorder
        finally:
            server.shutdown()
            thread.join(10)
            with app.app_context():
                db.engine.dispose()


def test_every_curl_example_of_the_readme_runs_against_the_demo(demo_server, tmp_path):
    base_url, recorder = demo_server
    placeholders, bash = Placeholders(base_url), Bash(cwd=tmp_path)  # files it writes (page.json) go there
    ran = 0
    try:
        for first_line, block in sh_blocks(README.read_text()):
            for command in commands(block, first_line):
                placeholders.token = bash.variable("TOKEN")
                text = placeholders.fill(command).replace(ADDRESS, base_url)
                before = len(recorder.answers)
                status, output = bash.run(text)
                answers = recorder.answers[before:]
                where = f"README line {command.line}: {command.text.splitlines()[0]}"
                assert status == 0, f"{where}\nexit status {status}:\n{output}"
                for answer in answers:
                    placeholders.learn(answer)
                if "curl" not in command.text:
                    continue
                assert answers, f"{where}\nreached no server:\n{output}"
                if command.expected is not None:
                    assert answers[-1].status == command.expected, f"{where}\n{answers[-1].body[:500].decode(errors='replace')}"
                else:
                    bad = [(a.method, a.path, a.status, a.body[:500].decode(errors="replace"))
                           for a in answers if not 200 <= a.status < 300]
                    assert not bad, f"{where}\n{bad}"
                ran += 1
    finally:
        bash.close()
    assert ran >= 20, f"only {ran} curl commands ran: is the README read as the docstring says?"
