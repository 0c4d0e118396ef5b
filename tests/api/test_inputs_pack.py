"""A grade anyone can verify: every published demo rating is reproduced from its public inputs pack."""

from __future__ import annotations

import hashlib
import json

from click.testing import CliRunner
from sqlmodel import Session, select

from ratings.db import make_engine
from ratings.models import Answer, PublishedRating
from ratings_cli import main


def published_ratings(url: str) -> list[PublishedRating]:
    with Session(make_engine(url)) as session:
        return session.exec(select(PublishedRating).order_by(PublishedRating.id)).all()


def test_ratings_score_reproduces_every_published_demo_rating_from_its_inputs_pack(demo_url, make_app, tmp_path):
    client = make_app(demo_url, RATE_LIMITS_ENABLED=False).test_client()  # two requests per demo rating
    ratings = published_ratings(demo_url)
    assert len(ratings) >= 5
    runner = CliRunner()
    for rating in ratings:
        pack = client.get(f"/v1/ratings/{rating.id}/inputs")
        assert pack.status_code == 200, pack.get_json()
        document = pack.get_json()
        methodology = client.get(document["methodology"]["file"])
        assert methodology.status_code == 200
        assert hashlib.sha256(methodology.get_data()).hexdigest() == document["methodology"]["sha256"]
        (tmp_path / "inputs.json").write_bytes(pack.get_data())
        (tmp_path / "methodology.json").write_bytes(methodology.get_data())

        ran = runner.invoke(main, ["score", "--methodology", str(tmp_path / "methodology.json"),
                                   "--answers", str(tmp_path / "inputs.json")])
        assert ran.exit_code == 0, ran.output
        result = json.loads(ran.stdout)
        assert (result["score"], result["grade"], result["scale"], result["inputs_hash"]) == (
            round(rating.score, 1), rating.grade, rating.scale, rating.inputs_hash)
        assert f"Rating {rating.id} reproduced" in ran.stderr


def test_a_changed_pack_is_reported_as_not_reproduced(demo_url, make_app, tmp_path):
    client = make_app(demo_url).test_client()
    rating = published_ratings(demo_url)[0]
    document = client.get(f"/v1/ratings/{rating.id}/inputs").get_json()
    document["answers"] = [a for a in document["answers"] if a["value"] != "na"][1:]  # one answer left out
    (tmp_path / "inputs.json").write_text(json.dumps(document))
    (tmp_path / "methodology.json").write_bytes(client.get(document["methodology"]["file"]).get_data())
    ran = CliRunner().invoke(main, ["score", "--methodology", str(tmp_path / "methodology.json"),
                                    "--answers", str(tmp_path / "inputs.json")])
    assert ran.exit_code == 1
    assert "NOT reproduced" in ran.stderr and "inputs_hash" in ran.stderr


def test_the_pack_never_shows_confidential_urls_or_notes(demo_url, make_app):
    client = make_app(demo_url, RATE_LIMITS_ENABLED=False).test_client()
    with Session(make_engine(demo_url)) as session:
        rows = session.exec(select(Answer, PublishedRating).where(Answer.assessment_id == PublishedRating.assessment_id)).all()
    secrets = {(e.get("url"), e.get("note")) for answer, _ in rows for e in answer.evidence
               if (e.get("visibility") or ("confidential" if e.get("source_type") == "company" else "public")) == "confidential"}
    assert secrets, "the demo should hold confidential evidence"
    packs = "".join(client.get(f"/v1/ratings/{rating.id}/inputs").get_data(as_text=True) for _, rating in rows)
    for url, note in secrets:
        assert url not in packs
        assert not note or note not in packs
    assert '"digest"' in packs


def test_every_rating_shows_its_inputs_hash(demo_url, make_app):
    client = make_app(demo_url).test_client()
    brand = client.get("/v1/brands").get_json()["items"][0]["slug"]
    scorecard = client.get(f"/v1/brands/{brand}").get_json()
    pack = client.get(f"/v1/ratings/{scorecard['rating']['id']}/inputs").get_json()
    assert scorecard["rating"]["inputs_hash"] == pack["rating"]["inputs_hash"]


def test_unknown_rating_and_methodology_version_are_404(demo_client):
    assert demo_client.get("/v1/ratings/999999/inputs").get_json()["code"] == "rating_not_found"
    assert demo_client.get("/v1/methodologies/f2w-2026/1999.1/file").status_code == 404


def test_the_readme_commands_reproduce_a_rating_from_another_directory(demo_client, tmp_path):
    """As a journalist runs it: the installed `ratings` command, in a directory of their own."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    rating = demo_client.get("/v1/brands/brindlecourt").get_json()["rating"]
    pack = demo_client.get(f"/v1/ratings/{rating['id']}/inputs")
    (tmp_path / "inputs.json").write_bytes(pack.get_data())
    (tmp_path / "methodology.json").write_bytes(demo_client.get(pack.get_json()["methodology"]["file"]).get_data())
    command = Path(sys.executable).with_name("ratings")
    ran = subprocess.run([str(command), "score", "--methodology", "methodology.json", "--answers", "inputs.json"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={k: v for k, v in os.environ.items() if not k.startswith("RATINGS_")})
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["inputs_hash"] == rating["inputs_hash"]
    assert "reproduced" in ran.stderr
