"""Benchmark over real HTTP: Tawasi under gunicorn against a bare Flask app under the same settings.

For each database (SQLite, PostgreSQL) and each size (10,000 and 1,000,000 orders):
a fresh database is migrated and seeded (`flask bench-seed`, bulk inserts); gunicorn
serves Tawasi with gunicorn.conf.py (the README's settings) and, beside it, a bare
Flask app answering {"ok": true} (scripts/bench_bare.py) under the same settings.
`wrk -t2 -c32 -d10s` loads one endpoint at a time, interleaved with the baseline
(baseline, endpoint, baseline, endpoint...), 3 of each; each figure is the median of the
3 runs and each ratio the median of endpoint/baseline over the 3 pairs, so the ratio
calibrates for the machine and for whatever else it is doing. The result goes to
docs/PERFORMANCE.md (req/s, p50/p95/p99, ratio, peak worker RSS, each budget met or not).

    make bench                      # the full matrix (40-60 minutes on 2 cores, most of it 1M-order seeding and 10 s runs)
    make bench-quick                # 10,000 orders on SQLite, printed only
    BENCH_ORDERS=10000 BENCH_DATABASES=sqlite,postgresql .venv/bin/python scripts/bench.py

Environment: BENCH_ORDERS (comma-separated sizes), BENCH_DATABASES (sqlite,postgresql),
BENCH_DURATION (seconds per run, 10), BENCH_RUNS (3), BENCH_OUT (a file, or - for
standard output only), BENCH_PG_URL (a PostgreSQL server where a scratch database is
created and dropped; default postgresql://postgres@127.0.0.1:5432/postgres),
BENCH_GUNICORN_ARGS (extra gunicorn options for both servers, to compare worker models),
BENCH_ONLY (comma-separated endpoint keys, to iterate on one).
"""
import json
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
LUA = ROOT / "scripts" / "bench.lua"
RSS_BUDGET_MB = 120
DEEP_BUDGET_ORDERS = 1_000_000  # the deep page's budget is stated for a million orders


@dataclass
class Case:
    key: str
    label: str
    path: str
    budget: str = ""  # "ratio>=0.35", "p95<=1.3*orders_first", "ratio>=0.08&only201"
    post: str | None = None
    expect: int = 200


@dataclass
class Result:
    rps: float
    p50: float
    p95: float
    p99: float
    ratio: float
    base_rps: float
    unexpected: int
    socket_errors: int
    rss_mb: float


@dataclass
class Matrix:
    rows: dict = field(default_factory=dict)  # (db, orders) -> {key: Result}
    notes: list = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout} s")


class Server:
    """gunicorn with gunicorn.conf.py (and BENCH_GUNICORN_ARGS), serving `app`."""

    def __init__(self, app: str | None, env: dict, pythonpath: str | None = None):
        self.port = free_port()
        cmd = [str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{self.port}"]
        cmd += shlex.split(os.environ.get("BENCH_GUNICORN_ARGS", ""))
        if pythonpath:
            cmd += ["--pythonpath", pythonpath]
        if app:
            cmd.append(app)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_pids(self) -> list[int]:
        try:
            out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                                 capture_output=True, text=True).stdout
        except FileNotFoundError:
            return []
        return [int(pid) for pid in out.split()]

    def rss_mb(self, field: str = "VmRSS") -> float:
        """The largest resident size among the workers now (VmRSS), or their peak (VmHWM)."""
        peak = 0
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(field + ":"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
        return peak / 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def wrk(url: str, seconds: int, token: str | None = None, post: str | None = None,
        expect: int = 200) -> dict:
    env = {**os.environ, "BENCH_EXPECT": str(expect), "BENCH_TOKEN": token or ""}
    if post:
        env["BENCH_POST"] = post
    else:
        env.pop("BENCH_POST", None)
    # --timeout 10s: on a busy machine a slow answer is a slow answer, not a lost one.
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA), url],
                         capture_output=True, text=True, env=env, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("{"))
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def prepare(database: str, orders: int, workdir: Path, pg_url: str) -> tuple[dict, str | None]:
    """A migrated, seeded database: (environment for gunicorn and flask, scratch PG database name)."""
    env = {**os.environ, "SECRET_KEY": "bench", "HUEY_STORAGE": "memory", "PYTHONHASHSEED": "0"}
    scratch = None
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir}/bench-{orders}.db"
    else:
        import psycopg

        scratch = f"tawasi_bench_{os.getpid()}_{orders}"
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        env["DATABASE_URL"] = pg_url.rsplit("/", 1)[0] + "/" + scratch
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    token_file = workdir / f"token-{database}-{orders}"
    started = time.monotonic()
    subprocess.run(flask + ["bench-seed", "--orders", str(orders), "--token-file", str(token_file)],
                   cwd=ROOT, env=env, check=True)
    print(f"  seeded {orders:,} orders on {database} in {time.monotonic() - started:.0f} s", flush=True)
    env["BENCH_TOKEN_VALUE"] = token_file.read_text().strip()
    return env, scratch


def drop(pg_url: str, scratch: str | None) -> None:
    if scratch:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def targets(env: dict, orders: int) -> dict:
    """Ids the cases name: a product, a customer, and the cursor 90% deep into the orders."""
    import sqlalchemy as sa

    from shared.services.pagination import encode_cursor

    url = env["DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        shop = conn.scalar(sa.text("SELECT s.id FROM sellers s JOIN users u ON u.id = s.owner_id "
                                   "WHERE u.email = 'bench@example.com'"))
        product = conn.scalar(sa.text("SELECT id FROM products WHERE seller_id = :s ORDER BY id LIMIT 1"),
                              {"s": shop})
        products = conn.scalars(sa.text("SELECT id FROM products WHERE seller_id = :s ORDER BY id LIMIT 2"),
                                {"s": shop}).all()
        customer = conn.scalar(sa.text("SELECT id FROM customers WHERE seller_id = :s ORDER BY id LIMIT 1"),
                               {"s": shop})
        deep = conn.execute(sa.text(
            "SELECT created_at, id FROM orders WHERE seller_id = :s ORDER BY created_at DESC, id DESC "
            "LIMIT 1 OFFSET :n"), {"s": shop, "n": int(orders * 0.9)}).one()
    engine.dispose()
    stamp = deep[0] if isinstance(deep[0], datetime) else datetime.fromisoformat(str(deep[0]))
    stamp = stamp.replace(tzinfo=timezone.utc) if stamp.tzinfo is None else stamp
    return {"product": product, "products": products, "customer": customer,
            "cursor": encode_cursor(stamp, deep[1])}


def cases(ids: dict) -> list[Case]:
    order = json.dumps({"customer_id": ids["customer"], "channel": "api",
                        "lines": [{"product_id": p, "quantity": 2} for p in ids["products"]]})
    return [
        Case("product", "GET /products/{id}", f"/api/v1/products/{ids['product']}", "ratio>=0.35"),
        Case("products", "GET /products?limit=20", "/api/v1/products?limit=20", "ratio>=0.30"),
        Case("orders_first", "GET /orders?limit=20 (first page)", "/api/v1/orders?limit=20", "ratio>=0.15"),
        Case("orders_deep", "GET /orders?limit=20 (cursor 90% deep)",
             f"/api/v1/orders?limit=20&cursor={ids['cursor']}", "p95<=1.3*orders_first"),
        Case("order_post", "POST /orders (distinct Idempotency-Keys)", "/api/v1/orders",
             "ratio>=0.08&only201", post=order, expect=201),
        Case("promotions", "GET /promotions?limit=20", "/api/v1/promotions?limit=20"),
        Case("sync", "GET /sync?limit=100 (first page)", "/api/v1/sync?limit=100"),
    ]


def run_size(database: str, orders: int, workdir: Path, pg_url: str, seconds: int, runs: int) -> dict:
    env, scratch = prepare(database, orders, workdir, pg_url)
    app = bare = None
    try:
        ids = targets(env, orders)
        token = env["BENCH_TOKEN_VALUE"]
        app = Server(None, env)
        bare = Server("bench_bare:app", env, pythonpath=str(ROOT / "scripts"))
        wait_for(bare.url("/"))
        only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
        results = {}
        for case in cases(ids):
            if only and case.key not in only:
                continue
            request = urllib.request.Request(app.url(case.path), headers={"Authorization": f"Bearer {token}"})
            if case.post is None:
                wait_for_ok(request)
            wrk(app.url(case.path), 2, token, case.post, case.expect)  # warm up
            wrk(bare.url("/"), 1)
            pairs, rss = [], 0.0
            for _ in range(runs):
                base = wrk(bare.url("/"), seconds)
                got = wrk(app.url(case.path), seconds, token, case.post, case.expect)
                rss = max(rss, app.rss_mb())  # sampled after each run: the worker's size under load
                pairs.append((base, got))
            results[case.key] = Result(
                rps=statistics.median(g["rps"] for _, g in pairs),
                p50=statistics.median(g["p50"] for _, g in pairs),
                p95=statistics.median(g["p95"] for _, g in pairs),
                p99=statistics.median(g["p99"] for _, g in pairs),
                ratio=statistics.median(g["rps"] / b["rps"] for b, g in pairs),
                base_rps=statistics.median(b["rps"] for b, _ in pairs),
                unexpected=sum(g["unexpected"] for _, g in pairs),
                socket_errors=sum(g["socket_errors"] for _, g in pairs),
                rss_mb=rss,
            )
            r = results[case.key]
            print(f"  {case.label:42} {r.rps:8.0f} req/s  p50 {r.p50:7.1f} ms  p95 {r.p95:7.1f}  "
                  f"p99 {r.p99:7.1f}  x{r.ratio:.3f} of {r.base_rps:.0f}  other {r.unexpected}  "
                  f"RSS {r.rss_mb:.0f} MB", flush=True)
        results["_startup_peak"] = app.rss_mb("VmHWM")
        return results
    finally:
        for server in (app, bare):
            if server is not None:
                server.stop()
        drop(pg_url, scratch)


def wait_for_ok(request) -> None:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except Exception as exc:  # the answer says what is wrong before 90 s of load
        raise SystemExit(f"{request.full_url}: {exc}") from exc


def verdict(budget: str, key: str, results: dict, orders: int) -> tuple[str, str]:
    """(met / not met / -, the figure) for a budget written as in cases()."""
    if not budget:
        return "-", ""
    r = results[key]
    met, said = True, []
    for part in budget.split("&"):
        if part.startswith("ratio>="):
            floor = float(part.split(">=")[1])
            met &= r.ratio >= floor
            said.append(f"×{r.ratio:.3f} (≥ {floor})")
        elif part == "only201":
            met &= r.unexpected == 0 and r.socket_errors == 0
            said.append(f"{r.unexpected} answers other than 201, {r.socket_errors} socket errors")
        elif part.startswith("p95<="):
            other = results.get(part.split("*")[1])
            if other is None:
                return "-", ""
            if orders < DEEP_BUDGET_ORDERS:
                return "-", (f"the budget is for {DEEP_BUDGET_ORDERS:,} orders; here p95 "
                             f"{r.p95 / other.p95:.2f}× the first page's")
            bound = 1.3 * other.p95
            met &= r.p95 <= bound
            said.append(f"p95 {r.p95:.1f} ms vs first page {other.p95:.1f} ms "
                        f"({r.p95 / other.p95:.2f}×, ≤ 1.3×)")
    return ("met" if met else "**not met**"), "; ".join(said)


def report(matrix: Matrix, all_cases: list[Case], seconds: int, runs: int) -> str:
    settings = os.environ.get("BENCH_GUNICORN_ARGS", "")
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (scripts/bench.py); do not edit by hand. Measured over real HTTP:",
        "gunicorn serves Tawasi with `gunicorn.conf.py` (the README's settings"
        + (f", plus `{settings}`" if settings else "") + ") and, beside it, a bare Flask app",
        "answering `{\"ok\": true}` under the same settings; `wrk -t2 -c32 "
        f"-d{seconds}s` on loopback, baseline and endpoint interleaved, {runs} runs of each.",
        "Each figure is the median of the runs; the ratio is the median of (endpoint req/s ÷ the",
        "baseline's req/s measured just before it). Ratios are what compare between machines.",
        f"RSS is the largest resident size (VmRSS) of a worker, sampled after each run; budget ≤ {RSS_BUDGET_MB} MB.",
        "(A worker's VmHWM, its peak since it started, is noted under each table: building the",
        "OpenAPI document at start-up peaks once above the steady size, then the memory is freed.)",
        "",
        f"Machine: {os.cpu_count()} cores, {platform_line()}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
    ]
    for (database, orders), results in matrix.rows.items():
        lines += [f"## {'SQLite' if database == 'sqlite' else 'PostgreSQL'}, {orders:,} orders", "",
                  "| endpoint | req/s | p50 ms | p95 ms | p99 ms | × bare Flask | baseline req/s "
                  "| other answers | socket errors | worker RSS | budget |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for case in all_cases:
            if case.key not in results:
                continue
            r = results[case.key]
            met, figure = verdict(case.budget, case.key, results, orders)
            rss = f"{r.rss_mb:.0f} MB" + ("" if r.rss_mb <= RSS_BUDGET_MB else " (over)")
            lines.append(f"| {case.label} | {r.rps:.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} "
                         f"| {r.ratio:.3f} | {r.base_rps:.0f} | {r.unexpected} | {r.socket_errors} "
                         f"| {rss} | {met}{': ' + figure if figure else ''} |")
        if "_startup_peak" in results:
            lines.append(f"\nPeak since start (VmHWM) of the busiest worker: {results['_startup_peak']:.0f} MB.")
        lines.append("")
    lines += matrix.notes
    return "\n".join(lines) + "\n"


def platform_line() -> str:
    import platform

    return f"Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs wrk, the HTTP load generator: sudo apt-get install wrk "
                         "(Debian/Ubuntu), brew install wrk (macOS).")
    sizes = [int(s) for s in os.environ.get("BENCH_ORDERS", "10000,1000000").split(",") if s]
    databases = [d for d in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",") if d]
    seconds = int(os.environ.get("BENCH_DURATION", "10"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    out = os.environ.get("BENCH_OUT", str(ROOT / "docs" / "PERFORMANCE.md"))
    pg_url = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    matrix = Matrix()
    all_cases = cases({"product": "", "products": [], "customer": "", "cursor": ""})
    with tempfile.TemporaryDirectory() as tmp:
        for database in databases:
            if database == "postgresql":
                try:
                    import psycopg

                    psycopg.connect(pg_url, connect_timeout=5).close()
                except Exception as exc:
                    matrix.notes.append(f"PostgreSQL skipped: {pg_url} did not answer ({exc}).")
                    print(matrix.notes[-1], flush=True)
                    continue
            for orders in sizes:
                print(f"{database}, {orders:,} orders", flush=True)
                matrix.rows[(database, orders)] = run_size(database, orders, Path(tmp), pg_url, seconds, runs)
    text = report(matrix, all_cases, seconds, runs)
    if out == "-":
        print(text)
    else:
        notes = Path(out).with_name("PERFORMANCE.notes.md")
        if notes.exists():
            text += "\n" + notes.read_text()
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text)
        print(f"Wrote {out}")


if __name__ == "__main__":
    main()
