"""A Result's lazy detail, and the fast paths of score(), give exactly what the eager engine gave.

The reference is the previous, eager engine (eager_reference.py). Floats are compared by repr as well
as by ==, so even the sign of a zero must match: the new code is a pure speed-up, not a new formula.
"""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Answer, Evidence, RiskEntry, RiskList, SourcingRecord, decide_scale, result_to_dict, score
from scoring.engine import RESULT_FIELDS, SCALE_CACHE_SIZE
from scoring.layout import layout_for
from scoring.methodology import Category, Indicator, Methodology
from scoring.sums import weighted_scores
from tests.scoring.builders import (
    COTTON_CN,
    PERCENT,
    answer_sets,
    build,
    category,
    clean_sourcing,
    grade_scales,
    indicator,
    methodologies,
    risky_sourcing,
    scored_inputs,
    slots,
    stage,
    value_for,
)
from tests.scoring.eager_reference import eager_result_to_dict, eager_score

LAZY = ("indicators", "coverage", "roadmap", "inputs_hash")
EVIDENCE = [Evidence("https://example.org/policy", "public"), Evidence("https://example.org/audit", "third_party", "2025"),
            Evidence("https://example.org/reply", "company")]


def assert_same_as_eager(result, methodology, answers, sourcing, risk_list=COTTON_CN):
    reference = eager_score(methodology, answers, sourcing, risk_list)
    for name in RESULT_FIELDS:
        assert getattr(result, name) == getattr(reference, name), name
        assert repr(getattr(result, name)) == repr(getattr(reference, name)), name  # bit for bit, signed zeros too
    assert repr(result_to_dict(result)) == repr(eager_result_to_dict(reference))


@st.composite
def with_evidence(draw, answers):
    """Some of the answers, N/A ones included, backed by some evidence."""
    return [Answer(a.indicator, a.stage, a.value, tuple(draw(st.lists(st.sampled_from(EVIDENCE), max_size=2))))
            if draw(st.booleans()) else a for a in answers]


@st.composite
def sourcings(draw, methodology):
    """Clean, listed, partly undisclosed or missing sourcing: both scales and every reason."""
    kind = draw(st.sampled_from(["clean", "risky", "undisclosed", "none"]))
    if kind == "undisclosed" and methodology.stages:
        return [*clean_sourcing(methodology)[1:], SourcingRecord(methodology.stages[0].id, disclosed=False)]
    return {"clean": clean_sourcing, "risky": risky_sourcing}.get(kind, lambda m: [])(methodology)


@st.composite
def every_slot_answered(draw, methodology):
    """Every slot answered, none N/A: the all-applicable kernel's case."""
    return [Answer(i, s, draw(value_for(methodology, i))) for i, s in slots(methodology)]


# ---------------------------------------------------------------------------------------------------
# The same values as the eager engine


@settings(max_examples=300)
@given(st.data())
def test_every_field_equals_the_eager_engine(data):
    methodology, answers = data.draw(scored_inputs())
    answers = data.draw(with_evidence(answers))
    sourcing = data.draw(sourcings(methodology))
    assert_same_as_eager(score(methodology, answers, sourcing, COTTON_CN), methodology, answers, sourcing)


@settings(max_examples=300)
@given(st.data())
def test_fully_answered_results_equal_the_eager_engine(data):
    methodology = data.draw(methodologies)
    answers = data.draw(every_slot_answered(methodology))
    sourcing = data.draw(sourcings(methodology))
    assert_same_as_eager(score(methodology, answers, sourcing, COTTON_CN), methodology, answers, sourcing)


@given(st.data())
def test_the_real_methodology_equals_the_eager_engine(f2w, risk_list, data):
    answers = data.draw(st.one_of(every_slot_answered(f2w), answer_sets(f2w)))
    sourcing = data.draw(sourcings(f2w))
    assert_same_as_eager(score(f2w, answers, sourcing, risk_list), f2w, answers, sourcing, risk_list)


def kernel_scores(layout, values, applicable):
    """What score() runs: the full kernel when every slot is applicable, else the partial one."""
    if all(applicable):
        return layout.kernel(values)
    return layout.partial_kernel(values, [1.0 if a else 0.0 for a in applicable])


@settings(max_examples=300)
@given(st.data())
def test_the_kernels_give_the_general_paths_scores_bit_for_bit(data):
    methodology = data.draw(methodologies)
    layout = layout_for(methodology)
    n = layout.slot_count
    applicable = data.draw(st.just([True] * n) | st.just([False] * n) | st.lists(st.booleans(), min_size=n, max_size=n))
    values = data.draw(st.lists(st.sampled_from([0.0, -0.0, 0.25, 0.5, 1.0]) | st.floats(0, 1), min_size=n, max_size=n))
    values = [v if a else 0.0 for v, a in zip(values, applicable)]  # as score() reads them: 0.0 when N/A
    expected = weighted_scores(layout, values, applicable)
    assert repr(kernel_scores(layout, values, applicable)) == repr(expected)
    if all(applicable):  # the partial kernel takes this case too
        assert repr(layout.partial_kernel(values, [1.0] * n)) == repr(expected)


@pytest.mark.parametrize("stages", [(stage("only", 3),), (stage("raw", 3), stage("inputs", 1.5))])
def test_the_kernels_keep_the_general_paths_zeros_and_brackets(stages):
    # All -0.0 (a percent of -0.0 is accepted): the kernels' one sum that does not start from 0.0 must
    # not leak a -0.0. One weighted stage: w * (sw * v) must not become (w * sw) * v.
    methodology = build(category("c", indicator("S", 3, staged=True), indicator("U", 0.7, answer=PERCENT)),
                        category("d", indicator("T", 1.1, staged=True), weight=2.5), stages=stages)
    layout = layout_for(methodology)
    n = layout.slot_count
    for values in ([-0.0] * n, [0.1 * (k + 1) for k in range(n)]):
        for applicable in ([True] * n, [k % 2 == 0 for k in range(n)], [False] + [True] * (n - 1)):
            values = [v if a else 0.0 for v, a in zip(values, applicable)]
            assert repr(kernel_scores(layout, values, applicable)) == repr(weighted_scores(layout, values, applicable))


def test_the_real_methodology_is_scored_by_the_kernels(f2w):
    assert layout_for(f2w).kernel is not None and layout_for(f2w).partial_kernel is not None


def test_a_methodology_the_kernels_cannot_take_is_scored_by_the_general_path():
    # Built directly (the loader refuses it): a category without indicators is never scored.
    a = Indicator("A", "?", "", 1, False, build(category("c", indicator("A"))).indicator("A").answer, "c")
    methodology = Methodology("odd", "odd", "1", (), (Category("c", "C", 1, (a,)), Category("empty", "E", 1, ())),
                              build(category("c", indicator("A"))).grades)
    assert layout_for(methodology).kernel is None and layout_for(methodology).partial_kernel is None
    for answers in ([Answer("A", None, "partial")], [Answer("A", None, "na")]):
        result = score(methodology, answers, [], COTTON_CN)
        assert result.categories["empty"].score is None
        assert_same_as_eager(result, methodology, answers, [])


@given(grade_scales(), st.sampled_from(["standard", "high_risk"]), st.data())
def test_the_engines_graders_grade_as_grade_for_does(grades, scale, data):
    methodology = build(category("c", indicator("A")), grades=grades)
    thresholds = [t for _, t in grades[scale]]
    near = st.sampled_from(thresholds).flatmap(lambda t: st.sampled_from([t, t - 1e-10, t - 1e-8, t + 1e-10]))
    for s in data.draw(st.lists(st.floats(0, 100) | near, min_size=1, max_size=20)):
        if s >= 0:
            assert layout_for(methodology).graders[scale](s) == methodology.grade_for(s, scale)


# ---------------------------------------------------------------------------------------------------
# Lazy, but a plain immutable value to the caller


def small():
    return build(category("c", indicator("S", staged=True), indicator("U", answer=PERCENT)),
                 stages=(stage("raw", 3), stage("inputs", 1)))


ANSWERS = [Answer("S", "raw", "yes", (EVIDENCE[0],)), Answer("S", "inputs", "no"), Answer("U", None, 50)]


def test_the_detail_is_worked_out_only_when_read():
    result = score(small(), ANSWERS, [], COTTON_CN)
    (result.score, result.grade, result.scale, result.categories, result.stages)
    assert not set(LAZY) & set(vars(result))
    result_to_dict(result)
    assert set(LAZY) <= set(vars(result))


@given(st.permutations(LAZY))
def test_the_detail_is_the_same_in_whatever_order_it_is_read(order):
    methodology = small()
    result = score(methodology, ANSWERS, [], COTTON_CN)
    for name in order:
        getattr(result, name)
    assert_same_as_eager(result, methodology, ANSWERS, [])


def test_changing_the_inputs_after_scoring_changes_nothing():
    methodology = small()
    answers, sourcing = list(ANSWERS), [SourcingRecord("raw", "Wine", "FR")]
    result = score(methodology, answers, sourcing, COTTON_CN)
    expected = eager_score(methodology, answers, sourcing, COTTON_CN)
    answers.clear()
    sourcing.append(SourcingRecord("inputs", "Cotton", "CN"))
    assert (result.indicators, result.coverage, result.roadmap, result.inputs_hash) == (
        expected.indicators, expected.coverage, expected.roadmap, expected.inputs_hash)


@pytest.mark.parametrize("name", [*RESULT_FIELDS])
def test_no_field_can_be_set_or_deleted_before_or_after_it_is_read(name):
    result = score(small(), ANSWERS, [], COTTON_CN)
    for _ in range(2):
        with pytest.raises(FrozenInstanceError):
            setattr(result, name, None)
        with pytest.raises(FrozenInstanceError):
            delattr(result, name)
        getattr(result, name)


def test_equality_compares_the_detail_too():
    # Evidence changes the coverage and the hash, not the score: the results must still differ.
    methodology = small()
    bare = [Answer(a.indicator, a.stage, a.value) for a in ANSWERS]
    with_, without = score(methodology, ANSWERS, [], COTTON_CN), score(methodology, bare, [], COTTON_CN)
    assert (with_.score, with_.grade, with_.categories, with_.stages) == (without.score, without.grade, without.categories, without.stages)
    assert with_ != without
    assert with_ == score(methodology, ANSWERS, [], COTTON_CN)
    assert with_ != object()


def test_a_copy_gives_the_same_detail_whether_made_before_or_after_reading_it():
    result = score(small(), ANSWERS, [], COTTON_CN)
    before = copy.copy(result)
    result_to_dict(result)
    after = copy.copy(result)
    assert before == result == after
    assert result_to_dict(before) == result_to_dict(after)


def test_repr_shows_every_field():
    text = repr(score(small(), ANSWERS, [], COTTON_CN))
    assert all(f"{name}=" in text for name in RESULT_FIELDS)
    assert "_inputs" not in text


# ---------------------------------------------------------------------------------------------------
# Validation is as strict as before


class Percent(float):
    """A float subclass (as numpy.float64 is): not the everyday kind, but a number all the same."""


@pytest.mark.parametrize("bad, reason", [
    (Answer("U", None, True), "must be a number"),
    (Answer("U", None, float("nan")), "must be a number"),
    (Answer("U", None, "62"), "must be a number"),
    (Answer("U", None, -0.5), "outside 0..100"),
    (Answer("U", None, [50]), "must be a number"),
    (Answer("S", "raw", ["yes"]), "not an option"),
    (Answer("S", "raw", 1.0), "not an option"),
    (Answer("S", "raw", "NA"), "not an option"),
    (Answer("S", None, "yes"), "no indicator 'S' at stage None"),
    (Answer("S", "retail", "yes"), "no indicator 'S' at stage 'retail'"),
    (Answer("S", "inputs", "na"), "answered twice"),
])
def test_invalid_answers_still_raise(bad, reason):
    with pytest.raises(ValueError, match=reason):
        score(small(), [Answer("S", "inputs", "yes"), bad], [], COTTON_CN)


def test_the_first_invalid_answer_is_the_one_reported():
    answers = [Answer("U", None, 50), Answer("S", "raw", "maybe"), Answer("Z", None, "yes")]
    with pytest.raises(ValueError, match="'maybe' is not an option"):
        score(small(), answers, [], COTTON_CN)


def test_a_number_of_another_float_type_is_scored_like_a_float():
    methodology = small()
    odd = [Answer("U", None, Percent(62.5)), Answer("S", "raw", "na")]
    plain = [Answer("U", None, 62.5), Answer("S", "raw", "na")]
    assert score(methodology, odd, [], COTTON_CN) == score(methodology, plain, [], COTTON_CN)
    assert_same_as_eager(score(methodology, odd, [], COTTON_CN), methodology, odd, [])


def test_evidence_of_an_unknown_kind_is_refused_when_scoring():
    bad = [Answer("U", None, 50, (Evidence("https://example.org", "blog"),))]
    with pytest.raises(ValueError, match="unknown evidence source type 'blog'"):
        score(small(), bad, [], COTTON_CN)


# ---------------------------------------------------------------------------------------------------
# The remembered scale decisions


def test_a_remembered_scale_decision_is_the_one_decide_scale_makes(risk_list):
    methodology = small()
    sourcing = [SourcingRecord("raw", "Cotton", "CN")]
    other_list = RiskList((RiskEntry("Wine", "FR", "France", False, True, False, None),))
    for risks in (risk_list, other_list, risk_list, COTTON_CN):  # the same sourcing against different lists
        result = score(methodology, [], sourcing, risks)
        decision = decide_scale(methodology, sourcing, risks)
        assert (result.scale, result.scale_reasons, result.risk_pairs, result.undisclosed_stages) == (
            decision.scale, decision.reasons, decision.risk_pairs, decision.undisclosed_stages)


def test_remembered_scale_decisions_are_bounded():
    methodology = small()
    for k in range(SCALE_CACHE_SIZE + 10):
        score(methodology, [], [SourcingRecord("raw", f"Good {k}", "FR")], COTTON_CN)
    assert len(layout_for(methodology).scale_cache) <= SCALE_CACHE_SIZE
