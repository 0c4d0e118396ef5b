"""Two gunicorn instances (think: two hosts) on one PostgreSQL and one Redis serve each other's writes at once."""

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.api.test_workflow_story import ANSWERS, make_people
from tests.support import eventually

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn_hosts(tmp_path, settings: dict, workers: int = 1, names=("a", "b")):
    """Gunicorn instances (think: hosts) on the same settings, each with its own port, export folder and log."""
    prefix = f"gunicorn-{uuid.uuid4().hex[:8]}:"
    hosts, processes = [], []
    for name in names:
        port = free_port()
        env = {**os.environ, "CACHE_KEY_PREFIX": prefix, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
               "EXPORT_DIR": str(tmp_path / name), "ACCESS_LOG": str(tmp_path / f"{name}.log"), **settings}
        if "CACHE_REDIS_URL" not in settings:
            env.pop("CACHE_REDIS_URL", None)
        processes.append(subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        hosts.append(f"http://127.0.0.1:{port}")
    try:
        for host in hosts:
            wait_until_up(host)
        yield hosts
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def two_hosts(postgres_demo_url, redis_url, tmp_path):
    with gunicorn_hosts(tmp_path, {"DATABASE_URL": postgres_demo_url, "CACHE_REDIS_URL": redis_url}) as hosts:
        yield hosts


def wait_until_up(host: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{host}/readyz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{host} did not come up")


def test_a_publication_through_one_host_is_served_by_the_other_next(two_hosts, postgres_demo_url):
    a, b = two_hosts
    tokens = make_people(postgres_demo_url, industry=False)
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    reviewer = {"Authorization": f"Bearer {tokens['reviewer']}"}
    company = "saltmarrow-calzature-srl"  # rated F in the demo
    code = requests.get(f"{b}/v1/companies/{company}", timeout=5).json()["brands"][0]["slug"]
    before = requests.get(f"{b}/v1/brands/{code}", timeout=5).json()["rating"]
    assert requests.get(f"{b}/v1/brands/{code}", timeout=5).json()["rating"] == before  # cached on b
    version_before = requests.get(f"{b}/v1/export", timeout=10).headers["X-Catalog-Version"]

    created = requests.post(f"{a}/v1/assessments", json={"company": company, "cycle_year": 2027}, headers=analyst, timeout=5)
    written = requests.put(f"{a}/v1/assessments/{created.json()['id']}/answers",
                           json={"answers": ANSWERS + [{"indicator": "POL-2", "value": "full"}]},
                           headers={**analyst, "If-Match": created.headers["ETag"]}, timeout=5)
    assert written.status_code == 200, written.text
    submitted = requests.post(f"{a}/v1/assessments/{created.json()['id']}/submit",
                              headers={**analyst, "If-Match": written.headers["ETag"]}, timeout=5)
    submitted.raise_for_status()
    published = requests.post(f"{a}/v1/assessments/{created.json()['id']}/publish",
                              headers={**reviewer, "If-Match": submitted.headers["ETag"]}, timeout=5)
    assert published.status_code == 201, published.text

    def served_by_b():  # PostgreSQL: b learns of the new version within the feed's bound (README)
        after = requests.get(f"{b}/v1/brands/{code}", timeout=5).json()["rating"]
        assert after["id"] == published.json()["rating"] != before["id"]

    eventually(served_by_b)
    assert int(requests.get(f"{b}/v1/export", timeout=10).headers["X-Catalog-Version"]) > int(version_before)
