"""What a gunicorn worker does after the fork, before its first request (gunicorn.conf.py's hooks).

The app is imported once, in the master (preload_app), and every worker is a fork of it. Whatever the
master opened is not the worker's: database connections (create_app opens none, but a pooled connection
shared by two processes corrupts both, so the pool is dropped whatever it holds), Redis pools (redis-py
also resets a pool it finds in another process; done here explicitly), and the catalog version feed,
whose LISTEN thread must run in the worker (a thread never survives a fork): `after_fork`, at once.
Then `warm`, before the worker accepts, does what its first requests would otherwise pay for: its
database connection, the schema check, the current catalog version, the search index of that version
and the per-industry rankings of alternatives, and it takes over the fast path (api/fast_path.py) a
retired worker left (`retire`), when that one answered at the same catalog version and day. A recycled
worker therefore serves its first request like any other, at the current version, without the import,
the migration check, a cold index or thousands of hits through Flask to record again.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time

from flask import Flask

log = logging.getLogger(__name__)
_HANDOVER_FILE = "fast-path.snapshot"


def warm_master(app: object) -> None:
    """In the master, before the first fork (when_ready): build the read models at the catalog version of now,
    starting no thread, then close every connection used. Workers forked while the catalog stays at that
    version inherit them ready, in pages they share with the master (gc.freeze() follows); a worker forked
    after a change rebuilds them in its own warm-up. Also the server's hand-over directory (`retire`)."""
    if not _ours(app):
        return
    from api import database
    from api.read_models import build_all
    from ratings.db import database_ready

    # Where a retiring worker leaves its fast path for its successor (retire, warm): this server's own,
    # private directory, inherited by every worker.
    try:
        app.extensions["fast_path_handover"] = tempfile.mkdtemp(prefix="ratings-handover-")
    except OSError:
        log.warning("no directory for handing the fast path over; recycled workers start cold", exc_info=True)
    engine = app.extensions["ratings_engine"]
    try:
        with app.app_context():
            version = app.extensions["catalog_version_feed"].read_now()
            if version is not None and database_ready(engine)[0]:
                build_all(database.session(), version)
    except Exception:
        log.warning("master warm-up failed; each worker builds its own read models", exc_info=True)
    finally:
        for each in database.engines_of(app):
            each.dispose()  # no connection of the master's reaches a worker (this also stops the master's feed)


def after_fork(app: object) -> None:
    """Right after the fork (post_fork): make the worker's app its own; no I/O. Anything that is not this
    project's app is left alone (bench/ceiling.py runs under the same gunicorn.conf.py)."""
    if not _ours(app):
        return
    from api import database

    for engine in database.engines_of(app):
        engine.dispose(close=False)  # the parent's connections stay the parent's
    for pool in _redis_pools(app):
        pool.reset()
    app.extensions["catalog_version_feed"].after_fork()  # after dispose: disposing the engine stops the feed


def warm(app: object, heartbeat=lambda: None) -> None:
    """Before the first request (post_worker_init: the worker's signal handlers are in place, so a TERM during
    the warm-up stops it): the version feed's listener and first version, the schema check, the search index and
    the lookups' industry rankings (inherited from the master when the version has not moved since). A database that is down or unmigrated leaves the worker cold, serving the
    503s it would serve anyway."""
    if not _ours(app):
        return
    from api import database
    from api.catalog_version import current_version
    from api.read_models import brand_index, lookup_rankings
    from ratings.db import database_ready

    try:
        with app.app_context():
            ok, reason = database_ready(database.engine())
            if not ok:
                log.warning("worker not warmed: %s", reason)
                return
            app.extensions["ratings_schema_checked"]["ready"] = True
            for step in (current_version, brand_index, lookup_rankings):
                step()
                heartbeat()  # tell the master this worker is alive: a large catalog takes a while
            _take_over(app, current_version())
    except Exception:
        log.warning("worker warm-up failed; serving cold", exc_info=True)


def retire(app: object) -> None:
    """As a worker exits (worker_exit): leave its fast path's answers and rate-limit counts for the next worker,
    so that a recycled worker does not answer its first thousands of hits through Flask. Written whole, then
    renamed: a successor reads a complete snapshot or none."""
    directory = _ours(app) and app.extensions.get("fast_path_handover")
    fast_path = _fast_path(app) if directory else None
    if fast_path is None:
        return
    try:
        partial = os.path.join(directory, f"{_HANDOVER_FILE}.{os.getpid()}")
        with open(partial, "wb") as out:
            out.write(fast_path.snapshot())
        os.replace(partial, os.path.join(directory, _HANDOVER_FILE))
    except OSError:
        log.warning("could not hand the fast path over; the next worker starts cold", exc_info=True)


def master_exit(app: object) -> None:
    """When the server stops (on_exit): nothing left behind."""
    directory = _ours(app) and app.extensions.get("fast_path_handover")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)


def _take_over(app: Flask, version: int) -> None:
    """The last retired worker's fast path, if it answered for this very version and day (the snapshot says
    which): anything else is dropped, so a successor never replays what the catalog no longer says."""
    from api.caching import answer_day

    directory, fast_path = app.extensions.get("fast_path_handover"), _fast_path(app)
    if not directory or fast_path is None:
        return
    started = time.perf_counter()
    try:
        with open(os.path.join(directory, _HANDOVER_FILE), "rb") as snapshot:
            taken = fast_path.restore(snapshot.read(), (version, answer_day()))
    except FileNotFoundError:
        return
    log.info("took over %d fast-path answers at version %s in %.0f ms", taken, version,
             1000 * (time.perf_counter() - started))


def _fast_path(app: Flask):
    from api.fast_path import FastPath

    layer = app.wsgi_app
    while layer is not None and not isinstance(layer, FastPath):
        layer = getattr(layer, "app", None)  # inside trust_proxies' ProxyFix
    return layer


def _ours(app: object) -> bool:
    return isinstance(app, Flask) and "ratings_engine" in app.extensions


def _redis_pools(app: Flask) -> list:
    """The connection pools of the response cache and the rate limiter, when they are Redis."""
    clients = []
    for backend in app.extensions.get("cache", {}).values():
        for holder in (backend, getattr(backend, "redis", None)):  # api/fallback_cache.py wraps a RedisCache
            clients += [getattr(holder, name, None) for name in ("_write_client", "_read_client")]
    limiter = app.extensions.get("ratings_limiter")
    clients.append(getattr(getattr(limiter, "_storage", None), "storage", None))
    pools = {id(pool): pool for pool in (getattr(c, "connection_pool", None) for c in clients) if pool is not None}
    return list(pools.values())
