"""The stage-less themes example: equal weights make the score the plain mean of the theme means."""

from __future__ import annotations

import json
import math
from statistics import mean

from hypothesis import given
from hypothesis import strategies as st

from scoring import Answer, RiskList, result_to_dict, score
from tests.scoring.builders import DATA

THEMES = json.loads((DATA / "methodologies" / "themes-example.json").read_text())
INDICATORS = [i["id"] for theme in THEMES["categories"] for i in theme["indicators"]]
percent_or_na = st.one_of(st.floats(0, 100, allow_nan=False), st.integers(0, 100), st.just("na"))


def mean_of_theme_means(values: dict) -> float:
    """Worked out from the file alone: the mean over themes of the mean of their applicable percents."""
    theme_means = []
    for theme in THEMES["categories"]:
        applicable = [values[i["id"]] for i in theme["indicators"] if values[i["id"]] != "na"]
        if applicable:
            theme_means.append(mean(applicable))
    return mean(theme_means) if theme_means else 0.0


def test_the_example_is_stage_less_with_equal_weights():
    assert THEMES["stages"] == []
    assert {t["weight"] for t in THEMES["categories"]} == {1}
    assert {i["weight"] for t in THEMES["categories"] for i in t["indicators"]} == {1}
    assert all(3 <= len(t["indicators"]) <= 5 for t in THEMES["categories"])


@given(st.fixed_dictionaries({indicator_id: percent_or_na for indicator_id in INDICATORS}))
def test_score_is_the_mean_of_theme_means(themes, values):
    result = score(themes, [Answer(i, None, v) for i, v in values.items()], [], RiskList(()))
    expected = mean_of_theme_means(values)
    assert math.isclose(result.score, expected, abs_tol=1e-9)
    assert abs(result_to_dict(result)["score"] - expected) <= 0.05 + 1e-9  # to one decimal
    assert result.scale == "standard"  # no stages to leave undisclosed

