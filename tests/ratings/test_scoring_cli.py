"""`ratings methodology check` and `ratings score`: anyone can recompute a grade offline."""

import json
import random
from statistics import mean

import pytest
from click.testing import CliRunner

from ratings_cli import main

THEMES = "data/methodologies/themes-example.json"
DEFAULT = "data/methodologies/f2w-2026.json"


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_methodology_check_accepts_the_shipped_files():
    for path in (DEFAULT, THEMES):
        result = run("methodology", "check", path)
        assert result.exit_code == 0 and "is valid" in result.output


def test_methodology_check_names_the_file_the_item_and_the_rule(tmp_path):
    broken = json.loads(open(DEFAULT, encoding="utf-8").read())
    broken["categories"][1]["indicators"][0]["weight"] = 0
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    result = run("methodology", "check", str(path))
    assert result.exit_code == 1
    assert "broken.json" in result.output and broken["categories"][1]["indicators"][0]["id"] in result.output
    assert "weight" in result.output


def test_score_on_the_themes_example_is_the_equal_weight_mean_of_theme_means(tmp_path):
    themes = json.loads(open(THEMES, encoding="utf-8").read())
    rng = random.Random(2026)
    answers, theme_means = [], []
    for theme in themes["categories"]:
        values = [round(rng.uniform(0, 100), 1) for _ in theme["indicators"]]
        answers += [{"indicator": i["id"], "value": v} for i, v in zip(theme["indicators"], values)]
        theme_means.append(mean(values))
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": answers, "sourcing": []}))
    result = run("score", "--methodology", THEMES, "--answers", str(path))
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    # To one decimal: a reported score is within half a tenth of the exact mean (floats may round a .x5 either way).
    assert body["score"] == pytest.approx(mean(theme_means), abs=0.05 + 1e-9)
    for theme, expected in zip(themes["categories"], theme_means):
        assert body["categories"][theme["id"]]["score"] == pytest.approx(expected, abs=0.05 + 1e-9)
    assert {"grade", "scale", "scale_reasons", "stages", "indicators", "roadmap", "inputs_hash"} <= set(body)


def test_a_bad_answers_file_exits_non_zero_listing_every_bad_entry(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": [
        {"indicator": "NOPE-1", "value": "yes"},
        {"indicator": "POL-1", "stage": "inputs", "value": "yes"},
        {"indicator": "POL-1", "value": "sometimes"},
        {"indicator": "TT-1", "stage": "inputs", "value": 140},
    ]}))
    result = run("score", "--methodology", DEFAULT, "--answers", str(path))
    assert result.exit_code == 1
    for index in range(4):
        assert f"answers[{index}]" in result.output


def test_scoring_the_same_file_twice_gives_the_same_result_and_hash(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": [{"indicator": "POL-1", "value": "partial"}],
                                "sourcing": [{"stage": "raw_materials", "good": "Cotton", "country": "TM"}]}))
    first = run("score", "--methodology", DEFAULT, "--answers", str(path))
    second = run("score", "--methodology", DEFAULT, "--answers", str(path))
    assert first.output == second.output
    body = json.loads(first.output)
    assert body["scale"] == "high_risk" and any("Cotton" in reason for reason in body["scale_reasons"])
