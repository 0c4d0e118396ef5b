"""The real server on the default configuration (no DATABASE_URL, no EXPORT_DIR), started from the
repository root and from an unrelated directory: `/v1/export` is a 200 and every file lands in the
instance folder, never relative to where the process was started.

The default location is the source checkout's `instance/`, so that it is exercised for real without
touching a developer's own: the source tree is copied to a temporary checkout, and the processes import
that copy (PYTHONPATH), exactly as a clone elsewhere on disk would be used.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
import requests

from tests.usage.servers import copy_source, default_environment, free_port, run, server

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the source tree, migrated and with the demo loaded through its own default location."""
    copy = copy_source(tmp_path_factory.mktemp("clone") / "ratings")
    env = environment(copy)
    run([str(BIN / "ratings"), "db", "upgrade"], cwd=copy, env=env)
    run([str(BIN / "ratings"), "demo", "load"], cwd=copy, env=env)
    assert (copy / "instance" / "ratings.db").exists()
    return copy


def environment(copy: Path) -> dict[str, str]:
    return default_environment(PYTHONPATH=str(copy), RATE_LIMITS_ENABLED="false")


@pytest.fixture
def start_in(checkout, tmp_path):
    """Where the server is started: the repository root, or a directory that has nothing to do with it."""

    def directory(where: str) -> Path:
        if where == "root":
            return checkout
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        return elsewhere

    shutil.rmtree(checkout / "instance" / "exports", ignore_errors=True)  # each test writes its bundle itself
    return directory


def server_command(kind: str, checkout: Path, port: int) -> tuple[list[str], dict[str, str]]:
    env = environment(checkout)
    if kind == "ratings serve":
        return [str(BIN / "ratings"), "serve", "--port", str(port)], env
    env.update(BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", ACCESS_LOG="-")
    return [sys.executable, "-m", "gunicorn", "-c", str(checkout / "gunicorn.conf.py"), "wsgi:app"], env


@pytest.mark.parametrize("where", ["root", "elsewhere"])
@pytest.mark.parametrize("kind", ["ratings serve", "gunicorn"])
def test_export_works_on_the_default_configuration(kind, where, checkout, start_in, tmp_path):
    cwd = start_in(where)
    before = sorted(os.listdir(cwd))
    port = free_port()
    command, env = server_command(kind, checkout, port)
    with server(command, cwd=cwd, env=env, port=port, log=tmp_path / "server.log") as base:
        response = requests.get(f"{base}/v1/export", timeout=30)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Encoding"] == "gzip"  # requests has decompressed it
        header = json.loads(response.content.splitlines()[0])
        assert header["type"] == "header" and header["version"] > 0
        assert requests.get(f"{base}/v1/brands", timeout=10).json()["total"] > 0  # the demo, from the default database
    exports = checkout / "instance" / "exports"
    assert [p.name for p in exports.iterdir()] == [f"catalog-v{header['version']}.ndjson.gz"]
    if where == "elsewhere":
        assert sorted(os.listdir(cwd)) == before == []  # nothing written relative to the working directory
    else:
        assert sorted(os.listdir(cwd)) == before  # nothing new in the checkout besides instance/
    key = checkout / "instance" / "secret_key"  # the development SECRET_KEY, generated once, shared by workers
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
