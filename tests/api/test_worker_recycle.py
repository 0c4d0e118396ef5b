"""gunicorn.conf.py as shipped (preloaded app, workers warmed after the fork): recycled workers serve every
request, at the current catalog version, including a change committed after the master loaded the app."""

import pytest
import requests
from sqlmodel import Session, select

from ratings import catalog
from ratings.db import make_engine, transaction
from ratings.models import Product
from tests.api.test_gunicorn import gunicorn_hosts
from tests.support import eventually

RECYCLE_EVERY = 15  # requests per worker: each loop below crosses several recycles
RENAMED = "Renamed After Preload Ltd"


def get(host: str, path: str, client: int) -> requests.Response:
    # Each request from its own client behind the proxy: the rate limits stay on, and out of the way.
    return requests.get(f"{host}{path}", headers={"X-Forwarded-For": f"198.18.0.{client % 250}"}, timeout=10)


def test_recycled_workers_serve_every_request_at_the_current_version(writable_demo_url, backend, tmp_path, request):
    settings = {"DATABASE_URL": writable_demo_url, "TRUSTED_PROXY_COUNT": "1",
                "GUNICORN_CMD_ARGS": f"--max-requests {RECYCLE_EVERY} --max-requests-jitter 0 "
                                     f"--error-logfile {tmp_path / 'error.log'}"}
    if backend == "postgresql":
        settings["CACHE_REDIS_URL"] = request.getfixturevalue("redis_url")
    engine = make_engine(writable_demo_url)
    with Session(engine) as session:
        paths = [f"/v1/barcodes/{gtin}" for gtin in session.exec(select(Product.gtin).order_by(Product.id).limit(5))]
    try:
        with gunicorn_hosts(tmp_path, settings, workers=2, names=("a",)) as (host,):
            first = {path: get(host, path, 0).json() for path in paths}
            answers = [get(host, paths[n % len(paths)], n) for n in range(4 * RECYCLE_EVERY)]
            assert [a.status_code for a in answers] == [200] * len(answers)
            assert all(a.json() == first[paths[n % len(paths)]] for n, a in enumerate(answers))

            # A change after the master loaded the app: workers forked since serve it, not what the master saw.
            with Session(engine) as session, transaction(session):
                catalog.update_company(session, first[paths[0]]["company"]["slug"], changes={"name": RENAMED})

            def renamed_everywhere():  # within the freshness bound, on every worker, new and old
                names = {get(host, paths[0], n).json()["company"]["name"] for n in range(4)}
                assert names == {RENAMED}

            eventually(renamed_everywhere)
            names = [get(host, paths[0], n).json()["company"]["name"] for n in range(4 * RECYCLE_EVERY)]
            assert set(names) == {RENAMED}
        booted = (tmp_path / "error.log").read_text().count("Booting worker")
        assert booted >= 2 + 4, booted  # the first two workers, then several recycles
    finally:
        engine.dispose()


def test_the_master_builds_the_read_models_without_a_thread_or_a_connection_left(demo_url, make_app):
    import threading

    from api import workers

    app = make_app(demo_url)
    threads = set(threading.enumerate())
    workers.warm_master(app)
    assert set(threading.enumerate()) <= threads  # none started: the version feed's listener starts only in a worker
    assert app.extensions["ratings_engine"].pool.checkedin() == 0  # disposed: nothing for a fork to share
    version = app.extensions["catalog_version_feed"].read_now()
    assert app.extensions["brand_index"][0] == app.extensions["lookup_model"][0] == version

    workers.after_fork(app)  # as in a worker forked from it: the feed starts again, the models are kept
    workers.warm(app)
    with app.app_context():
        from api.read_models import brand_index, lookup_model

        assert brand_index() is app.extensions["brand_index"][1] and lookup_model() is app.extensions["lookup_model"][1]
