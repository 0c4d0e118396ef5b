"""Scoring: answers + sourcing -> score, grade, breakdown, points per indicator and a roadmap.

Semantics (DESIGN.md, "Scoring semantics"): an answer is worth v in [0, 1]; "na" leaves every
denominator; unanswered is 0. A staged indicator is the stage-weighted mean of its applicable stages,
a category the weighted mean of its applicable indicators (x100), the overall score the weighted mean
of the categories that have any applicable indicator. Grades compare the unrounded score.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from itertools import repeat
from types import MappingProxyType
from typing import Any, Iterable, Mapping, NamedTuple

from scoring.fingerprint import canonical_answer, canonical_json, hash_of_texts
from scoring.inputs import SOURCE_TYPES, Answer, SourcingRecord, answer_value
from scoring.layout import Layout, layout_for
from scoring.methodology import Methodology
from scoring.risk import RiskList, RiskPair, decide_scale
from scoring.roadmap import Roadmap, build_roadmap


class IndicatorResult(NamedTuple):
    # A NamedTuple rather than a frozen dataclass: score() makes one per slot, and tuples are several
    # times cheaper to build. It is just as immutable.
    indicator: str
    category: str
    stage: str | None  # None for an unstaged indicator
    value: str | float | None  # the raw answer; None when unanswered
    applicable: bool
    earned: float  # points this slot adds to the overall score
    possible: float  # points it would add with full credit (0 when not applicable)
    share: float  # possible / 100: its share of the overall score


@dataclass(frozen=True)
class CategoryResult:
    score: float | None  # None: every indicator N/A, so the category is left out of the overall
    grade: str | None


@dataclass(frozen=True)
class StageResult:
    score: float | None  # None: no staged indicator is applicable at this stage


@dataclass(frozen=True)
class EvidenceCoverage:
    """Shares of the answers with a value (not N/A) that are backed by evidence of each kind."""

    any: float
    public: float
    company: float
    third_party: float


@dataclass(frozen=True)
class Coverage:
    answered: float  # share of slots with any answer, "na" included
    evidence: EvidenceCoverage | None  # None when no answer carries evidence


@dataclass(frozen=True)
class Result:
    score: float  # unrounded
    grade: str
    scale: str
    scale_reasons: tuple[str, ...]
    risk_pairs: tuple[RiskPair, ...]
    undisclosed_stages: tuple[str, ...]
    categories: Mapping[str, CategoryResult]
    stages: Mapping[str, StageResult]
    indicators: tuple[IndicatorResult, ...]
    coverage: Coverage
    roadmap: Roadmap
    methodology_id: str
    methodology_version: str
    inputs_hash: str
    notes: tuple[str, ...] = ()  # anything a reader must know to trust the score, e.g. nothing applicable


NOTHING_APPLICABLE = "No indicator is applicable (every answer is N/A), so the score is 0 and the grade is the lowest band."


def score(methodology: Methodology, answers: Iterable[Answer], sourcing: Iterable[SourcingRecord],
          risk_list: RiskList) -> Result:
    """Score validated answers; ValueError for an answer the methodology cannot take (never a silent mis-score)."""
    layout = layout_for(methodology)
    sourcing = tuple(sourcing)
    decision = decide_scale(methodology, sourcing, risk_list)
    read = _read_answers(methodology, layout, answers)
    sums = _sum_up(layout, read)

    category_scores = [100 * n / d if d else None for n, d in zip(sums.category_num, sums.category_den)]
    scored_weight = sum(W for W, s in zip(layout.category_weights, category_scores) if s is not None)
    if scored_weight:
        overall = sum(W * s for W, s in zip(layout.category_weights, category_scores) if s is not None) / scored_weight
        notes: tuple[str, ...] = ()
    else:
        overall, notes = 0.0, (NOTHING_APPLICABLE,)
    indicators = _indicator_results(layout, read, _points(layout, read, sums, scored_weight))

    scale = decision.scale
    grade = methodology.grade_for(overall, scale)
    return Result(
        score=overall,
        grade=grade,
        scale=scale,
        scale_reasons=decision.reasons,
        risk_pairs=decision.risk_pairs,
        undisclosed_stages=decision.undisclosed_stages,
        categories=MappingProxyType({
            category_id: CategoryResult(s, None if s is None else methodology.grade_for(s, scale))
            for category_id, s in zip(layout.category_ids, category_scores)
        }),
        stages=MappingProxyType({
            stage_id: StageResult(s) for stage_id, s in zip(layout.stage_ids, _stage_scores(layout, sums))
        }),
        indicators=indicators,
        coverage=_coverage(layout, read),
        roadmap=build_roadmap(methodology, scale, overall, grade, indicators),
        methodology_id=methodology.id,
        methodology_version=methodology.version,
        inputs_hash=hash_of_texts(methodology, [t for t in read.texts if t is not None], sourcing),
        notes=notes,
    )


class _ReadAnswers(NamedTuple):
    raw: list[Any]  # per slot: the answer's value, or None when unanswered
    values: list[float]  # per slot: v in [0, 1]; 0 when unanswered or N/A
    applicable: list[bool]  # per slot: False when answered "na"
    texts: list[str | None]  # per hash position: the answer's canonical JSON (see fingerprint.py)
    evidenced: list[tuple[Answer, bool]]  # answers that carry evidence, and whether each is applicable


def _read_answers(methodology: Methodology, layout: Layout, answers: Iterable[Answer]) -> _ReadAnswers:
    count = layout.slot_count
    raw: list[Any] = [None] * count
    values = [0.0] * count
    applicable = [True] * count
    texts: list[str | None] = [None] * count
    evidenced: list[tuple[Answer, bool]] = []
    slot_of, text_values, percent = layout.slot_of, layout.slot_text_values, layout.slot_percent
    json_texts, json_prefix, hash_position = layout.slot_json_texts, layout.slot_json_prefix, layout.hash_position

    for answer in answers:
        slot = slot_of.get((answer.indicator, answer.stage))
        if slot is None:
            raise ValueError(f"methodology {methodology.id!r} has no indicator {answer.indicator!r} at stage {answer.stage!r}")
        if raw[slot] is not None:
            raise ValueError(f"{answer.indicator!r} at stage {answer.stage!r} is answered twice")
        value = answer.value
        # The common cases inline (this loop runs once per answer); anything else goes through
        # answer_value, which raises for a value the indicator does not accept.
        if type(value) is str and value in text_values[slot]:
            v = text_values[slot][value]
        elif percent[slot] and type(value) in (int, float) and 0 <= value <= 100:
            v = value / 100
        else:
            v = answer_value(layout.slot_indicator[slot].answer, value)
        if v is None:
            applicable[slot] = False
        else:
            values[slot] = v
        raw[slot] = value

        if answer.evidence:
            texts[hash_position[slot]] = canonical_json(canonical_answer(answer))
            evidenced.append((answer, v is not None))
        elif isinstance(value, str):
            texts[hash_position[slot]] = json_texts[slot][value]
        else:  # json.dumps writes floats with float.__repr__
            texts[hash_position[slot]] = json_prefix[slot] + repr(float(value)) + "}"
    return _ReadAnswers(raw, values, applicable, texts, evidenced)


class _Sums(NamedTuple):
    category_num: list[float]  # per category: sum(w_i * v_i) over applicable indicators
    category_den: list[float]  # per category: sum(w_i) over applicable indicators; 0: left out
    indicator_den: list[float]  # per indicator: applicable stage weight (1 unstaged); 0: not applicable
    cell_num: list[float]  # per (category, stage): sum(w_i * v_i,s) over staged indicators applicable at s
    cell_den: list[float]  # per (category, stage): sum(w_i) over the same


def _sum_up(layout: Layout, read: _ReadAnswers) -> _Sums:
    """One pass over the slots: each indicator's stage-weighted mean, added into its category and cells."""
    values, applicable = read.values, read.applicable
    stage_count = len(layout.stage_ids)
    category_num = [0.0] * len(layout.category_ids)
    category_den = [0.0] * len(layout.category_ids)
    indicator_den = [0.0] * len(layout.indicators)
    cell_num = [0.0] * (len(layout.category_ids) * stage_count)
    cell_den = [0.0] * (len(layout.category_ids) * stage_count)
    for position, indicator in enumerate(layout.indicators):
        c, w = indicator.category, indicator.weight
        num = den = 0.0
        for slot, stage_weight, stage in indicator.slots:
            if applicable[slot]:
                v = values[slot]
                num += stage_weight * v
                den += stage_weight
                if stage >= 0:
                    cell = c * stage_count + stage
                    cell_num[cell] += w * v
                    cell_den[cell] += w
        if den:
            indicator_den[position] = den
            category_num[c] += w * num / den
            category_den[c] += w
    return _Sums(category_num, category_den, indicator_den, cell_num, cell_den)


def _stage_scores(layout: Layout, sums: _Sums) -> list[float | None]:
    """Per stage: category scores from that stage's answers alone, then their category-weighted mean."""
    stage_count = len(layout.stage_ids)
    scores: list[float | None] = []
    for stage in range(stage_count):
        num = den = 0.0
        for c, W in enumerate(layout.category_weights):
            cell = c * stage_count + stage
            if sums.cell_den[cell]:  # the category has an applicable staged indicator at this stage
                num += W * 100 * sums.cell_num[cell] / sums.cell_den[cell]
                den += W
        scores.append(num / den if den else None)
    return scores


def _points(layout: Layout, read: _ReadAnswers, sums: _Sums, scored_weight: float) -> list[float]:
    """Per slot, the points full credit is worth: 100 * (W_c/ΣW) * (w_i/Σw) * (w_s/Σw_s), 0 if N/A.

    These are exactly the terms the overall score is a weighted sum of, so earned = possible * v adds
    up to the score.
    """
    possible = [0.0] * layout.slot_count
    applicable, weights = read.applicable, layout.category_weights
    for position, indicator in enumerate(layout.indicators):
        den = sums.indicator_den[position]
        if not den:
            continue  # not applicable at any stage; and a slot can only be applicable if its indicator is
        c = indicator.category
        per_weight = 100 * weights[c] / scored_weight * indicator.weight / sums.category_den[c] / den
        for slot, stage_weight, _ in indicator.slots:
            if applicable[slot]:
                possible[slot] = per_weight * stage_weight
    return possible


def _indicator_results(layout: Layout, read: _ReadAnswers, possible: list[float]) -> tuple[IndicatorResult, ...]:
    earned = list(map(operator.mul, possible, read.values))
    share = [p / 100 for p in possible]
    return _rows(IndicatorResult, layout.slot_indicator_id, layout.slot_category, layout.slot_stage,
                 read.raw, read.applicable, earned, possible, share)


def _rows(cls: type, *columns: Iterable) -> tuple:
    """NamedTuples built column-wise: tuple.__new__ on zipped columns skips the per-row Python call."""
    return tuple(map(tuple.__new__, repeat(cls), zip(*columns)))


def _coverage(layout: Layout, read: _ReadAnswers) -> Coverage:
    answered = layout.slot_count - read.raw.count(None)
    with_value = answered - read.applicable.count(False)  # answered, and not N/A
    evidence = None
    if read.evidenced and with_value:
        counts = dict.fromkeys(("any", *SOURCE_TYPES), 0)
        for answer, applicable in read.evidenced:
            if applicable:
                counts["any"] += 1
                for source_type in {e.source_type for e in answer.evidence}:
                    if source_type not in SOURCE_TYPES:
                        raise ValueError(f"{answer.indicator!r}: unknown evidence source type {source_type!r}")
                    counts[source_type] += 1
        evidence = EvidenceCoverage(*(counts[kind] / with_value for kind in ("any", *SOURCE_TYPES)))
    return Coverage(answered / layout.slot_count, evidence)


# ---------------------------------------------------------------------------------------------------
# JSON


def result_to_dict(result: Result) -> dict:
    """JSON-ready: scores to one decimal, points to two; None stays null."""
    return {
        "score": round(result.score, 1),
        "grade": result.grade,
        "scale": result.scale,
        "scale_reasons": list(result.scale_reasons),
        "risk_pairs": [
            {
                "stage": p.stage, "good": p.good, "country": p.country_iso2, "country_name": p.country_name,
                "child_labor": p.child_labor, "forced_labor": p.forced_labor,
                "downstream": p.downstream, "input_country": p.input_country_iso2,
            }
            for p in result.risk_pairs
        ],
        "undisclosed_stages": list(result.undisclosed_stages),
        "categories": {cid: {"score": _round(c.score, 1), "grade": c.grade} for cid, c in result.categories.items()},
        "stages": {sid: {"score": _round(s.score, 1)} for sid, s in result.stages.items()},
        "indicators": [
            {
                "indicator": r.indicator, "category": r.category, "stage": r.stage, "value": r.value,
                "applicable": r.applicable, "earned": round(r.earned, 2), "possible": round(r.possible, 2),
                "share": round(r.share, 4),
            }
            for r in result.indicators
        ],
        "coverage": {
            "answered": round(result.coverage.answered, 3),
            "evidence": None if result.coverage.evidence is None else {
                kind: round(getattr(result.coverage.evidence, kind), 3) for kind in ("any", *SOURCE_TYPES)
            },
        },
        "roadmap": {
            "next_grade": result.roadmap.next_grade,
            "reachable": result.roadmap.reachable,
            "items": [_roadmap_item(i) for i in result.roadmap.items],
            "to_next_grade": [_roadmap_item(i) for i in result.roadmap.to_next_grade],
        },
        "notes": list(result.notes),
        "inputs_hash": result.inputs_hash,
        "methodology": {"id": result.methodology_id, "version": result.methodology_version},
    }


def _roadmap_item(item) -> dict:
    return {
        "indicator": item.indicator, "stage": item.stage, "category": item.category,
        "gain": round(item.gain, 2), "score_if_met": round(item.score_if_met, 1), "grade_if_met": item.grade_if_met,
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
