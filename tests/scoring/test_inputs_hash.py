"""The inputs hash recognises the same inputs in any order, and only the same inputs."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from scoring import Answer, Evidence, SourcingRecord, score
from scoring.fingerprint import inputs_hash
from tests.scoring.builders import COTTON_CN, PERCENT, build, category, indicator, risky_sourcing, scored_inputs


@given(st.data())
def test_the_same_inputs_in_any_order_give_the_same_hash_and_result(data):
    methodology, answers = data.draw(scored_inputs())
    sourcing = risky_sourcing(methodology)
    shuffled_answers = data.draw(st.permutations(answers))
    shuffled_sourcing = data.draw(st.permutations(sourcing))
    first = score(methodology, answers, sourcing, COTTON_CN)
    second = score(methodology, shuffled_answers, shuffled_sourcing, COTTON_CN)
    assert first.inputs_hash == second.inputs_hash
    assert first == second


@given(scored_inputs())
def test_the_engines_hash_is_the_defined_canonical_hash(inputs):
    # The engine assembles the canonical JSON from per-slot fragments; inputs_hash is the plain definition.
    methodology, answers = inputs
    sourcing = risky_sourcing(methodology)
    assert score(methodology, answers, sourcing, COTTON_CN).inputs_hash == inputs_hash(methodology, answers, sourcing)


def small():
    return build(category("c", indicator("A"), indicator("P", answer=PERCENT)))


def hash_of(answers, sourcing=()):
    return score(small(), answers, sourcing, COTTON_CN).inputs_hash


def test_a_whole_percent_and_its_float_hash_alike():
    assert hash_of([Answer("P", None, 62)]) == hash_of([Answer("P", None, 62.0)])


def test_evidence_order_does_not_change_the_hash_but_evidence_does():
    a = Evidence("https://a.example/policy", "public")
    b = Evidence("https://b.example/report", "third_party", "2025 audit")
    base = hash_of([Answer("A", None, "yes", (a, b))])
    assert base == hash_of([Answer("A", None, "yes", (b, a))])
    assert base != hash_of([Answer("A", None, "yes", (a,))])
    assert base != hash_of([Answer("A", None, "yes")])


def test_any_change_of_answer_sourcing_or_methodology_version_changes_the_hash():
    base = hash_of([Answer("A", None, "yes"), Answer("P", None, 50)], [SourcingRecord("raw", "Wine", "FR")])
    assert base != hash_of([Answer("A", None, "no"), Answer("P", None, 50)], [SourcingRecord("raw", "Wine", "FR")])
    assert base != hash_of([Answer("A", None, "yes"), Answer("P", None, 50.5)], [SourcingRecord("raw", "Wine", "FR")])
    assert base != hash_of([Answer("A", None, "yes"), Answer("P", None, 50)], [SourcingRecord("raw", "Wine", "IT")])
    assert base != hash_of([Answer("A", None, "yes"), Answer("P", None, "na")], [SourcingRecord("raw", "Wine", "FR")])
    other_version = replace(small(), version="2")
    assert score(other_version, [Answer("A", None, "yes"), Answer("P", None, 50)],
                 [SourcingRecord("raw", "Wine", "FR")], COTTON_CN).inputs_hash != base


def test_country_case_does_not_change_the_hash():
    assert hash_of([], [SourcingRecord("raw", "Wine", "fr")]) == hash_of([], [SourcingRecord("raw", "Wine", "FR")])
