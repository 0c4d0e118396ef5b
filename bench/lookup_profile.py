"""Time (and optionally profile) uncached barcode lookups or brand searches in-process, no HTTP server.

    .venv/bin/python bench/lookup_profile.py --database-url URL --count 200 [--profile]
    .venv/bin/python bench/lookup_profile.py --database-url URL --search --count 200 [--profile]
    .venv/bin/python bench/lookup_profile.py --database-url URL --front --count 3000 [--accept-encoding ""]

Builds the app with CACHE_TYPE=NullCache (every request does its database work), makes one request
to warm up (and build the search index), then times --count requests through Flask's test client:
GTINs from gtins.txt or queries from queries.txt of --data (bench/catalog.py). Prints ms per request;
with --profile, pyinstrument's call tree (pip install pyinstrument: bench-only).

--front: known products' first lookups as the fast path builds them in front of Flask (api/fast_path.py), called
as gunicorn calls the app (its WSGI callable, no test client): one Flask request teaches it the headers for
--accept-encoding, then --count distinct GTINs of products.csv, none of them requested before (every one a miss),
each from its own client, rate limits on.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.parse
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--data", type=Path, default=ROOT / "bench/.data/1m")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--search", action="store_true", help="brand searches instead of barcode lookups")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--front", action="store_true", help="first lookups built in front of Flask, no test client")
    parser.add_argument("--accept-encoding", default="gzip, deflate, br", help="with --front (phones send this)")
    args = parser.parse_args()
    # --front keeps rate limits on: the fast path's in-process limiter is part of what a built lookup costs
    os.environ.update(DATABASE_URL=args.database_url, CACHE_TYPE="NullCache",
                      RATE_LIMITS_ENABLED="true" if args.front else "false")
    warnings.simplefilter("ignore")  # flask-caching warns that NullCache caches nothing: that is the point
    from api import create_app

    app = create_app()
    if args.front:
        return front(app, args)
    client = app.test_client()
    if args.search:
        lines = (args.data / "queries.txt").read_text(encoding="utf-8").splitlines()
        paths = [f"/v1/brands?q={urllib.parse.quote(q)}" for q in lines if q.strip()]
    else:
        paths = [f"/v1/barcodes/{g}" for g in (args.data / "gtins.txt").read_text().split()]
    paths = (paths * (args.count // len(paths) + 1))[: args.count]
    client.get(paths[-1])
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    times = []
    cpu_started = time.process_time()
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code, response.get_data()[:200])
    if profiler:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
    cpu = time.process_time() - cpu_started  # this process's CPU only: steadier than wall time on a shared machine
    times.sort()
    print(f"{len(times)} {'searches' if args.search else 'lookups'}: mean {1000 * sum(times) / len(times):.2f} ms, "
          f"p50 {1000 * times[len(times) // 2]:.2f} ms, p95 {1000 * times[int(len(times) * 0.95)]:.2f} ms, "
          f"CPU {1000 * cpu / len(times):.2f} ms per request (database server's time not included)")


def front(app, args) -> None:
    """Misses of known products, through the app's WSGI callable as gunicorn calls it."""
    with open(args.data / "products.csv", encoding="utf-8") as rows:
        next(rows)
        gtins = [next(rows).split(",", 1)[0] for _ in range(args.count + 1)]
    statuses: dict[str, int] = {}

    def start_response(status, _headers, _exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    from werkzeug.test import EnvironBuilder

    from api import workers

    # Built before timing; each lookup from its own client, as the load test's clients behind a proxy
    environs = [EnvironBuilder(path=f"/v1/barcodes/{gtin}", headers={"Accept-Encoding": args.accept_encoding},
                               environ_base={"REMOTE_ADDR": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"}).get_environ()
                for n, gtin in enumerate(gtins)]
    workers.warm(app)  # as a gunicorn worker before its first request: the industries' rankings among the rest
    b"".join(app.wsgi_app(environs[0], start_response))  # Flask's answer: the headers the rest are built with
    cpu_started = time.process_time()
    for environ in environs[1:]:
        b"".join(app.wsgi_app(environ, start_response))
    cpu = time.process_time() - cpu_started
    print(f"{args.count} lookups built in front of Flask, Accept-Encoding {args.accept_encoding!r}: "
          f"CPU {1000 * cpu / args.count:.2f} ms per lookup (database server's time not included); statuses {statuses}")


if __name__ == "__main__":
    main()
