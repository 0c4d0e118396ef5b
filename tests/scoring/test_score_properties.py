"""Properties of score() over generated methodologies and answers (and the real f2w-2026 file)."""

from __future__ import annotations

import math

from hypothesis import assume, given
from hypothesis import strategies as st

from scoring import Answer, parse_methodology, score
from tests.scoring.builders import (
    COTTON_CN,
    answer_sets,
    clean_sourcing,
    methodology_docs,
    risky_sourcing,
    scored_inputs,
    slots,
)

EPSILON = 1e-9


def letter_rank(methodology, letter):
    """0 for the best grade; higher is worse."""
    return [letter for letter, _ in methodology.grades["standard"]].index(letter)


@given(scored_inputs())
def test_every_score_is_between_0_and_100(inputs):
    methodology, answers = inputs
    result = score(methodology, answers, clean_sourcing(methodology), COTTON_CN)
    shown = [result.score, *(c.score for c in result.categories.values()), *(s.score for s in result.stages.values())]
    assert all(0 <= value <= 100 + EPSILON for value in shown if value is not None)


@given(scored_inputs())
def test_earned_points_add_up_to_the_score(inputs):
    methodology, answers = inputs
    result = score(methodology, answers, clean_sourcing(methodology), COTTON_CN)
    assert math.isclose(math.fsum(r.earned for r in result.indicators), result.score, abs_tol=EPSILON)
    total_possible = math.fsum(r.possible for r in result.indicators)
    assert math.isclose(total_possible, 100.0 if not result.notes else 0.0, abs_tol=EPSILON)
    assert all(r.earned <= r.possible + EPSILON for r in result.indicators)


def full_value(methodology, indicator_id, value) -> float:
    """v for a valid, applicable answer value (0 when unanswered)."""
    if value is None:
        return 0.0
    options = methodology.indicator(indicator_id).answer.options
    return options[value] if options is not None else value / 100


@given(st.data())
def test_raising_one_answer_never_lowers_any_score(data):
    methodology, answers = data.draw(scored_inputs())
    by_slot = {(a.indicator, a.stage): a for a in answers}
    raisable = [slot for slot in slots(methodology) if slot not in by_slot or by_slot[slot].value != "na"]
    assume(raisable)
    indicator_id, stage_id = slot = data.draw(st.sampled_from(raisable))
    old_value = by_slot[slot].value if slot in by_slot else None
    old_v = full_value(methodology, indicator_id, old_value)
    options = methodology.indicator(indicator_id).answer.options
    if options is None:
        new_value = data.draw(st.floats(old_v * 100, 100, allow_nan=False))
    else:
        higher = sorted(name for name, v in options.items() if v >= old_v)  # never empty: v >= 0, or the old option
        new_value = data.draw(st.sampled_from(higher))
    raised = [a for a in answers if (a.indicator, a.stage) != slot] + [Answer(indicator_id, stage_id, new_value)]

    sourcing = clean_sourcing(methodology)
    before = score(methodology, answers, sourcing, COTTON_CN)
    after = score(methodology, raised, sourcing, COTTON_CN)
    assert after.score >= before.score - EPSILON
    for category_id, result in before.categories.items():
        if result.score is not None:
            assert after.categories[category_id].score >= result.score - EPSILON
    for stage, result in before.stages.items():
        if result.score is not None:
            assert after.stages[stage].score >= result.score - EPSILON


@given(scored_inputs())
def test_high_risk_grade_is_never_better_than_standard(inputs):
    methodology, answers = inputs
    standard = score(methodology, answers, clean_sourcing(methodology), COTTON_CN)
    high_risk = score(methodology, answers, risky_sourcing(methodology), COTTON_CN)
    assert (standard.scale, high_risk.scale) == ("standard", "high_risk")
    assert standard.score == high_risk.score  # the scale changes the grade, never the score
    assert letter_rank(methodology, high_risk.grade) >= letter_rank(methodology, standard.grade)
    for category_id, result in high_risk.categories.items():
        if result.grade is not None:
            assert letter_rank(methodology, result.grade) >= letter_rank(methodology, standard.categories[category_id].grade)


@given(st.data())
def test_high_risk_grade_is_never_better_than_standard_on_the_real_methodology(f2w, data):
    answers = data.draw(answer_sets(f2w))
    standard = score(f2w, answers, clean_sourcing(f2w), COTTON_CN)
    high_risk = score(f2w, answers, risky_sourcing(f2w), COTTON_CN)
    assert (standard.scale, high_risk.scale) == ("standard", "high_risk")
    assert letter_rank(f2w, high_risk.grade) >= letter_rank(f2w, standard.grade)


@given(st.data())
def test_an_all_na_category_is_left_out_of_the_overall(data):
    doc = data.draw(methodology_docs(min_categories=2))
    methodology = parse_methodology(doc)
    answers = data.draw(answer_sets(methodology))
    dropped = data.draw(st.sampled_from([c.id for c in methodology.categories]))
    in_dropped = {i.id for c in methodology.categories if c.id == dropped for i in c.indicators}
    kept = [a for a in answers if a.indicator not in in_dropped]
    all_na = kept + [Answer(i, s, "na") for i, s in slots(methodology) if i in in_dropped]

    result = score(methodology, all_na, [], COTTON_CN)
    without = parse_methodology({**doc, "categories": [c for c in doc["categories"] if c["id"] != dropped]})
    expected = score(without, kept, [], COTTON_CN)
    assert result.categories[dropped].score is None
    assert math.isclose(result.score, expected.score, abs_tol=EPSILON)
