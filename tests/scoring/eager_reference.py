"""The engine as it was before its detail became lazy: every field computed eagerly, in one go.

A reference for tests only. It is the previous score() and result_to_dict() (commit 49d7efb,
scoring/engine.py) with their arithmetic kept verbatim: one general walk over the slots, no generated
kernel, no scale cache, no lazy fields. It shares the methodology's index tables (scoring/layout.py)
and the unchanged helpers (decide_scale, build_roadmap, the hash fragments). The new engine must give
exactly these values.
"""

from __future__ import annotations

import operator
from itertools import repeat
from types import MappingProxyType, SimpleNamespace
from typing import Any, Iterable, NamedTuple

from scoring import Answer, CategoryResult, Coverage, EvidenceCoverage, IndicatorResult, StageResult, decide_scale
from scoring.engine import NOTHING_APPLICABLE, RESULT_FIELDS
from scoring.fingerprint import canonical_answer, canonical_json, hash_of_texts
from scoring.inputs import SOURCE_TYPES, answer_value
from scoring.layout import Layout, layout_for
from scoring.roadmap import build_roadmap


def eager_score(methodology, answers, sourcing, risk_list) -> SimpleNamespace:
    """Every public field of a Result, by name, computed the old way."""
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
    fields = dict(
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
    assert set(fields) == set(RESULT_FIELDS)
    return SimpleNamespace(**fields)


class _ReadAnswers(NamedTuple):
    raw: list[Any]
    values: list[float]
    applicable: list[bool]
    texts: list[str | None]
    evidenced: list[tuple[Answer, bool]]


def _read_answers(methodology, layout: Layout, answers: Iterable[Answer]) -> _ReadAnswers:
    # As before, but every value goes through answer_value (the old inline cases were a subset of it).
    count = layout.slot_count
    raw: list[Any] = [None] * count
    values = [0.0] * count
    applicable = [True] * count
    texts: list[str | None] = [None] * count
    evidenced: list[tuple[Answer, bool]] = []
    for answer in answers:
        slot = layout.slot_of.get((answer.indicator, answer.stage))
        if slot is None:
            raise ValueError(f"methodology {methodology.id!r} has no indicator {answer.indicator!r} at stage {answer.stage!r}")
        if raw[slot] is not None:
            raise ValueError(f"{answer.indicator!r} at stage {answer.stage!r} is answered twice")
        value = answer.value
        v = answer_value(layout.slot_indicator[slot].answer, value)
        if v is None:
            applicable[slot] = False
        else:
            values[slot] = v
        raw[slot] = value
        position = layout.hash_position[slot]
        if answer.evidence:
            texts[position] = canonical_json(canonical_answer(answer))
            evidenced.append((answer, v is not None))
        elif isinstance(value, str):
            texts[position] = layout.slot_json_texts[slot][value]
        else:
            texts[position] = layout.slot_json_prefix[slot] + repr(float(value)) + "}"
    return _ReadAnswers(raw, values, applicable, texts, evidenced)


class _Sums(NamedTuple):
    category_num: list[float]
    category_den: list[float]
    indicator_den: list[float]
    cell_num: list[float]
    cell_den: list[float]


def _sum_up(layout: Layout, read: _ReadAnswers) -> _Sums:
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
    stage_count = len(layout.stage_ids)
    scores: list[float | None] = []
    for stage in range(stage_count):
        num = den = 0.0
        for c, W in enumerate(layout.category_weights):
            cell = c * stage_count + stage
            if sums.cell_den[cell]:
                num += W * 100 * sums.cell_num[cell] / sums.cell_den[cell]
                den += W
        scores.append(num / den if den else None)
    return scores


def _points(layout: Layout, read: _ReadAnswers, sums: _Sums, scored_weight: float) -> list[float]:
    possible = [0.0] * layout.slot_count
    applicable, weights = read.applicable, layout.category_weights
    for position, indicator in enumerate(layout.indicators):
        den = sums.indicator_den[position]
        if not den:
            continue
        c = indicator.category
        per_weight = 100 * weights[c] / scored_weight * indicator.weight / sums.category_den[c] / den
        for slot, stage_weight, _ in indicator.slots:
            if applicable[slot]:
                possible[slot] = per_weight * stage_weight
    return possible


def _indicator_results(layout: Layout, read: _ReadAnswers, possible: list[float]) -> tuple[IndicatorResult, ...]:
    earned = list(map(operator.mul, possible, read.values))
    share = [p / 100 for p in possible]
    columns = (layout.slot_indicator_id, layout.slot_category, layout.slot_stage, read.raw, read.applicable,
               earned, possible, share)
    return tuple(map(tuple.__new__, repeat(IndicatorResult), zip(*columns)))


def _coverage(layout: Layout, read: _ReadAnswers) -> Coverage:
    answered = layout.slot_count - read.raw.count(None)
    with_value = answered - read.applicable.count(False)
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
# The previous result_to_dict, verbatim but for its name


def eager_result_to_dict(result) -> dict:
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
