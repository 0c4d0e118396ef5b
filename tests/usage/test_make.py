"""`make run PORT=8001` serves on that port (README: Two commands)."""

import shutil
import subprocess

import pytest

from tests.usage.servers import ROOT, default_environment


@pytest.mark.parametrize(("arguments", "expected"), [
    ([], "ratings serve --host 127.0.0.1 --port 8000"),
    (["PORT=8001"], "ratings serve --host 127.0.0.1 --port 8001"),
    (["PORT=8002", "HOST=0.0.0.0"], "ratings serve --host 0.0.0.0 --port 8002"),
])
def test_make_run_passes_the_port_and_host_to_ratings_serve(arguments, expected):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    plan = subprocess.run(["make", "--no-print-directory", "--dry-run", "--always-make", "run", *arguments], cwd=ROOT, env=default_environment(),
                          capture_output=True, text=True, check=True).stdout
    assert plan.strip().splitlines()[-1].endswith(expected)
