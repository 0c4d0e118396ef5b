"""Hand-computed examples on small methodologies; the arithmetic is in each test's comment."""

from __future__ import annotations

import pytest

from scoring import Answer, Evidence, RiskList, SourcingRecord, result_to_dict, score
from tests.scoring.builders import PERCENT, build, category, indicator, stage

NO_RISKS = RiskList(())


def one_category_three_indicators():
    # A (weight 2, yes/partial/no), B (weight 1, yes/partial/no), C (weight 1, percent).
    return build(category("c", indicator("A", weight=2), indicator("B"), indicator("C", answer=PERCENT)))


def test_not_applicable_answer_leaves_denominator():
    # A partial = 0.5, B N/A, C 80% = 0.8
    # category = 100 * (2*0.5 + 1*0.8) / (2 + 1) = 100 * 1.8 / 3 = 60.0  (B's weight is out of the denominator)
    methodology = one_category_three_indicators()
    result = score(methodology, [Answer("A", None, "partial"), Answer("B", None, "na"), Answer("C", None, 80)], [], NO_RISKS)
    assert result.score == pytest.approx(60.0)
    assert result.categories["c"].score == pytest.approx(60.0)
    assert [r.applicable for r in result.indicators] == [True, False, True]


def test_unanswered_indicator_counts_as_zero():
    # A yes = 1, B unanswered = 0, C N/A
    # category = 100 * (2*1 + 1*0) / (2 + 1) = 66.67  (B stays in the denominator: no disclosure, no credit)
    methodology = one_category_three_indicators()
    result = score(methodology, [Answer("A", None, "yes"), Answer("C", None, "na")], [], NO_RISKS)
    assert result.score == pytest.approx(200 / 3)
    assert result_to_dict(result)["score"] == 66.7
    assert result.indicators[1].value is None and result.indicators[1].applicable


def staged_methodology(**stage_weights):
    # Stages raw (weight 3) and inputs (weight 1); S staged (yes/no), U unstaged percent; weights 1.
    return build(
        category("c", indicator("S", staged=True), indicator("U", answer=PERCENT)),
        stages=tuple(stage(name, weight) for name, weight in stage_weights.items()),
        grades={"standard": [["A", 80], ["B", 60], ["F", 0]], "high_risk": [["A", 90], ["B", 70], ["F", 0]]},
    )


def test_staged_indicator_is_the_stage_weighted_mean():
    # S: raw yes (1), inputs no (0) -> (3*1 + 1*0) / (3 + 1) = 0.75;  U 50% = 0.5
    # category = 100 * (1*0.75 + 1*0.5) / 2 = 62.5 (an unweighted stage mean would give 50.0)
    # stage raw: only S at raw -> 100;  stage inputs: only S at inputs -> 0
    methodology = staged_methodology(raw=3, inputs=1)
    answers = [Answer("S", "raw", "yes"), Answer("S", "inputs", "no"), Answer("U", None, 50)]
    result = score(methodology, answers, [SourcingRecord("raw", "Wine", "FR"), SourcingRecord("inputs", "Wine", "FR")], NO_RISKS)
    assert result.score == pytest.approx(62.5)
    assert result.stages["raw"].score == pytest.approx(100.0)
    assert result.stages["inputs"].score == pytest.approx(0.0)
    assert (result.grade, result.scale) == ("B", "standard")


def test_not_applicable_stage_leaves_only_that_stage():
    # S: raw yes (1), inputs N/A -> (3*1) / 3 = 1.0;  U 50% -> category = 100 * (1 + 0.5) / 2 = 75.0
    methodology = staged_methodology(raw=3, inputs=1)
    answers = [Answer("S", "raw", "yes"), Answer("S", "inputs", "na"), Answer("U", None, 50)]
    result = score(methodology, answers, [], NO_RISKS)
    assert result.score == pytest.approx(75.0)
    assert result.stages["inputs"].score is None


def test_points_are_each_slots_exact_share_of_the_score():
    # Same as the stage-weighted example. possible = 100 * (W_c/ΣW) * (w_i/Σw) * (w_s/Σw_s):
    # S@raw 100*1*(1/2)*(3/4) = 37.5 (earned 37.5), S@inputs 100*1*(1/2)*(1/4) = 12.5 (earned 0), U 50 (earned 25)
    # earned adds up to 62.5, the score.
    methodology = staged_methodology(raw=3, inputs=1)
    answers = [Answer("S", "raw", "yes"), Answer("S", "inputs", "no"), Answer("U", None, 50)]
    result = score(methodology, answers, [], NO_RISKS)
    points = {(r.indicator, r.stage): (r.earned, r.possible, r.share) for r in result.indicators}
    assert points == {
        ("S", "raw"): pytest.approx((37.5, 37.5, 0.375)),
        ("S", "inputs"): pytest.approx((0.0, 12.5, 0.125)),
        ("U", None): pytest.approx((25.0, 50.0, 0.5)),
    }


def test_stage_score_is_the_category_weighted_mean_of_that_stages_answers():
    # Stages s1, s2 (weight 1). X (W 1): X1 staged. Y (W 3): Y1 staged, Y2 unstaged. All choice yes/partial/no.
    # X1: s1 yes, s2 no.  Y1: s1 partial, s2 N/A.  Y2: yes.
    # stage s1: X = 100*1 = 100, Y = 100*0.5 = 50 (Y2 is unstaged) -> (1*100 + 3*50) / 4 = 62.5
    # stage s2: X = 0; Y has no applicable staged indicator at s2, so it is left out -> 0.0
    # overall: X1 = (1+0)/2 = 0.5 -> X = 50;  Y1 = 0.5, Y2 = 1 -> Y = 75;  (1*50 + 3*75) / 4 = 68.75
    methodology = build(
        category("x", indicator("X1", staged=True), weight=1),
        category("y", indicator("Y1", staged=True), indicator("Y2"), weight=3),
        stages=(stage("s1"), stage("s2")),
    )
    answers = [Answer("X1", "s1", "yes"), Answer("X1", "s2", "no"), Answer("Y1", "s1", "partial"),
               Answer("Y1", "s2", "na"), Answer("Y2", None, "yes")]
    result = score(methodology, answers, [], NO_RISKS)
    assert result.stages["s1"].score == pytest.approx(62.5)
    assert result.stages["s2"].score == pytest.approx(0.0)
    assert result.score == pytest.approx(68.75)
    assert (result.categories["x"].score, result.categories["y"].score) == pytest.approx((50.0, 75.0))


def test_stage_score_weighs_indicators_within_a_category():
    # One category; staged P (weight 3) and Q (weight 1) over s1, s2.
    # s1: P yes, Q no -> 100 * (3*1 + 1*0) / 4 = 75.0;  s2: P no, Q yes -> 100 * (3*0 + 1*1) / 4 = 25.0
    # overall: P = 0.5, Q = 0.5 -> 50.0
    methodology = build(category("c", indicator("P", weight=3, staged=True), indicator("Q", staged=True)),
                        stages=(stage("s1"), stage("s2")))
    answers = [Answer("P", "s1", "yes"), Answer("Q", "s1", "no"), Answer("P", "s2", "no"), Answer("Q", "s2", "yes")]
    result = score(methodology, answers, [], NO_RISKS)
    assert (result.stages["s1"].score, result.stages["s2"].score, result.score) == pytest.approx((75.0, 25.0, 50.0))


def test_category_weights_weigh_categories_and_an_all_na_category_is_left_out():
    # P (W 25): yes -> 100.  Q (W 75): partial -> 50.   overall = (25*100 + 75*50) / 100 = 62.5
    # With Q N/A, Q is left out: overall = 25*100 / 25 = 100.0 (not 25.0)
    methodology = build(category("p", indicator("P1"), weight=25), category("q", indicator("Q1"), weight=75))
    both = score(methodology, [Answer("P1", None, "yes"), Answer("Q1", None, "partial")], [], NO_RISKS)
    assert both.score == pytest.approx(62.5)
    without_q = score(methodology, [Answer("P1", None, "yes"), Answer("Q1", None, "na")], [], NO_RISKS)
    assert without_q.score == pytest.approx(100.0)
    assert without_q.categories["q"].score is None and without_q.categories["q"].grade is None
    assert result_to_dict(without_q)["categories"]["q"] == {"score": None, "grade": None}


def test_percent_answers_are_divided_by_100():
    # weights 3 and 1: 40% and 100% -> 100 * (3*0.40 + 1*1.00) / 4 = 100 * 2.2 / 4 = 55.0
    methodology = build(category("c", indicator("P1", weight=3, answer=PERCENT), indicator("P2", answer=PERCENT)))
    result = score(methodology, [Answer("P1", None, 40), Answer("P2", None, 100.0)], [], NO_RISKS)
    assert result.score == pytest.approx(55.0)


def test_high_risk_scale_lowers_the_grade(risk_list):
    # One percent indicator at 85%: score 85.0. Standard A >= 80 -> "A"; high_risk A >= 90, B >= 70 -> "B".
    # Cocoa from Ecuador is not on the DoL list; cocoa from Côte d'Ivoire is.
    methodology = build(category("c", indicator("P1", answer=PERCENT)))
    answers = [Answer("P1", None, 85)]
    standard = score(methodology, answers, [SourcingRecord("raw_materials", "Cocoa", "EC")], risk_list)
    high_risk = score(methodology, answers, [SourcingRecord("raw_materials", "Cocoa", "CI")], risk_list)
    assert standard.score == high_risk.score == pytest.approx(85.0)
    assert (standard.scale, standard.grade) == ("standard", "A")
    assert (high_risk.scale, high_risk.grade) == ("high_risk", "B")
    assert high_risk.categories["c"].grade == "B"  # categories are graded on the same scale
    assert any("Cocoa from Côte d'Ivoire (CI)" in reason for reason in high_risk.scale_reasons)


def test_score_exactly_on_a_threshold_gets_that_band():
    # 80% -> 100 * 0.8 = 80.0 exactly -> "A" (threshold 80), not "A-".
    # 79.99% -> 79.99, shown rounded as 80.0 but graded unrounded -> "A-".
    grades = {"standard": [["A+", 90], ["A", 80], ["A-", 75], ["F", 0]],
              "high_risk": [["A+", 95], ["A", 85], ["A-", 80], ["F", 0]]}
    methodology = build(category("c", indicator("P1", answer=PERCENT)), grades=grades)
    on = score(methodology, [Answer("P1", None, 80)], [], NO_RISKS)
    assert on.score == 80.0 and on.grade == "A"
    below = score(methodology, [Answer("P1", None, 79.99)], [], NO_RISKS)
    assert result_to_dict(below)["score"] == 80.0 and below.grade == "A-"


def test_an_exact_threshold_reached_through_float_sums_gets_that_band():
    # (36% + 48% + 6%) / 3 = 30% exactly, but the float sum gives 29.999999999999996: still "C" (>= 30).
    grades = {"standard": [["A", 60], ["C", 30], ["F", 0]], "high_risk": [["A", 70], ["C", 40], ["F", 0]]}
    methodology = build(category("c", *(indicator(i, answer=PERCENT) for i in ("P1", "P2", "P3"))), grades=grades)
    result = score(methodology, [Answer("P1", None, 36), Answer("P2", None, 48), Answer("P3", None, 6)], [], NO_RISKS)
    assert result.score == pytest.approx(30.0) and result.grade == "C"


def test_nothing_applicable_scores_zero_with_the_lowest_grade_and_says_so():
    methodology = one_category_three_indicators()
    result = score(methodology, [Answer(i, None, "na") for i in ("A", "B", "C")], [], NO_RISKS)
    assert (result.score, result.grade) == (0.0, "F")
    assert result.categories["c"].score is None
    assert any("No indicator is applicable" in note for note in result.notes)
    assert result.roadmap.items == () and not result.roadmap.reachable


def test_unanswered_everything_scores_zero_without_a_note():
    result = score(one_category_three_indicators(), [], [], NO_RISKS)
    assert (result.score, result.grade, result.notes) == (0.0, "F", ())
    assert result.coverage.answered == 0.0


def test_coverage_counts_answers_and_evidence():
    # 3 slots, 3 answered (one N/A) -> answered 1.0. Non-N/A answers: A (public + company), C (none)
    # -> any 1/2, public 1/2, company 1/2, third_party 0.
    methodology = one_category_three_indicators()
    evidence = (Evidence("https://example.org/policy", "public"), Evidence("https://example.org/reply", "company"))
    answers = [Answer("A", None, "yes", evidence), Answer("B", None, "na"), Answer("C", None, 10)]
    coverage = score(methodology, answers, [], NO_RISKS).coverage
    assert coverage.answered == 1.0
    assert (coverage.evidence.any, coverage.evidence.public, coverage.evidence.company, coverage.evidence.third_party) == (0.5, 0.5, 0.5, 0.0)
    assert score(methodology, answers[1:], [], NO_RISKS).coverage.evidence is None


@pytest.mark.parametrize("bad, reason", [
    (Answer("A", None, "maybe"), "not an option"),
    (Answer("C", None, 120), "outside 0..100"),
    (Answer("Z", None, "yes"), "no indicator 'Z'"),
    (Answer("A", "raw", "yes"), "no indicator 'A' at stage 'raw'"),
])
def test_invalid_answers_raise_rather_than_mis_score(bad, reason):
    with pytest.raises(ValueError, match=reason):
        score(one_category_three_indicators(), [bad], [], NO_RISKS)


def test_the_same_slot_answered_twice_raises():
    with pytest.raises(ValueError, match="answered twice"):
        score(one_category_three_indicators(), [Answer("A", None, "yes"), Answer("A", None, "no")], [], NO_RISKS)


def test_result_dict_has_the_public_shape(f2w, risk_list):
    answers = [Answer("POL-1", None, "yes")]
    as_dict = result_to_dict(score(f2w, answers, [], risk_list))
    assert {"score", "grade", "scale", "scale_reasons", "categories", "stages", "indicators", "coverage",
            "roadmap", "inputs_hash", "methodology"} <= set(as_dict)
    assert as_dict["methodology"] == {"id": "f2w-2026", "version": f2w.version}
    assert set(as_dict["stages"]) == {s.id for s in f2w.stages}
    first = as_dict["indicators"][0]
    assert first["indicator"] == "POL-1" and first["earned"] == round(first["possible"], 2)
