"""Load test: wrk against gunicorn on 127.0.0.1, four workloads side by side in one run.

    .venv/bin/python bench/load.py --database-url sqlite:////tmp/bench/ratings_1m.db --data bench/.data/1m
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/ratings_bench \
        --redis-url redis://127.0.0.1:6379/2 --data bench/.data/1m

Starts two gunicorn servers on the same database (WEB_CONCURRENCY workers each, rate limits off,
access log to /dev/null): one with the response cache (in-process, or Redis when --redis-url is
given, keys under CACHE_KEY_PREFIX=bench-load:), one with CACHE_TYPE=NullCache. Then, for each
of --rounds rounds, runs wrk (-t THREADS -c CONNECTIONS -d DURATION, bench/paths.lua) on:
  ceiling    GET /healthz on the cached server (a constant JSON answer of the same app)
  cached     GET /v1/barcodes/{gtin} on the cached server, cycling through --gtins GTINs of gtins.txt;
             warmed first by --warm seconds of the same load
  uncached   the same lookups on the NullCache server (every request does the database work)
  search     GET /v1/brands?q=... on the NullCache server, cycling through queries.txt (prefixes,
             whole names, typos, with and without accents); the search index is built per worker first
  search_c2  the same with 2 connections (--search-connections): one search in flight per worker, so
             its latency is the search's own, without queueing behind other requests
While wrk runs, the RSS of each gunicorn worker is sampled with ps every 0.5 s. gunicorn.conf.py recycles a
worker after about 20,000 requests, which empties an in-process cache; --max-requests 0 turns that off.
Prints per-round figures, then the medians with the ratios to the ceiling, as a Markdown table;
--json FILE also writes every figure. Each wrk run is bounded by -d; servers are stopped at the end.
Needs wrk (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "paths.lua"
SCENARIOS = ("ceiling", "cached", "uncached", "search", "search_c2")


def start_server(port: int, env_extra: dict[str, str], workers: int, max_requests: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "RATE_LIMITS_ENABLED": "false",
           "ACCESS_LOG": "/dev/null", **env_extra}
    if max_requests is not None:  # overrides gunicorn.conf.py's max_requests (0: never recycle a worker)
        env["GUNICORN_CMD_ARGS"] = f"--max-requests {max_requests}"
    log = open(f"/tmp/bench-gunicorn-{port}.log", "w")
    return subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # the master stops its own workers
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server on port {port} not ready after {timeout} s; see /tmp/bench-gunicorn-{port}.log")


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def rss_mb(pids: list[int]) -> float:
    if not pids:
        return 0.0
    out = subprocess.run(["ps", "-o", "rss=", "-p", ",".join(map(str, pids))], capture_output=True, text=True).stdout
    return max((int(kb) / 1024 for kb in out.split()), default=0.0)


def run_wrk(port: int, paths_file: Path, args, master: int, duration: int | None = None, warm_up: bool = False,
            connections: int | None = None) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{connections or args.connections}", f"-d{duration or args.duration}s", "--timeout", "10s",
               "--latency", "-s", str(LUA), f"http://127.0.0.1:{port}"]
    wrk = subprocess.Popen(command, env={**os.environ, "PATHS_FILE": str(paths_file)}, stdout=subprocess.PIPE, text=True)
    peak = 0.0
    while wrk.poll() is None:
        peak = max(peak, rss_mb(worker_pids(master)))
        time.sleep(0.5)
    out = wrk.stdout.read()
    line = next((l for l in out.splitlines() if l.startswith("WRK_RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{out}")
    result = json.loads(line.removeprefix("WRK_RESULT "))
    if not result["requests"] and not warm_up:
        raise SystemExit(f"wrk made no request; its output:\n{out}")
    return {**result, "worker_rss_mb": round(peak, 1)}


def write_paths(directory: Path, args) -> dict[str, Path]:
    gtins = [g for g in (args.data / "gtins.txt").read_text().split() if g][: args.gtins]
    queries = [q for q in (args.data / "queries.txt").read_text(encoding="utf-8").splitlines() if q.strip()]
    files = {
        "ceiling": ["/healthz"],
        "cached": [f"/v1/barcodes/{g}" for g in gtins],
        "uncached": [f"/v1/barcodes/{g}" for g in gtins],
        "search": [f"/v1/brands?q={urllib.parse.quote(q)}" for q in queries],
    }
    paths = {}
    for name, lines in files.items():
        paths[name] = directory / f"{name}.txt"
        paths[name].write_text("\n".join(lines) + "\n")
    return paths


def clear_redis(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=None, help="cache in Redis (use db 2); default: in-process cache")
    parser.add_argument("--data", type=Path, default=ROOT / "bench/.data/1m", help="gtins.txt and queries.txt (bench/catalog.py)")
    parser.add_argument("--gtins", type=int, default=5_000, help="distinct GTINs cycled through")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--search-connections", type=int, default=2, help="wrk connections of search_c2")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm", type=int, default=60, help="seconds of cached-lookup load before measuring")
    parser.add_argument("--max-requests", type=int, default=None,
                        help="gunicorn --max-requests for both servers (0: workers never recycled); default: gunicorn.conf.py's")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated subset of " + ",".join(SCENARIOS))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    only = [s for s in SCENARIOS if s in args.only.split(",")]

    prefix = "bench-load:"
    cache_env = {"CACHE_KEY_PREFIX": prefix}
    if args.redis_url:
        clear_redis(args.redis_url, prefix)
        cache_env["CACHE_REDIS_URL"] = args.redis_url
    base = {"DATABASE_URL": args.database_url, "EXPORT_DIR": tempfile.mkdtemp(prefix="bench-export-")}
    cached = start_server(8101, {**base, **cache_env}, args.workers, args.max_requests)
    uncached = start_server(8102, {**base, "CACHE_TYPE": "NullCache"}, args.workers, args.max_requests)
    ports = {"ceiling": 8101, "cached": 8101, "uncached": 8102, "search": 8102, "search_c2": 8102}
    masters = {8101: cached.pid, 8102: uncached.pid}
    results: dict[str, list[dict]] = {s: [] for s in only}
    try:
        wait_ready(8101), wait_ready(8102)
        with tempfile.TemporaryDirectory() as tmp:
            paths = write_paths(Path(tmp), args)
            if "cached" in only:
                print(f"warming the cache: {args.warm} s of cached lookups", file=sys.stderr)
                warm = run_wrk(8101, paths["cached"], args, cached.pid, duration=args.warm, warm_up=True)
                print(f"  warm-up: {warm['rps']:.0f} req/s", file=sys.stderr)
            if "search" in only or "search_c2" in only:
                print("building the search index in each worker: 30 s of searches", file=sys.stderr)
                run_wrk(8102, paths["search"], args, uncached.pid, duration=30, warm_up=True)
            for round_ in range(1, args.rounds + 1):
                for scenario in only:
                    result = run_wrk(ports[scenario], paths[scenario.removesuffix("_c2")], args, masters[ports[scenario]],
                                     connections=args.search_connections if scenario == "search_c2" else None)
                    results[scenario].append(result)
                    print(f"round {round_} {scenario:9s} {result['rps']:8.0f} req/s  p50 {result['p50_ms']:7.2f} ms  "
                          f"p95 {result['p95_ms']:7.2f} ms  p99 {result['p99_ms']:7.2f} ms  errors {result['errors']} "
                          f"non-2xx {result['non_2xx']}  worker RSS {result['worker_rss_mb']} MB", file=sys.stderr)
    finally:
        stop_server(cached), stop_server(uncached)
        if args.redis_url:
            clear_redis(args.redis_url, prefix)

    summary = {s: {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50_ms", "p95_ms", "p99_ms")}
               | {"worker_rss_mb": max(r["worker_rss_mb"] for r in runs)} for s, runs in results.items()}
    ceiling = summary.get("ceiling")
    print(f"\n{'Redis' if args.redis_url else 'in-process'} cache, {args.database_url.split(':')[0]}; "
          f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.workers} sync workers"
          f"{'' if args.max_requests is None else f' (max_requests {args.max_requests})'}, "
          f"medians of {args.rounds} rounds\n")
    print("| workload | req/s | p50 ms | p95 ms | p99 ms | req/s vs ceiling | p99 vs ceiling | max worker RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for scenario, s in summary.items():
        ratio = f"{s['rps'] / ceiling['rps']:.2f}x" if ceiling else "-"
        p99 = f"{s['p99_ms'] / ceiling['p99_ms']:.2f}x" if ceiling else "-"
        print(f"| {scenario} | {s['rps']:.0f} | {s['p50_ms']:.2f} | {s['p95_ms']:.2f} | {s['p99_ms']:.2f} | {ratio} | {p99} | "
              f"{s['worker_rss_mb']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "runs": results,
                                         "medians": summary}, indent=1))


if __name__ == "__main__":
    main()
