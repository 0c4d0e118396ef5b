"""Loading methodology files: every rule refuses its own bad file, naming the file, the item and the rule."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import MethodologyError, load_methodologies, load_methodology, methodology_to_dict, parse_methodology
from scoring.methodology import GRADE_TOLERANCE
from tests.scoring.builders import (
    DATA, PERCENT, category, grade_labels_for, grade_scales, indicator, methodology_doc, methodologies, stage,
)


def valid_doc() -> dict:
    return methodology_doc(
        category("policies", indicator("POL-1", staged=True), indicator("POL-2", answer=PERCENT), weight=25),
        category("remedy", indicator("REM-1"), weight=75),
        stages=(stage("raw_materials"), stage("inputs")),
    )


def pol2(doc):
    return doc["categories"][0]["indicators"][1]


def rem1(doc):
    return doc["categories"][1]["indicators"][0]


def drop_stages(doc):
    doc["stages"] = []


# (rule, mutation, the item the message must name, the rule it must state)
RULES = [
    ("missing required field", lambda d: pol2(d).pop("text"),
     "indicator 'POL-2' in category 'policies'", "missing required field 'text'"),
    ("missing top-level field", lambda d: d.pop("grades"), "methodology 'test'", "missing required field 'grades'"),
    ("wrong-typed weight", lambda d: d["categories"][1].update(weight="75"),
     "category 'remedy'", "field 'weight' must be a finite number"),
    ("wrong-typed staged", lambda d: rem1(d).update(staged="yes"),
     "indicator 'REM-1' in category 'remedy'", "field 'staged' must be true or false"),
    ("boolean is not a weight", lambda d: rem1(d).update(weight=True),
     "indicator 'REM-1' in category 'remedy'", "field 'weight' must be a finite number"),
    ("duplicate stage id", lambda d: d["stages"][1].update(id="raw_materials"), "stage 'raw_materials'", "duplicate stage id"),
    ("duplicate category id", lambda d: d["categories"][1].update(id="policies"), "category 'policies'", "duplicate category id"),
    ("duplicate indicator id across categories", lambda d: rem1(d).update(id="POL-1"),
     "indicator 'POL-1' in category 'remedy'", "duplicate indicator id (indicator ids are unique across the file"),
    ("unknown answer type", lambda d: rem1(d)["answer"].update(type="scale"),
     "indicator 'REM-1' in category 'remedy' answer", "unknown answer type 'scale'"),
    ("choice without options", lambda d: rem1(d)["answer"].pop("options"),
     "indicator 'REM-1' in category 'remedy' answer", "missing required field 'options'"),
    ("choice with empty options", lambda d: rem1(d)["answer"].update(options={}),
     "indicator 'REM-1' in category 'remedy' answer", "a choice answer needs at least one option"),
    ("option value above 1", lambda d: rem1(d)["answer"]["options"].update(yes=1.5),
     "indicator 'REM-1' in category 'remedy' answer", "option 'yes' must have a value between 0 and 1, got 1.5"),
    ("option value below 0", lambda d: rem1(d)["answer"]["options"].update(no=-0.5),
     "indicator 'REM-1' in category 'remedy' answer", "option 'no' must have a value between 0 and 1, got -0.5"),
    ("option named na", lambda d: rem1(d)["answer"]["options"].update(na=0.0),
     "indicator 'REM-1' in category 'remedy' answer", "option name 'na' is reserved for 'not applicable'"),
    ("percent with options", lambda d: pol2(d)["answer"].update(options={"half": 0.5}),
     "indicator 'POL-2' in category 'policies' answer", "a percent answer takes no options"),
    ("zero stage weight", lambda d: d["stages"][1].update(weight=0), "stage 'inputs'", "weight must be positive, got 0"),
    ("negative category weight", lambda d: d["categories"][0].update(weight=-1),
     "category 'policies'", "weight must be positive, got -1"),
    ("zero indicator weight", lambda d: pol2(d).update(weight=0),
     "indicator 'POL-2' in category 'policies'", "weight must be positive, got 0"),
    ("category without indicators", lambda d: d["categories"][1].update(indicators=[]),
     "category 'remedy'", "a category needs at least one indicator"),
    ("staged indicator without stages", drop_stages,
     "indicator 'POL-1' in category 'policies'", "staged indicator in a methodology without stages"),
    ("bands rising", lambda d: d["grades"]["standard"].__setitem__(1, ["B", 85]),
     "grades.standard band #2", "thresholds must be strictly descending (85 after 80)"),
    ("bands repeating a threshold", lambda d: d["grades"]["standard"].__setitem__(2, ["C", 60]),
     "grades.standard band #3", "thresholds must be strictly descending (60 after 60)"),
    ("bands not ending at 0", lambda d: d["grades"]["standard"].__setitem__(3, ["F", 10]),
     "grades.standard", "the last band must have threshold 0"),
    ("high_risk scale missing", lambda d: d["grades"].pop("high_risk"), "grades", "missing the 'high_risk' scale"),
    ("standard scale missing", lambda d: d["grades"].pop("standard"), "grades", "missing the 'standard' scale"),
    ("scales with different letters", lambda d: d["grades"]["high_risk"].__setitem__(2, ["D", 50]),
     "grades", "the standard and high_risk scales must have the same grade letters"),
    ("high_risk looser than standard", lambda d: d["grades"]["high_risk"].__setitem__(1, ["B", 55]),
     "grades.high_risk band 'B'", "threshold 55 is below the standard scale's 60"),
    ("unknown scale", lambda d: d["grades"].update(lenient=[["A", 0]]), "grades.lenient", "unknown scale"),
    # The words people read: titles, option labels, units, grade labels, staleness
    ("indicator without a title", lambda d: rem1(d).pop("title"),
     "indicator 'REM-1' in category 'remedy'", "missing required field 'title'"),
    ("indicator with a blank title", lambda d: rem1(d).update(title="  "),
     "indicator 'REM-1' in category 'remedy'", "field 'title' must be a non-empty string"),
    ("choice without labels", lambda d: rem1(d)["answer"].pop("labels"),
     "indicator 'REM-1' in category 'remedy' answer", "missing required field 'labels'"),
    ("option without a label", lambda d: rem1(d)["answer"]["labels"].pop("partial"),
     "indicator 'REM-1' in category 'remedy' answer", "option 'partial' has no label"),
    ("blank option label", lambda d: rem1(d)["answer"]["labels"].update(no=""),
     "indicator 'REM-1' in category 'remedy' answer", "the label of option 'no' must be a non-empty string"),
    ("label for an unknown option", lambda d: rem1(d)["answer"]["labels"].update(maybe="Maybe"),
     "indicator 'REM-1' in category 'remedy' answer", "label for unknown option 'maybe'"),
    ("choice with a unit", lambda d: rem1(d)["answer"].update(unit="%"),
     "indicator 'REM-1' in category 'remedy' answer", "a choice answer takes no unit"),
    ("percent without a unit", lambda d: pol2(d)["answer"].pop("unit"),
     "indicator 'POL-2' in category 'policies' answer", "missing required field 'unit'"),
    ("percent with labels", lambda d: pol2(d)["answer"].update(labels={"50": "Half"}),
     "indicator 'POL-2' in category 'policies' answer", "a percent answer takes no labels"),
    ("grade labels missing", lambda d: d.pop("grade_labels"), "methodology 'test'", "missing required field 'grade_labels'"),
    ("grade letter without a label", lambda d: d["grade_labels"].pop("B"),
     "grade_labels 'B'", "missing: every grade letter needs a label, a meaning and a colour"),
    ("grade label without a meaning", lambda d: d["grade_labels"]["C"].pop("meaning"),
     "grade_labels 'C'", "missing required field 'meaning'"),
    ("grade label for an unknown letter", lambda d: d["grade_labels"].update({"Z": {"label": "Z", "meaning": "z", "colour": "z"}}),
     "grade_labels 'Z'", "not a grade letter of this methodology"),
    ("colour that is not a token", lambda d: d["grade_labels"]["A"].update(colour="#00ff00"),
     "grade_labels 'A'", "colour must be a token of lowercase letters, digits and hyphens"),
    ("staleness missing", lambda d: d.pop("stale_after_months"), "methodology 'test'", "missing required field 'stale_after_months'"),
    ("staleness of zero months", lambda d: d.update(stale_after_months=0),
     "methodology 'test'", "stale_after_months must be a whole number of months, at least 1, got 0"),
    ("staleness in fractions of a month", lambda d: d.update(stale_after_months=1.5),
     "methodology 'test'", "stale_after_months must be a whole number of months"),
]


@pytest.mark.parametrize("rule, mutate, item, message", RULES, ids=[r[0] for r in RULES])
def test_loader_refuses_a_file_breaking_the_rule(rule, mutate, item, message):
    doc = valid_doc()
    mutate(doc)
    with pytest.raises(MethodologyError) as refused:
        parse_methodology(doc, source="bad.json")
    text = str(refused.value)
    assert text.startswith("bad.json: ")
    assert f": {item}: " in text
    assert message in text


def test_the_valid_base_file_loads():
    # Guards the rule tests above: each must fail because of its own mutation only.
    methodology = parse_methodology(valid_doc(), source="good.json")
    assert methodology.indicator("POL-1").category_id == "policies"
    assert methodology.indicator("NOPE") is None


def test_real_methodology_files_round_trip_through_dicts(methodologies):
    assert {"f2w-2026", "themes-example"} <= set(methodologies)
    for methodology in methodologies.values():
        as_dict = methodology_to_dict(methodology)
        json.dumps(as_dict)  # JSON-ready
        assert parse_methodology(as_dict) == methodology
        assert hash(parse_methodology(as_dict)) == hash(methodology)


def test_file_that_is_not_json_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(MethodologyError, match=r"broken\.json: file: not valid JSON"):
        load_methodology(path)


def test_the_same_methodology_id_in_two_files_is_refused(tmp_path):
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps(valid_doc()))
    with pytest.raises(MethodologyError, match=r"b\.json: methodology 'test': duplicate methodology id .*a\.json"):
        load_methodologies(tmp_path)


def test_methodologies_are_keyed_by_id(tmp_path):
    (tmp_path / "whatever-name.json").write_text(json.dumps(valid_doc()))
    assert list(load_methodologies(tmp_path)) == ["test"]


# ---------------------------------------------------------------------------------------------------
# Grades

scores = st.floats(0, 100, allow_nan=False)


@given(methodologies, scores)
def test_grade_is_the_first_band_in_file_order_at_or_below_the_score(methodology, score):
    for scale, bands in methodology.grades.items():
        expected = next(letter for letter, threshold in bands if threshold <= score + GRADE_TOLERANCE)
        assert methodology.grade_for(score, scale) == expected


@given(grade_scales(), scores, scores)
def test_a_higher_score_never_gets_a_worse_grade(grades, a, b):
    methodology = parse_methodology({**valid_doc(), "grades": grades, "grade_labels": grade_labels_for(grades)})
    low, high = sorted((a, b))
    letters = [letter for letter, _ in methodology.grades["standard"]]
    for scale in ("standard", "high_risk"):
        assert letters.index(methodology.grade_for(high, scale)) <= letters.index(methodology.grade_for(low, scale))


@given(a=scores, b=scores)
def test_real_bands_are_monotone(f2w, a, b):
    low, high = sorted((a, b))
    letters = [letter for letter, _ in f2w.grades["standard"]]
    for scale in ("standard", "high_risk"):
        assert letters.index(f2w.grade_for(high, scale)) <= letters.index(f2w.grade_for(low, scale))


def test_a_score_exactly_on_a_threshold_gets_that_band(f2w):
    assert f2w.grade_for(84.0, "standard") == "A"
    assert f2w.grade_for(83.99999, "standard") == "A-"


def test_float_noise_just_below_a_threshold_still_reaches_it(f2w):
    # (36 + 48 + 6) / 3 is exactly 30 ("D"), but computes as 29.999999999999996.
    assert f2w.grade_for(100 * (0.36 + 0.48 + 0.06) / 3, "standard") == "D"
    assert f2w.grade_for(29.9999, "standard") == "D-"


def test_grading_refuses_nan_and_unknown_scales(f2w):
    with pytest.raises(ValueError, match="cannot grade"):
        f2w.grade_for(float("nan"), "standard")
    with pytest.raises(ValueError, match="no grade scale 'lenient'"):
        f2w.grade_for(50.0, "lenient")


# ---------------------------------------------------------------------------------------------------
# Labels and meanings


def test_the_words_people_read_are_loaded():
    methodology = parse_methodology(valid_doc())
    rem = methodology.indicator("REM-1")
    assert rem.title == "Topic REM-1"
    assert dict(rem.answer.labels) == {"yes": "Yes", "partial": "Partly", "no": "No"}
    assert methodology.indicator("POL-2").answer.unit == "percent of suppliers"
    assert methodology.grade_label("A").colour == "grade-0"
    assert methodology.stale_after_months == 24


def test_an_action_is_optional_and_kept_when_given():
    doc = valid_doc()
    rem1(doc)["action"] = "Set up remedy"
    methodology = parse_methodology(doc)
    assert methodology.indicator("REM-1").action == "Set up remedy"
    assert methodology.indicator("POL-2").action == ""
    assert "action" not in methodology_to_dict(methodology)["categories"][0]["indicators"][1]


def test_answers_read_in_words_with_labels_and_units(f2w, themes):
    assert f2w.indicator("TT-2").answer.label_of("names_only") == "Supplier names only"
    assert f2w.indicator("TT-1").answer.label_of(36) == "36% of suppliers"
    assert f2w.indicator("TT-1").answer.label_of(62.5) == "62.5% of suppliers"
    assert f2w.indicator("POL-1").answer.label_of("na") == "not applicable"
    assert f2w.indicator("POL-1").answer.label_of(None) == "not answered"
    assert themes.indicator("CG-1").answer.label_of(100) == "100% of policies"


def test_shipped_methodologies_label_everything(methodologies):
    for methodology in methodologies.values():
        assert methodology.stale_after_months and methodology.stale_after_months >= 12
        letters = [letter for letter, _ in methodology.grades["standard"]]
        assert list(methodology.grade_labels) == letters
        assert methodology.grade_label(letters[0]).label == "Leading"
        assert methodology.grade_label("F").label == "No meaningful action"
        for category in methodology.categories:
            for i in category.indicators:
                assert i.title and len(i.title) <= 90, i.id
                if i.answer.type == "choice":
                    assert set(i.answer.labels) == set(i.answer.options), i.id
                else:
                    assert i.answer.unit.startswith("percent of"), i.id


def test_f2w_titles_are_the_topics_of_the_methodology_page(f2w):
    page = (DATA.parent / "docs" / "methodology.md").read_text(encoding="utf-8")
    topics = {}
    for line in page.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and f2w.indicator(cells[0]) is not None:
            topics[cells[0]] = cells[1]
    assert len(topics) == 49
    assert {i.id: i.title for c in f2w.categories for i in c.indicators} == topics
    assert f2w.indicator("TT-2").answer.labels["names_only"] == "Supplier names only"


def test_f2w_actions_exist_for_every_indicator(f2w):
    assert all(i.action for c in f2w.categories for i in c.indicators)
