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
    assert app.extensions["brand_index"][0] == version

    workers.after_fork(app)  # as in a worker forked from it: the feed starts again, the models are kept
    workers.warm(app)
    with app.app_context():
        from api.read_models import brand_index

        assert brand_index() is app.extensions["brand_index"][1]
    workers.master_exit(app)


def _fork_of(master, make_app, url, **config):
    """A worker's app as gunicorn.conf.py's hooks leave it: after the fork, warmed, in the master's hand-over directory."""
    from api import workers

    app = make_app(url, **config)
    app.extensions["fast_path_handover"] = master.extensions["fast_path_handover"]
    workers.after_fork(app)
    workers.warm(app)
    return app


def test_a_recycled_worker_takes_over_its_predecessors_answers_byte_for_byte(demo_url, make_app, tmp_path):
    import shutil

    from api import workers
    from tests.api.test_fast_path import DEMO, ENCODINGS, GENEROUS, answer

    master = make_app(demo_url, EXPORT_DIR=str(tmp_path / "m"))
    workers.warm_master(master)
    try:
        old = _fork_of(master, make_app, demo_url, EXPORT_DIR=str(tmp_path / "a"), RATE_LIMIT_DEFAULT=GENEROUS)
        paths = [f"/v1/barcodes/{p['gtin']}" for p in DEMO["products"][:10]] + ["/v1/barcodes/05012345678900"]
        client = old.test_client()
        before = {}
        for path in paths:
            for headers in ENCODINGS:
                client.get(path, headers=headers)  # recorded
                before[path, str(headers)] = answer(client.get(path, headers=headers))
        workers.retire(old)

        new = _fork_of(master, make_app, demo_url, EXPORT_DIR=str(tmp_path / "b"), RATE_LIMIT_DEFAULT=GENEROUS)
        taken = workers._fast_path(new).store._entries
        assert len(taken) == len(workers._fast_path(old).store._entries)  # every answer, before any request
        client = new.test_client()
        for path in paths:
            for headers in ENCODINGS:
                assert answer(client.get(path, headers=headers)) == before[path, str(headers)], path
        assert len(taken) == len(workers._fast_path(old).store._entries)  # replayed, none recorded anew
    finally:
        workers.master_exit(master)
    assert not shutil.os.path.exists(master.extensions["fast_path_handover"])


def test_a_recycled_worker_takes_over_nothing_from_another_catalog_version(writable_demo_url, make_app, tmp_path):
    from api import workers
    from tests.api.test_fast_path import DEMO

    master = make_app(writable_demo_url, EXPORT_DIR=str(tmp_path / "m"))
    workers.warm_master(master)
    try:
        old = _fork_of(master, make_app, writable_demo_url, EXPORT_DIR=str(tmp_path / "a"))
        product = DEMO["products"][0]
        path = f"/v1/barcodes/{product['gtin']}"
        for _ in range(2):
            old.test_client().get(path)
        engine = make_engine(writable_demo_url)
        with Session(engine) as session, transaction(session):
            catalog.update_brand(session, product["brand"], changes={"name": "Renamed Between Two Workers"})
        engine.dispose()
        workers.retire(old)  # its answers are of the version before the change

        new = _fork_of(master, make_app, writable_demo_url, EXPORT_DIR=str(tmp_path / "b"))
        assert len(workers._fast_path(new).store._entries) == 0
        assert new.test_client().get(path).get_json()["brand"]["name"] == "Renamed Between Two Workers"
    finally:
        workers.master_exit(master)


def test_a_recycled_worker_counts_on_from_its_predecessors_rate_limits(demo_url, make_app, tmp_path):
    from api import workers
    from tests.api.test_fast_path import DEMO

    master = make_app(demo_url, EXPORT_DIR=str(tmp_path / "m"))
    workers.warm_master(master)
    try:
        limited = {"RATE_LIMIT_DEFAULT": "3 per minute"}
        old = _fork_of(master, make_app, demo_url, EXPORT_DIR=str(tmp_path / "a"), **limited)
        path = f"/v1/barcodes/{DEMO['products'][0]['gtin']}"
        assert [old.test_client().get(path).status_code for _ in range(2)] == [200, 200]
        workers.retire(old)
        new = _fork_of(master, make_app, demo_url, EXPORT_DIR=str(tmp_path / "b"), **limited)
        assert [new.test_client().get(path).status_code for _ in range(2)] == [200, 429]
    finally:
        workers.master_exit(master)
