"""What a gunicorn worker does after the fork, before its first request (gunicorn.conf.py's hooks).

The app is imported once, in the master (preload_app), and every worker is a fork of it. Whatever the
master opened is not the worker's: database connections (create_app opens none, but a pooled connection
shared by two processes corrupts both, so the pool is dropped whatever it holds), Redis pools (redis-py
also resets a pool it finds in another process; done here explicitly), and the catalog version feed,
whose LISTEN thread must run in the worker (a thread never survives a fork): `after_fork`, at once.
Then `warm`, before the worker accepts, does what its first requests would otherwise pay for: its
database connection, the schema check, the current catalog version, the search index of that version
and the per-industry rankings of alternatives. A recycled worker therefore serves its first request
like any other, at the current version, without the import, the migration check or a cold index.
"""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def warm_master(app: object) -> None:
    """In the master, before the first fork (when_ready): build the read models at the catalog version of now,
    starting no thread, then close every connection used. Workers forked while the catalog stays at that
    version inherit them ready, in pages they share with the master (gc.freeze() follows); a worker forked
    after a change rebuilds them in its own warm-up."""
    if not _ours(app):
        return
    from api import database
    from api.read_models import build_all
    from ratings.db import database_ready

    engine = app.extensions["ratings_engine"]
    try:
        with app.app_context():
            version = app.extensions["catalog_version_feed"].read_now()
            if version is not None and database_ready(engine)[0]:
                build_all(database.session(), version)
    except Exception:
        log.warning("master warm-up failed; each worker builds its own read models", exc_info=True)
    finally:
        engine.dispose()  # no connection of the master's reaches a worker (this also stops the master's feed)


def after_fork(app: object) -> None:
    """Right after the fork (post_fork): make the worker's app its own; no I/O. Anything that is not this
    project's app is left alone (bench/ceiling.py runs under the same gunicorn.conf.py)."""
    if not _ours(app):
        return
    app.extensions["ratings_engine"].dispose(close=False)  # the parent's connections stay the parent's
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
    except Exception:
        log.warning("worker warm-up failed; serving cold", exc_info=True)


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
