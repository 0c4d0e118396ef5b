"""The wheel works without the source tree: built, installed into a fresh virtualenv (dependencies from the
package registry), then `ratings db upgrade`, `ratings demo load` and `ratings serve` from an empty
directory, on the default configuration (the data location is Flask's `<prefix>/var/api-instance`)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests

from tests.usage.servers import ROOT, copy_source, default_environment, free_port, run, server

CODE = ("api", "ratings", "ratings_cli", "scoring")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the source tree (the build writes build/ and *.egg-info beside it)."""
    copy = copy_source(tmp_path_factory.mktemp("wheel-source") / "ratings")
    out = tmp_path_factory.mktemp("wheelhouse")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(copy)],
        cwd=out, env=default_environment())
    (built,) = out.glob("ratings-*.whl")
    return built


def source_files() -> set[str]:
    """Every file the product needs at run time, named as it is inside the wheel."""
    files = {str(p.relative_to(ROOT)) for package in CODE for p in (ROOT / package).rglob("*") if p.is_file()}
    files |= {"ratings_data/" + str(p.relative_to(ROOT / "data")) for p in (ROOT / "data").rglob("*") if p.is_file()}
    return {f for f in files if "__pycache__" not in f and not f.endswith(".pyc")}


def test_the_wheel_holds_every_code_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert source_files() - names == set()  # a new package or data file missing from pyproject.toml shows here
    assert "ratings_data/methodologies/f2w-2026.json" in names and "ratings_data/demo/catalog.json" in names


def test_the_installed_wheel_serves_the_demo_from_an_empty_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=default_environment())  # no system site-packages
    python, ratings = venv / "bin" / "python", venv / "bin" / "ratings"
    run([str(python), "-m", "pip", "install", "--quiet", "--no-compile", str(wheel)], cwd=tmp_path,
        env=default_environment(), timeout=900)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = default_environment()  # no PYTHONPATH: nothing from the source tree is importable
    where = run([str(python), "-c", "import api, ratings.datafiles as d; print(api.__file__); print(d.DATA_DIR)"],
                cwd=empty, env=env).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where) and not any(Path(p).is_relative_to(ROOT) for p in where)

    assert "revision" in run([str(ratings), "db", "upgrade"], cwd=empty, env=env).stdout
    assert "Demo data loaded" in run([str(ratings), "demo", "load"], cwd=empty, env=env).stdout
    instance = venv / "var" / "api-instance"  # Flask's instance folder of an installed package
    assert (instance / "ratings.db").exists()

    port = free_port()
    with server([str(ratings), "serve", "--port", str(port)], cwd=empty, env=env, port=port, log=tmp_path / "serve.log") as base:
        assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
        export = requests.get(f"{base}/v1/export", timeout=30)
        assert export.status_code == 200, export.text
        brands = requests.get(f"{base}/v1/brands", timeout=10)
        assert brands.status_code == 200 and brands.json()["total"] > 0
        methodology = requests.get(f"{base}/v1/methodologies/f2w-2026", timeout=10)
        assert methodology.status_code == 200  # read from the data files inside the wheel
    assert list((instance / "exports").glob("catalog-v*.ndjson.gz"))
    assert os.listdir(empty) == []
