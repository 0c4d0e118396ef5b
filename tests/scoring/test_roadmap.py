"""The roadmap: what full credit where would add, biggest gain first, and what reaches the next grade."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import Answer, RiskList, SourcingRecord, parse_methodology, score
from tests.scoring.builders import PERCENT, answer_sets, build, category, indicator, methodology_docs, stage

NO_RISKS = RiskList(())
GRADES = {"standard": [["A", 80], ["B", 60], ["C", 40], ["F", 0]], "high_risk": [["A", 90], ["B", 70], ["C", 50], ["F", 0]]}


def test_items_are_unmet_slots_by_gain_with_the_score_and_grade_if_met():
    # S staged over raw (3) and inputs (1), U percent; score 62.5 (see test_score_examples).
    # U: possible 50, earned 25 -> gain 25, 87.5 "A".  S@inputs: possible 12.5, earned 0 -> gain 12.5, 75.0 "B".
    # S@raw is met (no item). Next grade A (80): U alone reaches 87.5.
    methodology = build(category("c", indicator("S", staged=True), indicator("U", answer=PERCENT)),
                        stages=(stage("raw", 3), stage("inputs", 1)), grades=GRADES)
    answers = [Answer("S", "raw", "yes"), Answer("S", "inputs", "no"), Answer("U", None, 50)]
    disclosed = [SourcingRecord("raw", "Wine", "FR"), SourcingRecord("inputs", "Wine", "FR")]  # standard scale
    roadmap = score(methodology, answers, disclosed, NO_RISKS).roadmap
    assert [(i.indicator, i.stage, i.category, i.grade_if_met) for i in roadmap.items] == [
        ("U", None, "c", "A"), ("S", "inputs", "c", "B")]
    assert [i.gain for i in roadmap.items] == pytest.approx([25.0, 12.5])
    assert [i.score_if_met for i in roadmap.items] == pytest.approx([87.5, 75.0])
    assert roadmap.next_grade == "A" and roadmap.reachable
    assert roadmap.to_next_grade == roadmap.items[:1]


def test_equal_gains_are_ordered_by_indicator_id_then_stage_order():
    # Stage order is "late" then "early" (not alphabetical); every slot is unanswered with the same gain.
    methodology = build(category("c", indicator("B", staged=True), indicator("A", staged=True)),
                        stages=(stage("late"), stage("early")), grades=GRADES)
    items = score(methodology, [], [], NO_RISKS).roadmap.items
    assert [(i.indicator, i.stage) for i in items] == [("A", "late"), ("A", "early"), ("B", "late"), ("B", "early")]


def test_the_top_band_has_no_next_grade():
    methodology = build(category("c", indicator("A"), indicator("B")), grades=GRADES)
    roadmap = score(methodology, [Answer("A", None, "yes"), Answer("B", None, "partial")], [], NO_RISKS).roadmap
    # 75.0 is "B"; with B partial -> yes it is 100. At 100 nothing is left to do.
    assert roadmap.next_grade == "A"
    top = score(methodology, [Answer("A", None, "yes"), Answer("B", None, "yes")], [], NO_RISKS).roadmap
    assert (top.items, top.next_grade, top.to_next_grade) == ((), None, ())


def full_credit(methodology, indicator_id):
    options = methodology.indicator(indicator_id).answer.options
    return 100 if options is None else next(name for name, v in options.items() if v == 1.0)


@given(st.data())
def test_meeting_the_to_next_grade_items_reaches_the_next_grade_and_no_fewer_do(data):
    methodology = parse_methodology(data.draw(methodology_docs(full_credit=True)))
    answers = data.draw(answer_sets(methodology))
    result = score(methodology, answers, [], NO_RISKS)
    roadmap = result.roadmap

    def met(items):
        chosen = {(i.indicator, i.stage) for i in items}
        kept = [a for a in answers if (a.indicator, a.stage) not in chosen]
        return score(methodology, kept + [Answer(i, s, full_credit(methodology, i)) for i, s in chosen], [], NO_RISKS)

    for item in roadmap.items[:3]:  # each item's gain is exact: the rescored score matches score_if_met
        assert math.isclose(met([item]).score, item.score_if_met, abs_tol=1e-9)
    assert [i.gain for i in roadmap.items] == sorted((i.gain for i in roadmap.items), reverse=True)
    if roadmap.next_grade is None:
        assert result.grade == methodology.grades[result.scale][0][0]
        return
    if not roadmap.reachable:
        assert result.notes  # only when nothing is applicable
        return
    threshold = dict(methodology.grades[result.scale])[roadmap.next_grade]
    assert met(roadmap.to_next_grade).score >= threshold - 1e-9
    assert met(roadmap.to_next_grade[:-1]).score < threshold
