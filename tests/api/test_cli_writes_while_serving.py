"""Writes through the CLI reach running servers: the change log is the one catalog version every cache keys on.

Two gunicorn instances (think: two hosts) serve one database, on PostgreSQL with Redis and on SQLite with
each instance's in-process cache. `ratings import` and `ratings db restore` write behind their backs; the
next request to each instance serves the new state, including answers it had cached before.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.api.test_gunicorn import ROOT, gunicorn_hosts
from tests.support import eventually

RATINGS = str(Path(sys.executable).with_name("ratings"))
DEMO = json.loads((ROOT / "data/demo/catalog.json").read_text(encoding="utf-8"))
OLD_PRODUCT = DEMO["products"][0]
OLD_BRAND = next(b for b in DEMO["brands"] if b["slug"] == OLD_PRODUCT["brand"])
NEW_GTIN = "05012345678900"


@pytest.fixture(params=["postgresql+redis", "sqlite+in-process"])
def two_hosts_on(request, tmp_path):
    if request.param == "postgresql+redis":
        url, extra = request.getfixturevalue("postgres_demo_url"), {"CACHE_REDIS_URL": request.getfixturevalue("redis_url")}
    else:
        url, extra = f"sqlite:///{tmp_path / 'ratings.db'}", {}
        subprocess.run([RATINGS, "db", "upgrade", "--database-url", url], check=True, capture_output=True)
        subprocess.run([RATINGS, "demo", "load", "--database-url", url], check=True, capture_output=True)
    settings = {"DATABASE_URL": url, "RATE_LIMITS_ENABLED": "false", **extra}
    with gunicorn_hosts(tmp_path, settings, workers=2) as hosts:
        yield url, hosts


def seen_by(host):
    """What a consumer sees of the three things the import changes (each asked twice: every worker, cached)."""
    views = []
    for _ in range(4):  # two sync workers: four requests reach both
        search = requests.get(f"{host}/v1/brands", params={"q": "Quillon Knitwear"}, timeout=10).json()
        barcode = requests.get(f"{host}/v1/barcodes/{NEW_GTIN}", timeout=10)
        old = requests.get(f"{host}/v1/barcodes/{OLD_PRODUCT['gtin']}", timeout=10).json()
        views.append(({i["slug"] for i in search["items"]}, barcode.status_code, old["brand"]["name"]))
    assert len(set(map(repr, views))) == 1, views  # every worker agrees
    return views[0]


def ratings_cli(*args):
    result = subprocess.run([RATINGS, *args], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_cli_import_and_restore_are_served_by_every_instance_on_the_next_request(two_hosts_on, tmp_path):
    url, hosts = two_hosts_on
    before = (set(), 404, OLD_BRAND["name"])
    for host in hosts:
        assert seen_by(host) == before  # and now cached: the unknown barcode as a 404
    ratings_cli("db", "backup", str(tmp_path / "before.backup"), "--database-url", url)

    changes = {
        "brands": [
            {"slug": "quillon-knitwear", "name": "Quillon Knitwear", "company": OLD_BRAND["company"]},
            {**OLD_BRAND, "name": "Renamed By The CLI"},
        ],
        "products": [{"gtin": NEW_GTIN, "name": "Quillon ribbed jumper", "brand": "quillon-knitwear"}],
    }
    (tmp_path / "changes.json").write_text(json.dumps(changes), encoding="utf-8")
    ratings_cli("users", "create", "--email", "importer@example.org", "--role", "analyst", "--database-url", url)
    ratings_cli("import", str(tmp_path / "changes.json"), "--actor", "importer@example.org", "--database-url", url)
    for host in hosts:  # PostgreSQL: within the version feed's bound; SQLite: at once
        eventually(lambda: _assert_equal(seen_by(host), ({"quillon-knitwear"}, 200, "Renamed By The CLI")))

    ratings_cli("db", "restore", str(tmp_path / "before.backup"), "--yes", "--database-url", url)
    for host in hosts:
        eventually(lambda: _assert_equal(seen_by(host), before))


def _assert_equal(actual, expected):
    assert actual == expected
