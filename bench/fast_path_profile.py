"""Time (and optionally profile) cached barcode hits in-process, no HTTP server: what one replayed hit costs.

    .venv/bin/python bench/fast_path_profile.py --database-url sqlite:////tmp/demo.db [--count 20000] [--rounds 5] [--profile]

Builds the app as bench/load.py serves it (rate limits on with the shipped RATE_LIMIT_DEFAULT,
TRUSTED_PROXY_COUNT=1, the in-process cache), records every product's answer once, then calls the WSGI
app directly with an environ like gunicorn's (Accept-Encoding: gzip, deflate, br; X-Forwarded-For one of
--clients clients in turn, as bench/paths.lua sends them), --count times per figure, over every product's GTIN, in --rounds interleaved rounds (min and median).
Prints µs per hit for the whole stack and for its layers on their own, the same for bench/ceiling.py's
bare Flask app and gunicorn's access-log line (both servers pay that one), and both apps behind gunicorn's
own request handling (parsing, environ, headers, socket writes, access log) on a socket pair. --profile: pyinstrument's tree
of the whole stack (pip install pyinstrument: bench-only).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def gunicorn_environ(path: str, client: str) -> dict:
    """What gunicorn's WSGI environ holds for wrk's request (bench/paths.lua), minus the socket objects."""
    return {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "", "RAW_URI": path,
        "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000", "HTTP_HOST": "127.0.0.1:8000", "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
        "HTTP_X_FORWARDED_FOR": client, "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.multithread": True,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.input": None, "wsgi.errors": sys.stderr,
    }


def per_call_us(call, environs: list[dict], count: int) -> float:
    """µs per call(environ) over fresh copies (gunicorn builds an environ per request; layers write into it)."""
    copies = [dict(environs[n % len(environs)]) for n in range(count)]
    started = time.perf_counter()
    for environ in copies:
        call(environ)
    return 1e6 * (time.perf_counter() - started) / count


def drain(app):
    def start_response(status, headers, exc_info=None):
        return None

    def call(environ):
        body = app(environ, start_response)
        for _ in body:
            pass
        if hasattr(body, "close"):
            body.close()

    return call


def access_log_line():
    """gunicorn's access log as gunicorn.conf.py configures it, to a null stream: the formatting's cost."""
    import io
    import logging

    from gunicorn.config import Config

    cfg = Config()
    import runpy

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", config["access_log_format"])
    if "logger_class" in config:
        cfg.set("logger_class", config["logger_class"])
    log = cfg.logger_class(cfg)
    for handler in log.access_log.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(io.StringIO())

    class Response:
        status, sent = "200 OK", 812
        headers = [("Content-Type", "application/json"), ("Content-Length", "812"), ("ETag", '"x"')]

    class Request:
        headers = [("HOST", "127.0.0.1:8000"), ("ACCEPT-ENCODING", "gzip, deflate, br"), ("X-FORWARDED-FOR", "10.0.0.1")]

    elapsed = datetime.timedelta(microseconds=1234)

    def call(environ):
        log.access(Response, Request, environ, elapsed)
        stream = log.access_log.handlers[0].stream
        stream.seek(0)
        stream.truncate()

    call.cfg, call.log = cfg, log
    return call


def through_gunicorn(app, paths: list[str], clients: list[str], count: int) -> float:
    """µs per request as a gthread worker handles one (workers/gthread.py handle_request): parse it from a
    socket, build the environ, call the app, send status, headers and body, write the access-log line
    (to a null stream). wrk's side of the socket pair is in the figure too, the same for every app."""
    import datetime as dt
    import socket

    from gunicorn import http
    from gunicorn.http import wsgi

    log_line = access_log_line()
    cfg, log = log_line.cfg, log_line.log
    server, client = socket.socketpair()
    parser = http.get_parser(cfg, server, ("127.0.0.1", 40000))
    requests = [(f"GET {paths[n % len(paths)]} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
                 f"Accept-Encoding: gzip, deflate, br\r\nX-Forwarded-For: {clients[n % len(clients)]}\r\n\r\n").encode()
                for n in range(min(count, 50_000))]

    def one(raw: bytes) -> None:
        client.sendall(raw)
        req = next(parser)
        started = dt.datetime.now()
        resp, environ = wsgi.create(req, server, ("127.0.0.1", 40000), ("127.0.0.1", 8000), cfg)
        environ["wsgi.multithread"] = True
        body = app(environ, resp.start_response)
        for item in body:
            resp.write(item)
        resp.close()
        log.access(resp, req, environ, dt.datetime.now() - started)
        if hasattr(body, "close"):
            body.close()
        client.recv(1 << 16)

    for raw in requests[:2000]:
        one(raw)
    started = time.perf_counter()
    for n in range(count):
        one(requests[n % len(requests)])
    elapsed = time.perf_counter() - started
    server.close()
    client.close()
    return 1e6 * elapsed / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, default=20_000, help="calls per figure per round")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    for name in ("RATE_LIMITS_ENABLED", "RATE_LIMIT_DEFAULT", "CACHE_TYPE", "FAST_PATH_ENABLED"):
        os.environ.pop(name, None)
    os.environ.update(DATABASE_URL=args.database_url, TRUSTED_PROXY_COUNT="1", RATINGS_ENV="development")
    warnings.simplefilter("ignore")
    from sqlalchemy import create_engine, text

    from api import create_app

    engine = create_engine(args.database_url)
    with engine.connect() as connection:
        gtins = [row[0] for row in connection.execute(text("SELECT gtin FROM product ORDER BY id"))]
    engine.dispose()
    app = create_app()
    clients = [f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(args.clients)]
    # Client n asks for GTIN n mod len(gtins), as wrk's threads walk the paths and clients in turn.
    environs = [gunicorn_environ(f"/v1/barcodes/{gtins[n % len(gtins)]}", clients[n]) for n in range(args.clients)]
    whole = drain(app.wsgi_app)
    for environ in environs[: len(gtins)]:
        whole(dict(environ))  # every answer recorded (through Flask)
    fast = app.wsgi_app.app if hasattr(app.wsgi_app, "app") else app.wsgi_app  # inside ProxyFix
    assert len(fast.store._entries) == len(gtins), len(fast.store._entries)
    direct = [{**e, "REMOTE_ADDR": e["HTTP_X_FORWARDED_FOR"]} for e in environs]  # as ProxyFix leaves it

    import importlib.util

    spec = importlib.util.spec_from_file_location("ceiling", ROOT / "bench" / "ceiling.py")
    ceiling = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ceiling)

    from werkzeug.middleware.proxy_fix import ProxyFix

    from api.caching import answer_day

    paths = [f"/v1/barcodes/{g}" for g in gtins]
    generation, key = (fast.version(), answer_day()), (paths[0], "", "gzip, deflate, br", "")
    n = args.count
    measures = {
        "whole stack (ProxyFix + fast path), replayed hit": lambda: per_call_us(whole, environs, n),
        "fast path alone (after ProxyFix)": lambda: per_call_us(drain(fast), direct, n),
        "  ProxyFix(x_for=1, x_proto=1) before a no-op app": lambda: per_call_us(
            drain(ProxyFix(lambda e, s: (), x_for=1, x_proto=1)), environs, n),
        "  version read": lambda: per_call_us(lambda e: fast.version(), direct, n),
        "  answer_day()": lambda: per_call_us(lambda e: answer_day(), direct, n),
        "  ResponseStore.get": lambda: per_call_us(lambda e: fast.store.get(generation, key), direct, n),
    }
    if fast.limiter is not None:
        limiter = fast.limiter
        measures[f"  limiter check ({args.clients:,} clients)"] = lambda: per_call_us(
            lambda e: limiter.check(e["REMOTE_ADDR"]), direct, n)
    measures["ceiling app (bench/ceiling.py, bare Flask)"] = lambda: per_call_us(drain(ceiling.app.wsgi_app), environs, n)
    log_line = access_log_line()
    measures["gunicorn access-log line (both servers pay it)"] = lambda: per_call_us(log_line, environs, n)
    measures["through gunicorn's request handling: project"] = lambda: through_gunicorn(app, paths, clients, n)
    measures["through gunicorn's request handling: ceiling"] = lambda: through_gunicorn(ceiling.app, paths, clients, n)

    per_call_us(whole, environs, min(n, 20_000))  # warm
    results: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(args.rounds):  # interleaved, so that every figure sees the same load
        for name, measure in measures.items():
            results[name].append(measure())
    width = max(map(len, results))
    print(f"{'µs per call, ' + str(args.rounds) + ' rounds of ' + format(n, ',') + ' calls':<{width}}  {'min':>8}  {'median':>8}")
    for name, values in results.items():
        print(f"{name:<{width}}  {min(values):8.2f}  {statistics.median(values):8.2f}")
    if args.profile:
        from pyinstrument import Profiler

        copies = [dict(environs[n % len(environs)]) for n in range(args.count)]
        profiler = Profiler(interval=0.0001)
        profiler.start()
        for environ in copies:
            whole(environ)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
