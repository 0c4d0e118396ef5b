"""The benchmark scripts BENCHMARKS.md's commands run: the catalog generator and publisher, the ceiling app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*command: str, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_catalog_publish_rates_generated_companies_whose_answers_say_not_applicable(tmp_path):
    # Companies 6 and 7 get the demo assessments with "na" answers: refused without their sourcing.
    out = tmp_path / "catalog"
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'bench.db'}"}
    run(sys.executable, "bench/catalog.py", "generate", "--out", str(out), "--companies", "10", "--brands", "20",
        "--products", "40", "--sample", "10", "--queries", "10", env=env)
    companies = json.loads((out / "catalog.json").read_text(encoding="utf-8"))["companies"]
    assert all(company["sourcing"] for company in companies)
    run(str(BIN / "ratings"), "db", "upgrade", env=env)
    run(str(BIN / "ratings"), "users", "create", "--email", "bench@example.org", "--role", "admin", env=env)
    run(str(BIN / "ratings"), "import", str(out / "catalog.json"), "--actor", "bench@example.org", env=env)
    printed = run(sys.executable, "bench/catalog.py", "publish", "--companies", "10", env=env)
    assert printed.startswith("published 10 ratings") and "left unanswered" not in printed

    # BENCHMARKS' in-process figure for misses built in front of Flask: the script runs, every lookup a 200
    run(str(BIN / "ratings"), "import", str(out / "products.csv"), "--actor", "bench@example.org", env=env)
    printed = run(sys.executable, "bench/lookup_profile.py", "--database-url", env["DATABASE_URL"], "--data", str(out),
                  "--front", "--count", "20", env={})
    assert "20 lookups built in front of Flask" in printed and "statuses {'200 OK': 21}" in printed


def test_ceiling_answers_every_path_with_the_same_2_kb_json_body():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import ceiling
    finally:
        sys.path.remove(str(ROOT / "bench"))
    client = ceiling.app.test_client()
    answers = [client.get(path) for path in ("/healthz", "/v1/barcodes/4006381333931", "/v1/brands?q=caf%C3%A9")]
    assert {(a.status_code, a.mimetype) for a in answers} == {(200, "application/json")}
    assert {a.data for a in answers} == {ceiling.BODY} and len(ceiling.BODY) == 2048
    json.loads(ceiling.BODY)
