"""Why this grade: explanations in words, built deterministically from a result and its methodology."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Answer, RiskList, SourcingRecord, result_to_dict, score
from scoring.explain import MOST_MISSED, TemplatesError, explain, load_templates, parse_templates, stored_result
from tests.scoring.builders import (
    COTTON_CN, DATA, PERCENT, build, category, clean_sourcing, indicator, scored_inputs, stage,
)

NO_RISK = RiskList(())


@pytest.fixture(scope="module")
def english():
    return load_templates(DATA / "explanations" / "en.json")


def english_templates():
    return load_templates(DATA / "explanations" / "en.json")


def two_categories(action: str | None = None):
    """policies (P1 choice, P2 percent) and remedy (R1 choice), all of weight 1; no stages."""
    remedy = indicator("R1")
    if action:
        remedy["action"] = action
    return build(category("policies", indicator("P1"), indicator("P2", answer=PERCENT)), category("remedy", remedy))


# ---------------------------------------------------------------------------------------------------
# Hand-checked examples


def test_hand_checked_explanation_of_a_standard_scale_result(english):
    # policies = 100 * (1 + 0.5) / 2 = 75 (B); remedy = 50 (C); overall 62.5 (B, next band A at 80).
    # Points of the overall score: P1 and P2 are worth 25 each, R1 50; missed: R1 25, P2 12.5, P1 0.
    methodology = two_categories(action="Set up remedy for workers")
    result = score(methodology, [Answer("P1", None, "yes"), Answer("P2", None, 50), Answer("R1", None, "partial")],
                   [], NO_RISK)
    explanation = explain(result, methodology, english)
    assert explanation.language == "en"
    assert explanation.text == (
        "Graded B (Label B) with 62.5 out of 100 on the standard scale.",
        "What B means.",
        "Strongest category: Policies, 75.0 out of 100 (B).",
        "Weakest category: Remedy, 50.0 out of 100 (C).",
        "Topic R1 (R1): 25.0 of 50.0 points missed (Partly).",
        "Topic P2 (P2): 12.5 of 25.0 points missed (50% of suppliers).",
        "Graded on the standard scale: no good it sources comes from a country where that good is on the risk list.",
        "To reach A (Label A) it needs 17.5 more points: Set up remedy for workers: +25.0 points.",
    )
    assert [(m.indicator, m.missed, m.possible) for m in explanation.most_missed] == [("R1", 25.0, 50.0), ("P2", 12.5, 25.0)]
    assert explanation.weakest.id == "remedy" and explanation.strongest.id == "policies"
    assert explanation.next_grade.grade == "A" and explanation.next_grade.points_needed == 17.5
    assert [(s.indicator, s.points) for s in explanation.next_grade.steps] == [("R1", 25.0)]


def test_hand_checked_explanation_of_a_high_risk_result_names_the_pair_and_the_undisclosed_stage(english):
    # T1 is staged over raw and final (weights 1:1), U1 is not; categories of weight 1 each.
    # T1 = (0.25 + 1) / 2 -> c1 = 62.5 (C on high_risk); c2 = 0 (F); overall 31.25 (F, next band C at 50).
    # Slot points: T1 raw 25, T1 final 25, U1 50; missed: U1 50, T1 18.75 (raw only).
    options = {"type": "choice", "options": {"full": 1.0, "names": 0.25, "none": 0.0}}
    methodology = build(
        category("c1", indicator("T1", staged=True, answer=options)),
        category("c2", indicator("U1")),
        stages=(stage("raw"), stage("final")),
    )
    result = score(methodology, [Answer("T1", "raw", "names"), Answer("T1", "final", "full"), Answer("U1", None, "no")],
                   [SourcingRecord("raw", "Cotton", "CN")], COTTON_CN)
    explanation = explain(result, methodology, english)
    assert explanation.text == (
        "Graded F (Label F) with 31.2 out of 100 on the stricter high-risk scale.",
        "What F means.",
        "Strongest category: C1, 62.5 out of 100 (C).",
        "Weakest category: C2, 0.0 out of 100 (F).",
        "Topic U1 (U1): 50.0 of 50.0 points missed (No).",
        "Topic T1 (T1): 18.8 of 50.0 points missed (Names at Raw, Full at Final).",
        "Graded on the stricter high-risk scale because it sources Cotton from China (CN) for Raw, a good the US "
        "Department of Labor lists there for child labour and forced labour; it does not disclose where its Final "
        "stage happens.",
        "To reach C (Label C) it needs 18.8 more points: Get full credit for Topic U1: +50.0 points.",
    )
    assert explanation.scale.scale == "high_risk"


def test_a_staged_step_names_its_stage(english):
    methodology = build(category("c", indicator("T1", staged=True)), stages=(stage("raw"), stage("final")))
    result = score(methodology, [Answer("T1", "raw", "yes"), Answer("T1", "final", "no")],
                   clean_sourcing(methodology), NO_RISK)
    explanation = explain(result, methodology, english)
    # 50 (C); A needs 30 more; full credit at final adds 50.
    assert explanation.next_grade.text == "To reach B (Label B) it needs 10.0 more points: Get full credit for Topic T1 (Final): +50.0 points."
    assert "discloses where every stage of its supply chain happens" in explanation.scale.text


def test_the_top_grade_has_no_next_grade(english):
    methodology = two_categories()
    answers = [Answer("P1", None, "yes"), Answer("P2", None, 100), Answer("R1", None, "yes")]
    explanation = explain(score(methodology, answers, [], NO_RISK), methodology, english)
    assert explanation.next_grade is None
    assert explanation.text[-1] == "A is the top grade."
    assert explanation.most_missed == () and "No points were missed." in explanation.text


def test_nothing_applicable_says_so(english):
    methodology = build(category("c", indicator("A")))
    explanation = explain(score(methodology, [Answer("A", None, "na")], [], NO_RISK), methodology, english)
    assert explanation.summary == "Graded F (Label F): no question applies to this company, so its score is 0.0 out of 100."
    assert explanation.strongest is None and explanation.weakest is None


def test_a_single_scored_category_is_named_once(english):
    methodology = build(category("only", indicator("A")))
    explanation = explain(score(methodology, [Answer("A", None, "partial")], [], NO_RISK), methodology, english)
    assert explanation.strongest == explanation.weakest
    assert explanation.weakest.text == "Only one category is scored: Only, 50.0 out of 100 (C)."
    assert sum(explanation.weakest.text == sentence for sentence in explanation.text) == 1


# ---------------------------------------------------------------------------------------------------
# Ties go to methodology order


def test_equal_categories_tie_to_methodology_order(english):
    methodology = build(category("first", indicator("A")), category("second", indicator("B")),
                        category("third", indicator("C")))
    answers = [Answer("A", None, "partial"), Answer("B", None, "partial"), Answer("C", None, "partial")]
    explanation = explain(score(methodology, answers, [], NO_RISK), methodology, english)
    assert explanation.strongest.id == "first" and explanation.weakest.id == "first"
    answers = [Answer("A", None, "yes"), Answer("B", None, "no"), Answer("C", None, "no")]
    explanation = explain(score(methodology, answers, [], NO_RISK), methodology, english)
    assert explanation.weakest.id == "second"


def test_equal_points_missed_tie_to_methodology_order(english):
    # Four indicators of one weight, all unanswered: each misses 25 points; the file order decides.
    methodology = build(category("c", indicator("Z"), indicator("Y"), indicator("X"), indicator("W")))
    explanation = explain(score(methodology, [], [], NO_RISK), methodology, english)
    assert [m.indicator for m in explanation.most_missed] == ["Z", "Y", "X"]


# ---------------------------------------------------------------------------------------------------
# Properties


@settings(max_examples=60, deadline=None)
@given(scored_inputs())
def test_same_inputs_give_the_same_text_in_any_order(inputs):
    methodology, answers = inputs
    templates = english_templates()
    first = explain(score(methodology, answers, clean_sourcing(methodology), NO_RISK), methodology, templates)
    shuffled = list(answers)
    random.Random(7).shuffle(shuffled)
    again = explain(score(methodology, shuffled, clean_sourcing(methodology), NO_RISK), methodology, templates)
    assert first == again
    assert first.to_dict() == json.loads(json.dumps(again.to_dict()))


@settings(max_examples=80, deadline=None)
@given(scored_inputs())
def test_weakest_category_is_really_the_weakest_and_strongest_the_strongest(inputs):
    methodology, answers = inputs
    result = score(methodology, answers, clean_sourcing(methodology), NO_RISK)
    explanation = explain(result, methodology, english_templates())
    scored = [(c.id, round(result.categories[c.id].score, 1)) for c in methodology.categories
              if result.categories[c.id].score is not None]
    if not scored:
        assert explanation.weakest is None
        return
    lowest = min(s for _, s in scored)
    highest = max(s for _, s in scored)
    assert explanation.weakest.id == next(cid for cid, s in scored if s == lowest)
    assert explanation.strongest.id == next(cid for cid, s in scored if s == highest)
    name = methodology.category(explanation.weakest.id).name
    assert name in explanation.weakest.text and explanation.weakest.text in explanation.text


@settings(max_examples=80, deadline=None)
@given(scored_inputs())
def test_next_grade_points_equal_the_roadmaps(inputs):
    methodology, answers = inputs
    result = score(methodology, answers, clean_sourcing(methodology), NO_RISK)
    explanation = explain(result, methodology, english_templates())
    if result.roadmap.next_grade is None:
        assert explanation.next_grade is None
        return
    steps = explanation.next_grade.steps
    assert [(s.indicator, s.stage) for s in steps] == [(i.indicator, i.stage) for i in result.roadmap.to_next_grade]
    assert [s.points for s in steps] == [round(i.gain, 2) for i in result.roadmap.to_next_grade]
    assert explanation.next_grade.reachable == result.roadmap.reachable
    for step in steps:
        assert step.text in explanation.next_grade.text


@settings(max_examples=60, deadline=None)
@given(scored_inputs())
def test_most_missed_are_the_indicators_missing_most_points(inputs):
    methodology, answers = inputs
    result = score(methodology, answers, clean_sourcing(methodology), NO_RISK)
    explanation = explain(result, methodology, english_templates())
    missed: dict[str, float] = {}
    for row in result.indicators:
        missed[row.indicator] = missed.get(row.indicator, 0.0) + round(row.possible, 2) - round(row.earned, 2)
    ranked = sorted((round(v, 2) for v in missed.values() if round(v, 2) > 0), reverse=True)
    assert [m.missed for m in explanation.most_missed] == ranked[:MOST_MISSED]


@settings(max_examples=60, deadline=None)
@given(scored_inputs())
def test_a_stored_result_explains_exactly_like_the_fresh_one(inputs):
    methodology, answers = inputs
    result = score(methodology, answers, clean_sourcing(methodology), NO_RISK)
    stored = json.loads(json.dumps(result_to_dict(result)))
    templates = english_templates()
    assert explain(stored_result(stored, score=result.score), methodology, templates) == explain(result, methodology, templates)


def test_every_demo_style_answer_reads_in_words(f2w, risk_list, english):
    answers = [Answer("TT-2", "final_manufacturing", "names_only"), Answer("TT-1", "raw_materials", 36)]
    explanation = explain(score(f2w, answers, [], risk_list), f2w, english)
    assert all("names_only" not in sentence for sentence in explanation.text)


# ---------------------------------------------------------------------------------------------------
# Templates are data


def test_the_english_templates_say_their_language(english):
    assert english.language == "en"


def test_templates_missing_one_are_refused_naming_it():
    data = json.loads((DATA / "explanations" / "en.json").read_text())
    del data["weakest"]
    with pytest.raises(TemplatesError, match=r"x\.json: template 'weakest': missing"):
        parse_templates(data, source="x.json")


def test_templates_with_an_unknown_placeholder_are_refused():
    data = json.loads((DATA / "explanations" / "en.json").read_text())
    data["weakest"] = "Weakest: {nme}."
    with pytest.raises(TemplatesError, match=r"template 'weakest': unknown placeholder 'nme'"):
        parse_templates(data, source="x.json")


def test_a_translation_is_a_new_file_not_new_code(f2w, risk_list):
    data = json.loads((DATA / "explanations" / "en.json").read_text())
    data.update(language="fr", weakest="Catégorie la plus faible : {name} ({score}/100, {grade}).")
    french = parse_templates(data)
    explanation = explain(score(f2w, [Answer("POL-1", None, "yes")], [], risk_list), f2w, french)
    assert explanation.language == "fr"
    assert explanation.weakest.text.startswith("Catégorie la plus faible : ")


def test_explain_is_pure_scoring():
    import scoring.explain as module

    source = open(module.__file__, encoding="utf-8").read()
    for forbidden in ("import ratings", "from ratings", "import api", "from api", "flask", "sqlmodel", "sqlalchemy"):
        assert forbidden not in source
