"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Each worker is a stateless process with its own database pool; PostgreSQL and Redis are shared
by every worker on every host, so any number of these can run behind any load balancer.
"""

import gc
import multiprocessing
import os
import sys
import time

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threaded workers: a sync worker is tied up by one slow client (a half-sent request holds it until the
# client gives up), so a few slow or malicious sockets would stall every worker. With gthread a worker
# serves `threads` requests at once and idle keep-alive connections wait in its poller, not in a thread.
# In production a buffering proxy (nginx) in front still absorbs slow clients entirely (README).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"

timeout = 30  # a worker silent this long is killed and replaced
graceful_timeout = 30  # on SIGTERM/SIGHUP, in-flight requests get this long to finish
keepalive = 5

# Import the app once, in the master: a new worker is a fork of it, serving within milliseconds, instead of
# importing for about a second, checking migrations and running a first full GC (the p99 spikes of recycling).
preload_app = True

# Recycle workers now and then, so a slow leak never grows without bound; every cache of a worker has a size
# bound, so this is a safety net, not a necessity. Workers never restart together: pre_fork staggers the
# budgets of workers forked together (at start, after SIGHUP), so their recycles stay max_requests / workers
# requests apart, and each replacement then keeps its predecessor's place in that cycle; the jitter is small
# beside that spacing and only keeps a fleet of hosts from recycling in step.
max_requests = 100_000
max_requests_jitter = 5_000

accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
# One JSON object per request, for log pipelines.
access_log_format = (
    '{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","query":"%(q)s",'
    '"status":%(s)s,"bytes":"%(B)s","duration_ms":%(M)s,"agent":"%(a)s","request_id":"%({x-request-id}i)s"}'
)


# Workers forked less than this apart count as forked together (gunicorn forks a whole set in one loop).
_TOGETHER_SECONDS = 1.0
_recent_forks: list[float] = []


def when_ready(server):
    # After the preload import, before the first fork: build the read models the workers will inherit
    # (api/workers.py), then move everything into the permanent generation, so no worker's GC ever walks
    # it (nor dirties its pages, which stay shared with the master).
    _project(server.app.wsgi(), "warm_master")
    gc.collect()
    gc.freeze()


def pre_fork(server, worker):
    gc.freeze()  # anything the master made since, likewise
    now = time.monotonic()
    _recent_forks[:] = [t for t in _recent_forks if now - t < _TOGETHER_SECONDS]
    if server.cfg.max_requests > 0:  # the k-th of workers forked together recycles k/W of a budget later
        slot = len(_recent_forks) % max(server.num_workers, 1)
        worker.max_requests += server.cfg.max_requests * slot // max(server.num_workers, 1)
    _recent_forks.append(now)


def post_fork(server, worker):
    # In the worker, at once: drop the master's connections and its catalog version feed state (api/workers.py).
    _project(server.app.wsgi(), "after_fork")


def post_worker_init(worker):
    # Then, with the worker's own signal handlers in place: start its catalog version feed (a thread, which
    # must not run in the master) and warm what its first requests need, before it accepts.
    _project(worker.wsgi, "warm", worker.notify)


def worker_exit(server, worker):
    # In the worker, as it exits (a recycle): leave its recorded answers for the next one (api/workers.py).
    _project(getattr(worker, "wsgi", None), "retire")


def on_exit(server):
    _project(server.app.wsgi(), "master_exit")


def _project(app, step: str, *args) -> None:
    """A step of api/workers.py for the project's app; nothing for any other app (bench/ceiling.py), and
    without importing the project into it."""
    if "api" in sys.modules:
        from api import workers

        getattr(workers, step)(app, *args)
