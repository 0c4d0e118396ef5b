"""Start real servers (`ratings serve`, gunicorn) as subprocesses on free ports, and stop them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

import requests

ROOT = Path(__file__).resolve().parents[2]
# What a checkout needs to run and to build the wheel (no tests, no virtualenv, no instance folder).
SOURCE = ("api", "ratings", "ratings_cli", "scoring", "data", "wsgi.py", "gunicorn.conf.py", "pyproject.toml", "README.md")

# Settings that would bypass the defaults under test (and the test suite's own temporary instance folder).
PLACE_SETTINGS = ("DATABASE_URL", "EXPORT_DIR", "INSTANCE_PATH", "SECRET_KEY", "CACHE_REDIS_URL", "CACHE_TYPE",
                  "RATINGS_ENV", "PYTHONPATH", "BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS")


def copy_source(destination: Path) -> Path:
    """Copy the source tree to `destination` (as a clone elsewhere on disk would be)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in SOURCE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, destination / name)
    return destination


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def default_environment(**extra: str) -> dict[str, str]:
    """This process's environment without any setting that says where data lives."""
    env = {k: v for k, v in os.environ.items() if k not in PLACE_SETTINGS}
    env.update(extra)
    return env


def run(command: list[str], cwd: Path, env: Mapping[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


@contextmanager
def server(command: list[str], cwd: Path, env: Mapping[str, str], port: int, log: Path) -> Iterator[str]:
    """Run the server command until the block ends; yields its base URL once /readyz answers 200."""
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(base: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} did not become ready:\n{log.read_text(errors='replace')}")
