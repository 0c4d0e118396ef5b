"""Load test in the production configuration: the project against the ceiling app, side by side in one run.

    .venv/bin/python bench/load.py --database-url sqlite:////tmp/bench/ratings_1m.db --data bench/.data/1m
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/ratings_bench \
        --redis-url redis://127.0.0.1:6379/2 --data bench/.data/1m

Servers, all `gunicorn -c gunicorn.conf.py` as shipped, WEB_CONCURRENCY=--workers for every one of them,
each on a free port, their output (gunicorn's access log as configured: JSON lines on stdout) in a log
file per server:
  ceiling          bench/ceiling.py: a constant 2 KB JSON body on every path
  project          wsgi:app, rate limits on (the shipped RATE_LIMIT_DEFAULT), TRUSTED_PROXY_COUNT=1;
                   SQLite: RATINGS_ENV=development, in-process cache (Redis if --redis-url is given);
                   PostgreSQL: RATINGS_ENV=production, a random SECRET_KEY, CACHE_REDIS_URL=--redis-url.
                   Cache and rate-limit keys under CACHE_KEY_PREFIX=bench-load-PID:, deleted before/after.
  ceiling/project with recycling (only for the recycle scenario): the same two, with
                   GUNICORN_CMD_ARGS="--max-requests M --max-requests-jitter J" so workers recycle in every run.
Variables of the calling shell that would change that configuration (ACCESS_LOG, RATE_LIMITS_ENABLED,
RATE_LIMIT_DEFAULT, CACHE_TYPE, GUNICORN_CMD_ARGS, ...) are removed from the servers' environment.

Clients: wrk (bench/paths.lua) sends each request as one of --clients clients behind one proxy
(X-Forwarded-For: 10.x.y.z, in turn), with Accept-Encoding: --accept-encoding. Before measuring, the
harness checks that the limits apply, per client: a burst of requests from one client (192.0.2.77) must
meet 429s, and a burst at the same pace from as many distinct clients none; otherwise it stops
(--skip-limit-check: go on, the verdicts say so). Any non-2xx/3xx answer or socket error in a measured run makes its verdict INVALID.

Scenarios (--only), each a ceiling run followed by a project run on the same paths, per round:
  cached    GET /v1/barcodes/{gtin} over --gtins GTINs of gtins.txt (the hot set), after --warm s of them
  uncached  GET /v1/barcodes/{gtin} over GTINs of products.csv never requested before in this run (not
            in the hot set; each round gets its own slice, so every request of the project is a miss of
            every cache it has); needs the 1,000,000-product catalog for its figure. Before each round the
            database is read into the page cache (SQLite: its files; PostgreSQL: pg_prewarm, created in
            the database if missing), as on a server that has been serving it
  search    GET /v1/brands?q=... at --search-connections connections, queries built from catalog.json's
            brand names (prefixes, whole names, typos, with and without accents), each used once in the
            run, so every search is a miss; the index is built per worker by --search-warm s first
  recycle   the cached lookups on the recycling pair of servers (warmed like cached): p99 across worker
            recycles, which the harness counts (worker pids seen while wrk runs)
Rounds are interleaved (ceiling, project, ceiling, project, ...); the table has medians over --rounds
rounds and each ratio against the issue's goal (cached and recycle >= 1.0x req/s and p99 <= 1.5x,
uncached >= 0.5x and p99 <= 3x, search p95 <= 50 ms). Per-run lines go to stderr, the Markdown table
to stdout, --json FILE keeps every figure. Needs wrk (apt-get install -y wrk).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "paths.lua"
SCENARIOS = ("cached", "uncached", "search", "recycle")
GOALS = {  # issue 14's table
    "cached": {"rps_ratio_min": 1.0, "p99_ratio_max": 1.5},
    "uncached": {"rps_ratio_min": 0.5, "p99_ratio_max": 3.0},
    "search": {"p95_ms_max": 50.0},
    "recycle": {"rps_ratio_min": 1.0, "p99_ratio_max": 1.5},
}
# Settings a shell may carry that would make the servers differ from the shipped configuration.
NOT_SHIPPED = ("ACCESS_LOG", "RATE_LIMITS_ENABLED", "RATE_LIMIT_DEFAULT", "CACHE_TYPE", "CACHE_THRESHOLD",
               "CACHE_DEFAULT_TIMEOUT", "GUNICORN_CMD_ARGS", "GUNICORN_THREADS", "TRUSTED_PROXY_COUNT", "BIND",
               "WEB_CONCURRENCY", "RATINGS_ENV", "SECRET_KEY", "CACHE_REDIS_URL", "CACHE_KEY_PREFIX", "DATABASE_URL")
LIMITED_CLIENT = "192.0.2.77"  # TEST-NET-1: never one of wrk's 10.x.y.z clients


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- servers

class Server:
    def __init__(self, name: str, app: str, env: dict[str, str], log_dir: Path, extra_args: tuple[str, ...] = ()):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log_file = self.log_path.open("wb")
        command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", *extra_args, app]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**env, "BIND": "127.0.0.1:0"}, stdout=self.log_file,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.port = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited ({self.process.returncode}):\n{self.tail()}")
            if not self.port:
                found = re.search(rb"Listening at: http://127\.0\.0\.1:(\d+)", self.log_path.read_bytes())
                self.port = int(found.group(1)) if found else 0
            if self.port:
                try:
                    status, _, _ = get(self.port, "/healthz")
                    if status == 200 and len(worker_pids(self.pid)) > 0:
                        return
                except OSError:
                    pass
            time.sleep(0.5)
        raise SystemExit(f"{self.name} not ready after {timeout} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its own workers
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


def get(port: int, path: str, headers: dict[str, str] | None = None, connection=None) -> tuple[int, dict, bytes]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        if connection is None:
            conn.close()


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def rss_mb(pids: list[int]) -> float:
    if not pids:
        return 0.0
    out = subprocess.run(["ps", "-o", "rss=", "-p", ",".join(map(str, pids))], capture_output=True, text=True).stdout
    return max((int(kb) / 1024 for kb in out.split()), default=0.0)


def server_env(args, prefix: str, export_dir: str) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(ceiling env, project env, names removed from the caller's environment)."""
    removed = [name for name in NOT_SHIPPED if name in os.environ]
    base = {k: v for k, v in os.environ.items() if k not in NOT_SHIPPED}
    base["WEB_CONCURRENCY"] = str(args.workers)
    project = {**base, "DATABASE_URL": args.database_url, "TRUSTED_PROXY_COUNT": "1", "EXPORT_DIR": export_dir,
               "CACHE_KEY_PREFIX": prefix}
    if args.redis_url:
        project["CACHE_REDIS_URL"] = args.redis_url
    if args.database_url.startswith("sqlite"):
        project["RATINGS_ENV"] = "development"  # production refuses SQLite
    else:
        project["RATINGS_ENV"] = "production"
        project["SECRET_KEY"] = secrets.token_hex(32)
    return base, project, removed


def warm_database(url: str) -> str:
    """Read the catalog's tables and indexes into the operating system's page cache, as on a server that has been
    serving them: this machine's kernel reclaims idle page cache (DAMON), so without this an uncached round reads
    from disk and measures the disk (one SQLite run: 150, 291 and 997 req/s by round). What it did, for the log."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import SQLAlchemyError

    started = time.monotonic()
    if url.startswith("sqlite"):
        read, database = 0, make_url(url).database
        for path in (Path(database), Path(database + "-wal")):
            if path.exists():
                with path.open("rb") as handle:
                    while chunk := handle.read(1 << 20):
                        read += len(chunk)
        return f"read the SQLite files ({read >> 20} MB) in {time.monotonic() - started:.1f} s"
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
            blocks = connection.execute(text(
                "SELECT sum(pg_prewarm(c.oid::regclass, 'read')) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')")).scalar()
    except SQLAlchemyError as error:  # e.g. not a superuser, or contrib missing: the round measures what it meets
        return f"not warmed ({type(error).__name__}: {str(error).splitlines()[0]})"
    finally:
        engine.dispose()
    return f"pg_prewarm read {int(blocks or 0) * 8 >> 10} MB of tables and indexes in {time.monotonic() - started:.1f} s"


def clear_redis(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])


# ---------------------------------------------------------------- checks

def check_answers(ceiling: Server, project: Server, path: str, encoding: str) -> dict:
    """One request to each, as wrk will send it: both must answer 200; their sizes go into the report."""
    headers = {"X-Forwarded-For": "192.0.2.1", **({"Accept-Encoding": encoding} if encoding else {})}
    sizes = {}
    for server in (ceiling, project):
        status, response_headers, body = get(server.port, path, headers)
        if status != 200:
            raise SystemExit(f"{server.name} answered {status} to {path}: {body[:300]!r}")
        sizes[server.name] = {"bytes": len(body), "content_encoding": response_headers.get("Content-Encoding", "")}
    return sizes


def check_limits(project: Server, path: str, requests: int = 200, parallel: int = 8) -> str | None:
    """None when rate limits apply per client behind the proxy; otherwise what is wrong.

    Two bursts at the same pace (`parallel` requests in flight): `requests` from one client, which must
    meet some 429s (limits on), then `requests` each from its own new client, which must meet none
    (limits per client). Were every client one address, the second burst would be refused like the first."""
    from concurrent.futures import ThreadPoolExecutor

    def burst(addresses: list[str]) -> int:
        with ThreadPoolExecutor(parallel) as pool:
            statuses = list(pool.map(lambda a: get(project.port, path, {"X-Forwarded-For": a})[0], addresses))
        return statuses.count(429)

    one = burst([LIMITED_CLIENT] * requests)
    if not one:
        return f"no 429 in {requests} quick requests from one client: rate limits are not on (or this machine is too slow to reach them)"
    many = burst([f"198.18.{n // 256}.{n % 256}" for n in range(requests)])  # 198.18.0.0/15: benchmarking addresses
    if many:
        return (f"{many} of {requests} requests from distinct clients got 429 (one client: {one}): limits are not per "
                "client (is TRUSTED_PROXY_COUNT=1 honoured? every wrk client would share one address)")
    return None


# ---------------------------------------------------------------- request paths

def hot_gtins(data: Path, count: int) -> list[str]:
    gtins = [g for g in (data / "gtins.txt").read_text().split() if g][:count]
    if not gtins:
        raise SystemExit(f"{data / 'gtins.txt'} has no GTINs (bench/catalog.py generate)")
    return gtins


def fresh_gtins(data: Path, exclude: set[str], seed: int) -> list[str]:
    with (data / "products.csv").open(newline="", encoding="utf-8") as handle:
        gtins = [row["gtin"] for row in csv.DictReader(handle) if row["gtin"] not in exclude]
    random.Random(seed).shuffle(gtins)
    return gtins


def fresh_queries(data: Path, seed: int) -> list[str]:
    """Distinct search queries from the catalog's brand names, in the mix of bench/catalog.py's queries.txt."""
    sys.path.insert(0, str(ROOT / "bench"))
    from catalog import strip_accents, typo

    rng = random.Random(seed)
    names = [b["name"] for b in json.loads((data / "catalog.json").read_text(encoding="utf-8"))["brands"]]
    queries: dict[str, None] = {}
    for name in names:
        plain = strip_accents(name).lower()
        for query in (name[: rng.randint(3, 6)], name, typo(rng, plain), plain):
            queries.setdefault(query, None)
    result = list(queries)
    rng.shuffle(result)
    return result


def slices(items: list[str], parts: int) -> list[list[str]]:
    size = len(items) // parts
    return [items[i * size:(i + 1) * size] for i in range(parts)]


def write_paths(directory: Path, name: str, lines: list[str]) -> Path:
    path = directory / f"{name}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- wrk

def run_wrk(server: Server, paths_file: Path, args, connections: int, duration: int, warm_up: bool = False) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency",
               "-s", str(LUA), f"http://127.0.0.1:{server.port}"]
    env = {**os.environ, "PATHS_FILE": str(paths_file), "THREADS": str(args.threads), "CLIENTS": str(args.clients),
           "ACCEPT_ENCODING": args.accept_encoding}
    load_before = os.getloadavg()[0]
    started_pids = set(worker_pids(server.pid))
    seen = set(started_pids)
    wrk = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    peak = 0.0
    while wrk.poll() is None:
        pids = worker_pids(server.pid)
        seen.update(pids)
        peak = max(peak, rss_mb(pids))
        time.sleep(0.5)
    seen.update(worker_pids(server.pid))
    out = wrk.stdout.read()
    line = next((l for l in out.splitlines() if l.startswith("WRK_RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{out}")
    result = json.loads(line.removeprefix("WRK_RESULT "))
    if not result["requests"] and not warm_up:
        raise SystemExit(f"wrk made no request; its output:\n{out}")
    # A thread that issued more requests than its slice of the file has started repeating paths.
    result["repeated"] = sum(max(0, issued - share) for issued, share in result.pop("threads"))
    return {**result, "worker_rss_mb": round(peak, 1), "recycles": len(seen - started_pids),
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def describe_run(round_: int, scenario: str, server: str, r: dict) -> str:
    return (f"round {round_} {scenario:8s} {server:16s} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:7.2f}  p95 {r['p95_ms']:7.2f}  "
            f"p99 {r['p99_ms']:7.2f}  max {r['max_ms']:8.2f} ms  errors {r['errors']}  non-2xx {r['non_2xx']}  "
            f"repeated {r['repeated']}  recycles {r['recycles']}  RSS {r['worker_rss_mb']} MB  load {r['load_average']}")


# ---------------------------------------------------------------- summary

def summarise(scenario: str, ceiling_runs: list[dict], project_runs: list[dict], limits_problem: str | None) -> dict:
    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    keys = ("rps", "p50_ms", "p95_ms", "p99_ms", "max_ms")
    ceiling = {k: med(ceiling_runs, k) for k in keys}
    project = {k: med(project_runs, k) for k in keys}
    rps_ratio = project["rps"] / ceiling["rps"] if ceiling["rps"] else float("nan")
    p99_ratio = project["p99_ms"] / ceiling["p99_ms"] if ceiling["p99_ms"] else float("nan")
    goal = GOALS[scenario]
    checks, goal_text = [], []
    if "rps_ratio_min" in goal:
        checks.append(rps_ratio >= goal["rps_ratio_min"])
        goal_text.append(f">= {goal['rps_ratio_min']:.1f}x")
    if "p99_ratio_max" in goal:
        checks.append(p99_ratio <= goal["p99_ratio_max"])
        goal_text.append(f"p99 <= {goal['p99_ratio_max']:.1f}x")
    if "p95_ms_max" in goal:
        checks.append(project["p95_ms"] <= goal["p95_ms_max"])
        goal_text.append(f"p95 <= {goal['p95_ms_max']:.0f} ms")
    problems = []
    bad = sum(r["non_2xx"] for r in ceiling_runs + project_runs)
    errors = sum(r["errors"] for r in ceiling_runs + project_runs)
    if bad:
        problems.append(f"{bad} non-2xx")
    if errors:
        problems.append(f"{errors} socket errors")
    if limits_problem:
        problems.append("limits not checked per client")
    repeated = sum(r["repeated"] for r in project_runs)
    if scenario in ("uncached", "search") and repeated:
        problems.append(f"{repeated} repeated keys (possible cache hits)")
    recycles = sum(r["recycles"] for r in project_runs)
    if scenario == "recycle" and not recycles:
        problems.append("no worker recycled")
    verdict = f"INVALID ({', '.join(problems)})" if problems else ("met" if all(checks) else "MISSED")
    return {
        "ceiling": ceiling, "project": project, "rps_ratio": rps_ratio, "p99_ratio": p99_ratio,
        "paired_rps_ratios": [p["rps"] / c["rps"] for c, p in zip(ceiling_runs, project_runs) if c["rps"]],
        "paired_p99_ratios": [p["p99_ms"] / c["p99_ms"] for c, p in zip(ceiling_runs, project_runs) if c["p99_ms"]],
        "goal": ", ".join(goal_text), "verdict": verdict, "recycles": recycles,
        "ceiling_recycles": sum(r["recycles"] for r in ceiling_runs), "repeated": repeated,
        "max_worker_rss_mb": max(r["worker_rss_mb"] for r in project_runs),
    }


def markdown(summary: dict[str, dict], wrk_of: dict[str, str]) -> str:
    lines = ["| scenario | wrk | ceiling req/s | project req/s | req/s vs ceiling | ceiling p99 ms | project p99 ms | "
             "p99 vs ceiling | project p50 / p95 ms | goal | result | project worker RSS MB | recycles (project / ceiling) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|"]
    for scenario, s in summary.items():
        c, p = s["ceiling"], s["project"]
        lines.append(
            f"| {scenario} | {wrk_of[scenario]} | {c['rps']:.0f} | {p['rps']:.0f} | {s['rps_ratio']:.2f}x | {c['p99_ms']:.2f} | "
            f"{p['p99_ms']:.2f} | {s['p99_ratio']:.2f}x | {p['p50_ms']:.2f} / {p['p95_ms']:.2f} | {s['goal']} | "
            f"**{s['verdict']}** | {s['max_worker_rss_mb']:.0f} | {s['recycles']} / {s['ceiling_recycles']} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=None, help="Redis for cache and limits (required with PostgreSQL)")
    parser.add_argument("--data", type=Path, default=ROOT / "bench/.data/1m",
                        help="bench/catalog.py generate's output: gtins.txt, products.csv, catalog.json")
    parser.add_argument("--gtins", type=int, default=5_000, help="hot set: distinct GTINs of the cached lookups")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY of every server")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections of the lookups")
    parser.add_argument("--search-connections", type=int, default=8, help="wrk connections of search")
    parser.add_argument("-d", "--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm", type=int, default=60, help="seconds of hot-set lookups before measuring (per server)")
    parser.add_argument("--search-warm", type=int, default=30, help="seconds of searches before measuring")
    parser.add_argument("--clients", type=int, default=10_000, help="distinct X-Forwarded-For clients wrk spreads over")
    parser.add_argument("--accept-encoding", default="gzip, deflate, br", help="sent with every request ('' for none)")
    parser.add_argument("--recycle-max-requests", type=int, default=10_000, help="max_requests of the recycle servers")
    parser.add_argument("--recycle-jitter", type=int, default=5_000, help="max_requests_jitter of the recycle servers")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated subset of " + ",".join(SCENARIOS))
    parser.add_argument("--skip-limit-check", action="store_true", help="go on when limits do not apply per client")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs (their path is printed)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    only = [s for s in SCENARIOS if s in args.only.split(",")]
    if not only:
        parser.error(f"--only: none of {', '.join(SCENARIOS)}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    if not args.database_url.startswith("sqlite") and not args.redis_url:
        parser.error("PostgreSQL runs in production configuration, which needs --redis-url")

    started_at = datetime.datetime.now(datetime.timezone.utc)
    hot = hot_gtins(args.data, args.gtins)
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    log_dir = work / "logs"
    log_dir.mkdir()
    paths = {"hot": write_paths(work, "hot", [f"/v1/barcodes/{g}" for g in hot])}
    uncached_slices = search_slices = []
    if "uncached" in only:
        fresh = fresh_gtins(args.data, set(hot), args.seed)
        uncached_slices = [[f"/v1/barcodes/{g}" for g in part] for part in slices(fresh, args.rounds)]
        log(f"uncached: {len(fresh)} GTINs never in the hot set, {len(uncached_slices[0])} per round")
    if "search" in only:
        queries = fresh_queries(args.data, args.seed)
        search_slices = [[f"/v1/brands?q={urllib.parse.quote(q)}" for q in part] for part in slices(queries, args.rounds + 1)]
        log(f"search: {len(queries)} distinct queries, {len(search_slices[0])} per round and for the warm-up")

    prefix = f"bench-load-{os.getpid()}:"
    ceiling_env, project_env, removed = server_env(args, prefix, str(work / "export"))
    if removed:
        log(f"not passed to the servers (they run as shipped): {', '.join(removed)}")
    if args.redis_url:
        clear_redis(args.redis_url, prefix)
    ceiling_args = ("--pythonpath", "bench")  # bench/ceiling.py as the module ceiling
    recycle_args = f"--max-requests {args.recycle_max_requests} --max-requests-jitter {args.recycle_jitter}"
    servers = {
        "ceiling": Server("ceiling", "ceiling:app", ceiling_env, log_dir, ceiling_args),
        "project": Server("project", "wsgi:app", project_env, log_dir),
    }
    if "recycle" in only:
        servers["ceiling-recycle"] = Server("ceiling-recycle", "ceiling:app", {**ceiling_env, "GUNICORN_CMD_ARGS": recycle_args},
                                            log_dir, ceiling_args)
        servers["project-recycle"] = Server("project-recycle", "wsgi:app", {**project_env, "GUNICORN_CMD_ARGS": recycle_args}, log_dir)
    runs: list[dict] = []
    limits_problem = None
    ok = False
    try:
        for server in servers.values():
            server.wait_ready()
        sizes = check_answers(servers["ceiling"], servers["project"], f"/v1/barcodes/{hot[0]}", args.accept_encoding)
        log(f"answers: {sizes}")
        limits_problem = check_limits(servers["project"], f"/v1/barcodes/{hot[0]}")
        if limits_problem:
            if not args.skip_limit_check:
                raise SystemExit(f"rate limits: {limits_problem}")
            log(f"WARNING, rate limits: {limits_problem}; going on (--skip-limit-check), verdicts marked INVALID")
        else:
            log("rate limits: on, per client behind the proxy")
        for name in ("ceiling", "ceiling-recycle"):
            if name in servers:
                run_wrk(servers[name], paths["hot"], args, args.connections, min(args.warm, 5), warm_up=True)
        for name in ("project", "project-recycle"):
            if name in servers and {"cached", "uncached", "recycle"} & set(only):
                log(f"warming {name}: {args.warm} s of hot-set lookups")
                warm = run_wrk(servers[name], paths["hot"], args, args.connections, args.warm, warm_up=True)
                log(f"  {warm['rps']:.0f} req/s, {warm['recycles']} recycles, non-2xx {warm['non_2xx']}")
        if "search" in only:
            log(f"building the search index in each worker: {args.search_warm} s of searches")
            warm_file = write_paths(work, "search-warm", search_slices[0])
            run_wrk(servers["project"], warm_file, args, args.search_connections, args.search_warm, warm_up=True)

        for round_ in range(1, args.rounds + 1):
            for scenario in only:
                connections = args.search_connections if scenario == "search" else args.connections
                if scenario == "uncached":
                    file = write_paths(work, f"uncached-{round_}", uncached_slices[round_ - 1])
                    log(f"round {round_} uncached: {warm_database(args.database_url)}")
                elif scenario == "search":
                    file = write_paths(work, f"search-{round_}", search_slices[round_])
                else:
                    file = paths["hot"]
                pair = ("ceiling-recycle", "project-recycle") if scenario == "recycle" else ("ceiling", "project")
                for role, name in zip(("ceiling", "project"), pair):
                    result = run_wrk(servers[name], file, args, connections, args.duration)
                    runs.append({"round": round_, "scenario": scenario, "server": role, "connections": connections, **result})
                    log(describe_run(round_, scenario, name, result))
        ok = True
    finally:
        for server in servers.values():
            server.stop()
        if args.redis_url:
            clear_redis(args.redis_url, prefix)
        if not ok:
            for server in servers.values():
                log(f"--- {server.name} log tail ({server.log_path}):\n{server.tail(10)}")
        if args.keep_logs or not ok:
            log(f"server logs kept in {log_dir}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    summary = {}
    for scenario in only:
        pick = lambda role: [r for r in runs if r["scenario"] == scenario and r["server"] == role]  # noqa: E731
        summary[scenario] = summarise(scenario, pick("ceiling"), pick("project"), limits_problem)
    backend = "SQLite" if args.database_url.startswith("sqlite") else "PostgreSQL"
    cache = "Redis" if args.redis_url else "in-process cache"
    loads = [l for r in runs for l in r["load_average"]]
    wrk_of = {s: f"-t{args.threads} -c{args.search_connections if s == 'search' else args.connections} -d{args.duration}s"
              for s in only}
    print(f"\n{backend} + {cache}, RATINGS_ENV={project_env['RATINGS_ENV']}; gunicorn.conf.py as shipped, "
          f"WEB_CONCURRENCY={args.workers} for the ceiling (bench/ceiling.py) and the project; rate limits on, "
          f"TRUSTED_PROXY_COUNT=1, {args.clients} clients over X-Forwarded-For, Accept-Encoding: "
          f"{args.accept_encoding or '(none)'}; recycle: --max-requests {args.recycle_max_requests} "
          f"--max-requests-jitter {args.recycle_jitter}; medians of {args.rounds} rounds, interleaved; "
          f"{started_at:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load average {min(loads, default=0):.1f}–{max(loads, default=0):.1f}\n")
    print(markdown(summary, wrk_of))
    if args.json:
        args.json.write_text(json.dumps({
            "args": {k: str(v) for k, v in vars(args).items()}, "started_at": started_at.isoformat(),
            "backend": backend, "cache": cache, "ratings_env": project_env["RATINGS_ENV"], "answer_sizes": sizes,
            "limits_problem": limits_problem, "runs": runs, "summary": summary}, indent=1))


if __name__ == "__main__":
    main()
