"""What an analyst records for one company: answers (with evidence) and where each stage is sourced.

`parse_answers_document` turns the answers-file shape into dataclasses and reports every problem at
once; `validate_answers` checks answers against a methodology; the `*_to_dicts` functions go back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Sequence

from scoring.methodology import NOT_APPLICABLE, AnswerSpec, Methodology

SOURCE_TYPES = ("public", "company", "third_party")
VISIBILITIES = ("public", "confidential")
EVIDENCE_KEYS = frozenset({"url", "source_type", "note", "date", "visibility"})
PLACEHOLDER_KEYS = frozenset({"source_type", "date", "visibility", "digest"})  # confidential, as an inputs pack shows it


def default_visibility(source_type: str) -> str:
    """Evidence that does not say: a company's own documents are confidential (supplied in confidence),
    public and third-party sources are public."""
    return "confidential" if source_type == "company" else "public"


@dataclass(frozen=True)
class Evidence:
    url: str
    source_type: str  # "public" | "company" | "third_party"
    note: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD) the source was published or accessed
    visibility: str | None = None  # "public" | "confidential"; None: default_visibility(source_type)
    digest: str | None = None  # a confidential item read from an inputs pack: no url or note, only their digest

    def __post_init__(self) -> None:
        if self.visibility is None and isinstance(self.source_type, str):
            object.__setattr__(self, "visibility", default_visibility(self.source_type))


@dataclass(frozen=True)
class Answer:
    indicator: str
    stage: str | None  # None for an unstaged indicator
    value: str | float  # a choice option, a percent 0..100, or "na" (not applicable)
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class SourcingRecord:
    stage: str
    good: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    disclosed: bool = True

    def __post_init__(self) -> None:
        # One spelling per country, so equal records compare, sort and hash alike.
        if isinstance(self.country, str):
            object.__setattr__(self, "country", self.country.strip().upper())


@dataclass(frozen=True)
class AnswerProblem:
    index: int  # position in its list ("answers" or, for fields starting "sourcing.", "sourcing"); -1: the document
    indicator: str | None
    stage: str | None
    field: str
    reason: str


class InputError(ValueError):
    """An answers document has problems; `.problems` lists every one of them."""

    def __init__(self, problems: Sequence[AnswerProblem]):
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        summary = f"; first: {first.field}: {first.reason}" if first else ""
        super().__init__(f"{len(self.problems)} problem(s) in the answers{summary}")


def answer_value(spec: AnswerSpec, value: Any) -> float | None:
    """The answer's value v in [0, 1], or None for "na"; ValueError saying what the indicator accepts."""
    if isinstance(value, str) and value == NOT_APPLICABLE:
        return None
    if spec.type == "choice":
        if isinstance(value, str) and value in spec.options:
            return spec.options[value]
        allowed = ", ".join([*spec.options, NOT_APPLICABLE])
        raise ValueError(f"{value!r} is not an option of this indicator; allowed: {allowed}")
    if not _is_number(value):
        raise ValueError(f"a percent answer must be a number from 0 to 100 or 'na', got {value!r}")
    if not 0 <= value <= 100:
        raise ValueError(f"percent {value!r} is outside 0..100")
    return value / 100


def validate_answers(methodology: Methodology, answers: Sequence[Answer]) -> list[AnswerProblem]:
    """Every problem with every answer (not just the first), in answer order."""
    return _answer_problems(methodology, enumerate(answers))


def _answer_problems(methodology: Methodology, numbered: Iterable[tuple[int, Answer]]) -> list[AnswerProblem]:
    problems: list[AnswerProblem] = []
    stage_ids = {s.id for s in methodology.stages}
    first_seen: dict[tuple[str, str | None], int] = {}
    for index, answer in numbered:
        def problem(field: str, reason: str) -> None:
            problems.append(AnswerProblem(index, answer.indicator, answer.stage, field, reason))

        indicator = methodology.indicator(answer.indicator) if isinstance(answer.indicator, str) else None
        if indicator is None:
            problem("indicator", f"unknown indicator {answer.indicator!r} in methodology {methodology.id!r}")
            continue
        if indicator.staged and answer.stage is None:
            problem("stage", f"indicator {indicator.id} is answered once per stage; give one of: {', '.join(sorted(stage_ids))}")
        elif not indicator.staged and answer.stage is not None:
            problem("stage", f"indicator {indicator.id} is not staged; leave the stage out")
        elif indicator.staged and answer.stage not in stage_ids:
            problem("stage", f"unknown stage {answer.stage!r}; known: {', '.join(sorted(stage_ids))}")
        try:
            answer_value(indicator.answer, answer.value)
        except ValueError as error:
            problem("value", str(error))
        for position, evidence in enumerate(answer.evidence):
            for field, reason in _evidence_problems(evidence):
                problem(f"evidence[{position}].{field}", reason)
        key = (answer.indicator, answer.stage)
        if key in first_seen:
            where = f" at stage {answer.stage}" if answer.stage else ""
            problem("indicator", f"{answer.indicator}{where} is answered twice (first at index {first_seen[key]})")
        else:
            first_seen[key] = index
    return problems


def _evidence_problems(evidence: Any) -> list[tuple[str, str]]:
    if not isinstance(evidence, Evidence):
        return [("url", f"evidence must be an Evidence, got {type(evidence).__name__}")]
    problems = []
    if evidence.digest is not None:
        if evidence.visibility != "confidential" or evidence.url is not None or evidence.note is not None:
            problems.append(("digest", "only a confidential item is given by its digest, without url or note"))
    elif not isinstance(evidence.url, str) or not evidence.url.strip():
        problems.append(("url", "evidence needs a url"))
    if evidence.source_type not in SOURCE_TYPES:
        problems.append(("source_type", f"unknown source type {evidence.source_type!r}; known: {', '.join(SOURCE_TYPES)}"))
    if evidence.note is not None and not isinstance(evidence.note, str):
        problems.append(("note", "a note must be text"))
    if evidence.visibility not in VISIBILITIES:
        problems.append(("visibility", f"unknown visibility {evidence.visibility!r}; known: {', '.join(VISIBILITIES)}"))
    if evidence.date is not None and not _is_iso_date(evidence.date):
        problems.append(("date", f"a date is YYYY-MM-DD, got {evidence.date!r}"))
    return problems


def _is_iso_date(value: Any) -> bool:
    try:
        return isinstance(value, str) and len(value) == 10 and date.fromisoformat(value) is not None
    except ValueError:
        return False


def _is_number(value: Any) -> bool:
    # bool is an int subclass, but `true` is not a percentage.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


# ---------------------------------------------------------------------------------------------------
# The answers document

_ANSWER_KEYS = {"indicator", "stage", "value", "evidence"}
_EVIDENCE_KEYS = EVIDENCE_KEYS
_SOURCING_KEYS = {"stage", "good", "country", "disclosed"}


EvidenceRule = Callable[[dict], dict[str, list[str]]]


def parse_answers_document(
    doc: dict, methodology: Methodology, *, evidence_rule: EvidenceRule | None = None
) -> tuple[list[Answer], list[SourcingRecord]]:
    """Answers and sourcing from an answers document; InputError lists every problem found.

    `evidence_rule` (the service's stricter rules for one evidence item, {field: [problems]}) is
    applied to each evidence item as read; this module stays free of them so it can run anywhere."""
    problems: list[AnswerProblem] = []
    if not isinstance(doc, dict):
        raise InputError([AnswerProblem(-1, None, None, "document", "the answers document must be a JSON object")])
    for key in doc.keys() - {"answers", "sourcing"}:
        problems.append(AnswerProblem(-1, None, None, key, "unknown field (expected 'answers' and 'sourcing')"))
    raw_answers = doc.get("answers")
    raw_sourcing = doc.get("sourcing", [])
    if not isinstance(raw_answers, list):
        problems.append(AnswerProblem(-1, None, None, "answers", "'answers' must be a list"))
        raw_answers = []
    if not isinstance(raw_sourcing, list):
        problems.append(AnswerProblem(-1, None, None, "sourcing", "'sourcing' must be a list"))
        raw_sourcing = []

    numbered: list[tuple[int, Answer]] = []
    for index, entry in enumerate(raw_answers):
        answer = _read_answer(index, entry, problems, evidence_rule)
        if answer is not None:
            numbered.append((index, answer))
    problems.extend(_answer_problems(methodology, numbered))

    sourcing: list[SourcingRecord] = []
    for index, entry in enumerate(raw_sourcing):
        record = _read_sourcing(index, entry, methodology, problems)
        if record is not None:
            sourcing.append(record)

    if problems:
        raise InputError(problems)
    return [answer for _, answer in numbered], sourcing


def _read_answer(index: int, entry: Any, problems: list[AnswerProblem], evidence_rule: EvidenceRule | None = None) -> Answer | None:
    """An Answer from one entry, or None (with problems recorded) when it is too broken to check further."""
    if not isinstance(entry, dict):
        problems.append(AnswerProblem(index, None, None, "answer", "each answer must be a JSON object"))
        return None
    indicator, stage = entry.get("indicator"), entry.get("stage")

    def problem(field: str, reason: str) -> None:
        problems.append(AnswerProblem(index, indicator if isinstance(indicator, str) else None,
                                      stage if isinstance(stage, str) else None, field, reason))

    usable = True
    for key in sorted(entry.keys() - _ANSWER_KEYS):
        problem(key, f"unknown field; an answer has {', '.join(sorted(_ANSWER_KEYS))}")
    if not isinstance(indicator, str) or not indicator:
        problem("indicator", "missing indicator id")
        usable = False
    if stage is not None and not isinstance(stage, str):
        problem("stage", "a stage is a stage id (text)")
        usable = False
    if "value" not in entry or entry["value"] is None:
        problem("value", "missing value (an option, a percent 0..100, or 'na')")
        usable = False
    elif not isinstance(entry["value"], (str, int, float)):
        problem("value", "a value is an option name, a percent number or 'na'")
        usable = False
    evidence = _read_evidence(entry.get("evidence", []), problem, evidence_rule)
    if not usable:
        return None
    return Answer(indicator, stage, entry["value"], evidence)


def _read_evidence(raw: Any, problem, evidence_rule: EvidenceRule | None = None) -> tuple[Evidence, ...]:
    if not isinstance(raw, list):
        problem("evidence", "evidence must be a list")
        return ()
    evidence = []
    for position, item in enumerate(raw):
        field = f"evidence[{position}]"
        if not isinstance(item, dict):
            problem(field, "each evidence item must be a JSON object with url and source_type")
            continue
        if evidence_rule is not None:
            found = evidence_rule(item)
            for key, reasons in found.items():
                for reason in reasons:
                    problem(f"{field}.{key}", reason)
            if found:
                continue
        elif "digest" in item:
            for key in sorted(item.keys() - PLACEHOLDER_KEYS):
                problem(f"{field}.{key}", f"unknown field; a confidential placeholder has {', '.join(sorted(PLACEHOLDER_KEYS))}")
            placeholder = _read_placeholder(item)
            if placeholder is None:
                problem(field, "a confidential placeholder needs a text source_type and digest, and visibility \"confidential\"")
            else:
                evidence.append(placeholder)
            continue
        else:
            for key in sorted(item.keys() - _EVIDENCE_KEYS):
                problem(f"{field}.{key}", f"unknown field; evidence has {', '.join(sorted(_EVIDENCE_KEYS))}")
        url, source_type, note = item.get("url"), item.get("source_type"), item.get("note")
        day, visibility = item.get("date"), item.get("visibility")
        if not isinstance(url, str) or not isinstance(source_type, str) or not all(
                v is None or isinstance(v, str) for v in (note, day, visibility)):
            problem(field, "evidence needs a url and a source_type (text), and optional text note, date and visibility")
            continue
        evidence.append(Evidence(url, source_type, note, day, visibility))  # its values are checked with the answer
    return tuple(evidence)


def _read_placeholder(item: dict) -> Evidence | None:
    """A confidential item as the public inputs pack shows it: its type, date and digest."""
    source_type, digest, day = item.get("source_type"), item.get("digest"), item.get("date")
    if not isinstance(source_type, str) or not isinstance(digest, str) or item.get("visibility") != "confidential":
        return None
    if day is not None and not isinstance(day, str):
        return None
    return Evidence(None, source_type, None, day, "confidential", digest)


def _read_sourcing(index: int, entry: Any, methodology: Methodology, problems: list[AnswerProblem]) -> SourcingRecord | None:
    if not isinstance(entry, dict):
        problems.append(AnswerProblem(index, None, None, "sourcing", "each sourcing record must be a JSON object"))
        return None
    stage = entry.get("stage")
    found: list[AnswerProblem] = []

    def problem(field: str, reason: str) -> None:
        found.append(AnswerProblem(index, None, stage if isinstance(stage, str) else None, f"sourcing.{field}", reason))

    for key in sorted(entry.keys() - _SOURCING_KEYS):
        problem(key, f"unknown field; a sourcing record has {', '.join(sorted(_SOURCING_KEYS))}")
    stage_ids = [s.id for s in methodology.stages]
    if not isinstance(stage, str) or not stage:
        problem("stage", "missing stage id")
    elif stage_ids and stage not in stage_ids:
        # A stage-less methodology has no stages to check against; its records carry a free label.
        problem("stage", f"unknown stage {stage!r}; known: {', '.join(stage_ids)}")
    good, country, disclosed = entry.get("good"), entry.get("country"), entry.get("disclosed", True)
    if good is not None and (not isinstance(good, str) or not good.strip()):
        problem("good", "a good is a name (text), e.g. 'Cotton'")
    if not isinstance(disclosed, bool):
        problem("disclosed", "disclosed is true or false")
    elif disclosed and country is None:
        problem("country", "a disclosed record needs a country (ISO 3166-1 alpha-2); say \"disclosed\": false otherwise")
    if country is not None and not (isinstance(country, str) and len(country) == 2 and country.isascii() and country.isalpha()):
        problem("country", f"a country is a two-letter ISO 3166-1 code such as 'CN', got {country!r}")
    problems.extend(found)
    if found:
        return None
    return SourcingRecord(stage, good, country, disclosed)


# ---------------------------------------------------------------------------------------------------
# Back to plain data, for storage and hashing


def answers_to_dicts(answers: Iterable[Answer]) -> list[dict]:
    """The answers-file shape: stage and evidence appear only when there are some."""
    out = []
    for answer in answers:
        item: dict[str, Any] = {"indicator": answer.indicator}
        if answer.stage is not None:
            item["stage"] = answer.stage
        item["value"] = answer.value
        if answer.evidence:
            item["evidence"] = [_evidence_to_dict(e) for e in answer.evidence]
        out.append(item)
    return out


def _evidence_to_dict(evidence: Evidence) -> dict:
    if evidence.digest is not None:
        return {key: value for key, value in (("source_type", evidence.source_type), ("date", evidence.date),
                                              ("visibility", "confidential"), ("digest", evidence.digest)) if value}
    item = {"url": evidence.url, "source_type": evidence.source_type}
    if evidence.note is not None:
        item["note"] = evidence.note
    if evidence.date is not None:
        item["date"] = evidence.date
    if evidence.visibility != default_visibility(evidence.source_type):
        item["visibility"] = evidence.visibility  # the answers file says it only where it is not the default
    return item


def sourcing_to_dicts(sourcing: Iterable[SourcingRecord]) -> list[dict]:
    out = []
    for record in sourcing:
        item: dict[str, Any] = {"stage": record.stage}
        if record.good is not None:
            item["good"] = record.good
        if record.country is not None:
            item["country"] = record.country
        if not record.disclosed:
            item["disclosed"] = False
        out.append(item)
    return out
