"""Checking answers and reading answers documents: every problem reported, each with its place and reason."""

from __future__ import annotations

import pytest

from scoring import (
    Answer,
    Evidence,
    InputError,
    SourcingRecord,
    answers_to_dicts,
    parse_answers_document,
    sourcing_to_dicts,
    validate_answers,
)
from tests.scoring.builders import PERCENT, build, category, indicator, stage


@pytest.fixture(scope="module")
def methodology():
    # The shape of the answers-file example: POL-1 staged choice, TT-3 percent, MT-2 unstaged choice.
    return build(
        category("policies", indicator("POL-1", staged=True)),
        category("transparency", indicator("TT-3", answer=PERCENT)),
        category("monitoring", indicator("MT-2")),
        stages=(stage("raw_materials"), stage("inputs")),
    )


EXAMPLE = {
    "answers": [
        {"indicator": "POL-1", "stage": "raw_materials", "value": "yes",
         "evidence": [{"url": "https://example.org/policy.pdf", "source_type": "public"}]},
        {"indicator": "TT-3", "value": 62.5},
        {"indicator": "MT-2", "value": "na"},
    ],
    "sourcing": [
        {"stage": "raw_materials", "good": "Cotton", "country": "UZ"},
        {"stage": "inputs", "disclosed": False},
    ],
}


def test_the_example_document_reads_into_answers_and_sourcing(methodology):
    answers, sourcing = parse_answers_document(EXAMPLE, methodology)
    assert answers == [
        Answer("POL-1", "raw_materials", "yes", (Evidence("https://example.org/policy.pdf", "public"),)),
        Answer("TT-3", None, 62.5),
        Answer("MT-2", None, "na"),
    ]
    assert sourcing == [SourcingRecord("raw_materials", "Cotton", "UZ"), SourcingRecord("inputs", disclosed=False)]


def test_answers_and_sourcing_go_back_to_the_document_shape(methodology):
    answers, sourcing = parse_answers_document(EXAMPLE, methodology)
    assert {"answers": answers_to_dicts(answers), "sourcing": sourcing_to_dicts(sourcing)} == EXAMPLE


# (answer, field, words the reason must contain)
BAD_ANSWERS = [
    (Answer("POL-9", None, "yes"), "indicator", "unknown indicator 'POL-9'"),
    (Answer("MT-2", "inputs", "yes"), "stage", "is not staged"),
    (Answer("POL-1", None, "yes"), "stage", "answered once per stage"),
    (Answer("POL-1", "retail", "yes"), "stage", "unknown stage 'retail'"),
    (Answer("MT-2", None, "maybe"), "value", "allowed: yes, partial, no, na"),
    (Answer("TT-3", None, "62"), "value", "must be a number"),
    (Answer("TT-3", None, True), "value", "must be a number"),
    (Answer("TT-3", None, 100.5), "value", "outside 0..100"),
    (Answer("TT-3", None, -1), "value", "outside 0..100"),
    (Answer("TT-3", None, float("nan")), "value", "must be a number"),
    (Answer("MT-2", None, "yes", (Evidence("https://x.example", "blog"),)), "evidence[0].source_type", "unknown source type 'blog'"),
    (Answer("MT-2", None, "yes", (Evidence("", "public"),)), "evidence[0].url", "needs a url"),
]


@pytest.mark.parametrize("answer, field, reason", BAD_ANSWERS, ids=[f"{a.indicator}-{f}-{r[:20]}" for a, f, r in BAD_ANSWERS])
def test_each_bad_answer_is_reported_with_its_field_and_reason(methodology, answer, field, reason):
    problems = validate_answers(methodology, [Answer("POL-1", "inputs", "yes"), answer])
    assert [(p.index, p.field) for p in problems] == [(1, field)]
    assert reason in problems[0].reason
    assert (problems[0].indicator, problems[0].stage) == (answer.indicator, answer.stage)


def test_every_bad_answer_is_reported_not_just_the_first(methodology):
    answers = [bad for bad, _, _ in BAD_ANSWERS]
    problems = validate_answers(methodology, answers)
    assert sorted({p.index for p in problems}) == list(range(len(answers)))


def test_the_same_slot_answered_twice_is_reported_at_the_second(methodology):
    answers = [Answer("POL-1", "inputs", "yes"), Answer("POL-1", "raw_materials", "no"), Answer("POL-1", "inputs", "no")]
    problems = validate_answers(methodology, answers)
    assert [(p.index, p.field) for p in problems] == [(2, "indicator")]
    assert "answered twice (first at index 0)" in problems[0].reason


def test_valid_answers_have_no_problems(methodology):
    answers = [Answer("POL-1", "inputs", "partial"), Answer("POL-1", "raw_materials", "na"),
               Answer("TT-3", None, 0), Answer("MT-2", None, "no")]
    assert validate_answers(methodology, answers) == []


def test_document_problems_come_together_in_one_error(methodology):
    doc = {
        "answers": [
            "not an object",
            {"indicator": "TT-3"},  # no value
            {"indicator": "MT-2", "value": "maybe"},
            {"indicator": "TT-3", "value": 10, "comment": "typo'd field"},
            {"indicator": "POL-1", "stage": "inputs", "value": "yes", "evidence": [{"url": "https://x.example"}]},
        ],
        "sourcing": [
            {"stage": "retail", "country": "FR"},
            {"stage": "inputs", "good": "Cotton"},
            {"stage": "raw_materials", "country": "China"},
            {"stage": "raw_materials", "country": "CN", "disclosed": "yes"},
        ],
    }
    with pytest.raises(InputError) as raised:
        parse_answers_document(doc, methodology)
    found = {(p.index, p.field) for p in raised.value.problems}
    assert found == {
        (0, "answer"), (1, "value"), (2, "value"), (3, "comment"), (4, "evidence[0]"),
        (0, "sourcing.stage"), (1, "sourcing.country"), (2, "sourcing.country"), (3, "sourcing.disclosed"),
    }
    reasons = {(p.index, p.field): p.reason for p in raised.value.problems}
    assert "unknown stage 'retail'" in reasons[(0, "sourcing.stage")]
    assert "needs a country" in reasons[(1, "sourcing.country")]
    assert "two-letter ISO 3166-1 code" in reasons[(2, "sourcing.country")]


@pytest.mark.parametrize("doc, field", [
    ([], "document"),
    ({"sourcing": []}, "answers"),
    ({"answers": {}, "sourcing": []}, "answers"),
    ({"answers": [], "sourcing": "UZ"}, "sourcing"),
    ({"answers": [], "extra": 1}, "extra"),
])
def test_a_malformed_document_is_refused_with_its_field(methodology, doc, field):
    with pytest.raises(InputError) as raised:
        parse_answers_document(doc, methodology)
    assert field in {p.field for p in raised.value.problems}


def test_a_stage_less_methodology_takes_sourcing_with_any_stage_label():
    stage_less = build(category("c", indicator("A")))
    _, sourcing = parse_answers_document({"answers": [], "sourcing": [{"stage": "farm", "good": "Cocoa", "country": "ci"}]}, stage_less)
    assert sourcing == [SourcingRecord("farm", "Cocoa", "CI")]


# --- evidence visibility and dates ------------------------------------------------------------------

def test_evidence_without_a_visibility_is_confidential_when_the_company_supplied_it():
    assert Evidence("https://a.example", "company").visibility == "confidential"
    assert Evidence("https://a.example", "public").visibility == "public"
    assert Evidence("https://a.example", "third_party").visibility == "public"
    assert Evidence("https://a.example", "company", visibility="public").visibility == "public"


def test_visibility_and_date_round_trip_through_the_answers_file_and_defaults_stay_implicit(methodology):
    doc = {"answers": [{"indicator": "MT-2", "value": "yes", "evidence": [
        {"url": "https://a.example/x.pdf", "source_type": "company", "date": "2026-02-16"},
        {"url": "https://a.example/y.pdf", "source_type": "company", "visibility": "public"},
        {"url": "https://ngo.example/r", "source_type": "third_party", "visibility": "confidential", "note": "n"}]}]}
    answers, _ = parse_answers_document(doc, methodology)
    assert [e.visibility for e in answers[0].evidence] == ["confidential", "public", "confidential"]
    assert answers_to_dicts(answers) == doc["answers"]


def test_unknown_visibilities_and_malformed_dates_are_problems(methodology):
    doc = {"answers": [{"indicator": "MT-2", "value": "yes", "evidence": [
        {"url": "https://a.example", "source_type": "company", "visibility": "secret", "date": "16/02/2026"}]}]}
    with pytest.raises(InputError) as raised:
        parse_answers_document(doc, methodology)
    assert {p.field for p in raised.value.problems} == {"evidence[0].visibility", "evidence[0].date"}


def test_an_evidence_rule_given_by_the_caller_checks_each_item_once(methodology):
    doc = {"answers": [{"indicator": "MT-2", "value": "yes", "evidence": [{"url": "javascript:x", "source_type": "public"}]}]}
    with pytest.raises(InputError) as raised:
        parse_answers_document(doc, methodology, evidence_rule=lambda item: {"url": ["must be http(s)"]})
    assert [(p.field, p.reason) for p in raised.value.problems] == [("evidence[0].url", "must be http(s)")]


def test_the_date_does_not_enter_the_inputs_hash(methodology):
    from scoring.fingerprint import inputs_hash

    plain = [Answer("MT-2", None, "yes", (Evidence("https://a.example", "public"),))]
    dated = [Answer("MT-2", None, "yes", (Evidence("https://a.example", "public", date="2026-02-16"),))]
    assert inputs_hash(methodology, plain, []) == inputs_hash(methodology, dated, [])


def test_confidential_evidence_enters_the_hash_as_a_digest_that_its_placeholder_reproduces(methodology):
    """The public inputs pack shows a confidential item only as its digest: the hash must not need more."""
    from scoring.fingerprint import evidence_digest, inputs_hash

    secret = Evidence("https://company.example/audit.pdf", "company", note="shared in confidence", date="2026-02-16")
    answers = [Answer("MT-2", None, "yes", (secret,))]
    placeholder = {"source_type": "company", "visibility": "confidential", "date": "2026-02-16",
                   "digest": evidence_digest(secret)}
    parsed, _ = parse_answers_document(
        {"answers": [{"indicator": "MT-2", "value": "yes", "evidence": [placeholder]}]}, methodology)
    assert inputs_hash(methodology, parsed, []) == inputs_hash(methodology, answers, [])
    public = [Answer("MT-2", None, "yes", (Evidence(secret.url, "company", note=secret.note, visibility="public"),))]
    assert inputs_hash(methodology, public, []) != inputs_hash(methodology, answers, [])  # visibility is reviewed too


def test_a_placeholder_has_no_url_or_note(methodology):
    item = {"source_type": "company", "visibility": "confidential", "digest": "ab" * 32, "url": "https://x.example"}
    with pytest.raises(InputError) as raised:
        parse_answers_document({"answers": [{"indicator": "MT-2", "value": "yes", "evidence": [item]}]}, methodology)
    assert [p.field for p in raised.value.problems] == ["evidence[0].url"]
