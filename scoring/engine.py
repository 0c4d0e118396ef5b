"""Scoring: answers + sourcing -> score, grade, breakdown, points per indicator and a roadmap.

Semantics (DESIGN.md, "Scoring semantics"): an answer is worth v in [0, 1]; "na" leaves every
denominator; unanswered is 0. A staged indicator is the stage-weighted mean of its applicable stages,
a category the weighted mean of its applicable indicators (x100), the overall score the weighted mean
of the categories that have any applicable indicator. Grades compare the unrounded score.

score() does only what ranking needs (scale, scores, grades); a Result works out its per-slot detail
(points, roadmap, coverage, inputs hash) when first read. The arithmetic is defined in sums.py;
kernels.py generates the fast, bit-identical version score() runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from operator import attrgetter, mul
from types import MappingProxyType
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from scoring.fingerprint import canonical_answer, canonical_json, hash_of_texts
from scoring.inputs import SOURCE_TYPES, Answer, SourcingRecord, answer_value
from scoring.layout import Layout, layout_for
from scoring.methodology import NOT_APPLICABLE, Methodology
from scoring.risk import RiskList, RiskPair, ScaleDecision, decide_scale
from scoring.roadmap import Roadmap, build_roadmap
from scoring.sums import Scores, category_scores, points, scored_weight, sum_up, weighted_scores


class IndicatorResult(NamedTuple):
    # A NamedTuple rather than a frozen dataclass: a Result makes one per slot, and tuples are several
    # times cheaper to build. It is just as immutable.
    indicator: str
    category: str
    stage: str | None  # None for an unstaged indicator
    value: str | float | None  # the raw answer; None when unanswered
    applicable: bool
    earned: float  # points this slot adds to the overall score
    possible: float  # points it would add with full credit (0 when not applicable)
    share: float  # possible / 100: its share of the overall score


# CategoryResult, StageResult and Result are frozen dataclasses with a hand-written __init__ that
# writes the fields straight into the instance dict. The generated one calls object.__setattr__ per
# field, which took about a sixth of score() (it makes eight of these per call). Same fields, same
# immutability (assignment still raises FrozenInstanceError), same eq, hash and repr.


@dataclass(frozen=True, init=False)
class CategoryResult:
    score: float | None  # None: every indicator N/A, so the category is left out of the overall
    grade: str | None

    def __init__(self, score: float | None, grade: str | None):
        fields = self.__dict__
        fields["score"] = score
        fields["grade"] = grade


@dataclass(frozen=True, init=False)
class StageResult:
    score: float | None  # None: no staged indicator is applicable at this stage

    def __init__(self, score: float | None):
        self.__dict__["score"] = score


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


# The public fields of a Result, in the order equality and repr use (the order they were declared in
# before some became lazy).
RESULT_FIELDS = (
    "score", "grade", "scale", "scale_reasons", "risk_pairs", "undisclosed_stages", "categories", "stages",
    "indicators", "coverage", "roadmap", "methodology_id", "methodology_version", "inputs_hash", "notes",
)
_public_fields = attrgetter(*RESULT_FIELDS)


class _Inputs(NamedTuple):
    """What score() keeps for the lazy fields: its own copies of the inputs, and the values it read."""

    methodology: Methodology
    answers: tuple[Answer, ...]
    sourcing: tuple[SourcingRecord, ...]
    values: list[float]  # per slot: v in [0, 1]; 0 when unanswered or N/A
    not_applicable: list[int]  # slots answered "na"
    evidenced: list[tuple[Answer, bool]]  # answers that carry evidence, and whether each is applicable


@dataclass(frozen=True, init=False)
class Result:
    """What score() returns; immutable.

    score() computes the fields declared here: what bulk ranking reads. `indicators`, `coverage`,
    `roadmap` and `inputs_hash` are worked out on first access (then kept), from copies of the inputs
    that score() holds on to, so they are the same whenever they are read. Equality compares every
    public field, lazy ones included.
    """

    score: float  # unrounded
    grade: str
    scale: str
    scale_reasons: tuple[str, ...]
    risk_pairs: tuple[RiskPair, ...]
    undisclosed_stages: tuple[str, ...]
    categories: Mapping[str, CategoryResult]
    stages: Mapping[str, StageResult]
    methodology_id: str
    methodology_version: str
    notes: tuple[str, ...] = ()  # anything a reader must know to trust the score, e.g. nothing applicable
    _inputs: _Inputs | None = field(default=None, repr=False, compare=False)

    def __init__(self, score: float, grade: str, scale: str, scale_reasons: tuple[str, ...],
                 risk_pairs: tuple[RiskPair, ...], undisclosed_stages: tuple[str, ...],
                 categories: Mapping[str, CategoryResult], stages: Mapping[str, StageResult], methodology_id: str,
                 methodology_version: str, notes: tuple[str, ...] = (), _inputs: _Inputs | None = None):
        self.__dict__.update({
            "score": score, "grade": grade, "scale": scale, "scale_reasons": scale_reasons, "risk_pairs": risk_pairs,
            "undisclosed_stages": undisclosed_stages, "categories": categories, "stages": stages,
            "methodology_id": methodology_id, "methodology_version": methodology_version, "notes": notes,
            "_inputs": _inputs,
        })

    @cached_property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        """Points per slot, in slot order (categories, indicators and stages in file order)."""
        layout, read = self._layout, self._inputs
        possible = self._possible
        earned = list(map(mul, possible, read.values))
        share = [p / 100 for p in possible]
        return _rows(IndicatorResult, layout.slot_indicator_id, layout.slot_category, layout.slot_stage,
                     self._answer_table[0], self._applicable, earned, possible, share)

    @cached_property
    def coverage(self) -> Coverage:
        return _coverage(self._layout, self._inputs)

    @cached_property
    def roadmap(self) -> Roadmap:
        return build_roadmap(self._inputs.methodology, self.scale, self.score, self.grade, self.indicators)

    @cached_property
    def inputs_hash(self) -> str:
        texts = self._answer_table[1]
        return hash_of_texts(self._inputs.methodology, [t for t in texts if t is not None], self._inputs.sourcing)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _public_fields(self) == _public_fields(other)

    def __repr__(self) -> str:
        return f"Result({', '.join(f'{name}={getattr(self, name)!r}' for name in RESULT_FIELDS)})"

    # What the lazy fields share, each worked out once.

    @property
    def _layout(self) -> Layout:
        return layout_for(self._inputs.methodology)

    @cached_property
    def _applicable(self) -> list[bool]:
        return _applicable_slots(self._layout.slot_count, self._inputs.not_applicable)

    @cached_property
    def _possible(self) -> Sequence[float]:
        layout, read = self._layout, self._inputs
        if not read.not_applicable:
            return layout.full_points  # the same numbers: with every slot applicable they are fixed
        sums = sum_up(layout, read.values, self._applicable)
        return points(layout, self._applicable, sums, scored_weight(layout, category_scores(sums)))

    @cached_property
    def _answer_table(self) -> tuple[list[Any], list[str | None]]:
        return _answer_table(self._layout, self._inputs.answers)


NOTHING_APPLICABLE = "No indicator is applicable (every answer is N/A), so the score is 0 and the grade is the lowest band."


def score(methodology: Methodology, answers: Iterable[Answer], sourcing: Iterable[SourcingRecord],
          risk_list: RiskList) -> Result:
    """Score validated answers; ValueError for an answer the methodology cannot take (never a silent mis-score).

    This computes the scale, the scores and the grades; the per-slot detail is left to the Result,
    which works it out when first read.
    """
    layout = layout_for(methodology)
    answers, sourcing = tuple(answers), tuple(sourcing)  # our own copies, for the lazy fields
    decision = _scale_decision(methodology, layout, sourcing, risk_list)
    values, not_applicable, evidenced = _read_fast(layout, answers) or _read_carefully(methodology, layout, answers)
    if evidenced:
        _check_evidence(evidenced)

    overall, category_scores_, stage_scores = _scores(layout, values, not_applicable)
    nothing_applicable = category_scores_.count(None) == len(category_scores_)

    scale = decision.scale
    grade = layout.graders[scale]  # None for None: a category left out has no grade
    categories = map(CategoryResult, category_scores_, map(grade, category_scores_))
    return Result(
        score=overall,
        grade=grade(overall),
        scale=scale,
        scale_reasons=decision.reasons,
        risk_pairs=decision.risk_pairs,
        undisclosed_stages=decision.undisclosed_stages,
        categories=MappingProxyType(dict(zip(layout.category_ids, categories))),
        stages=MappingProxyType(dict(zip(layout.stage_ids, map(StageResult, stage_scores)))),
        methodology_id=methodology.id,
        methodology_version=methodology.version,
        notes=(NOTHING_APPLICABLE,) if nothing_applicable else (),
        # tuple.__new__ skips the NamedTuple's Python-level __new__; the fields are as declared
        _inputs=tuple.__new__(_Inputs, (methodology, answers, sourcing, values, not_applicable, evidenced)),
    )


def _scores(layout: Layout, values: list[float], not_applicable: list[int]) -> Scores:
    """Overall, category and stage scores, from the methodology's generated kernel for the case (with
    or without N/A answers) or, for a methodology the generator does not take, the general walk."""
    if not not_applicable:
        if layout.kernel is not None:
            return layout.kernel(values)
    elif layout.partial_kernel is not None:
        applicable = [1.0] * layout.slot_count
        for slot in not_applicable:
            applicable[slot] = 0.0
        return layout.partial_kernel(values, applicable)
    return weighted_scores(layout, values, _applicable_slots(layout.slot_count, not_applicable))


# ---------------------------------------------------------------------------------------------------
# The scale

SCALE_CACHE_SIZE = 1024  # distinct sourcings remembered per methodology
_sourcing_key = attrgetter("stage", "good", "country", "disclosed")  # all that decide_scale reads of a record


def _scale_decision(methodology: Methodology, layout: Layout, sourcing: tuple[SourcingRecord, ...],
                    risk_list: RiskList) -> ScaleDecision:
    """decide_scale, remembered per distinct sourcing: bulk scoring meets the same few supply chains
    again and again, and the decision depends only on the records, the methodology and the risk list."""
    key = tuple(map(_sourcing_key, sourcing))
    cache = layout.scale_cache  # one per methodology
    cached = cache.get(key)
    if cached is not None and cached[0] is risk_list:
        return cached[1]
    decision = decide_scale(methodology, sourcing, risk_list)
    if len(cache) >= SCALE_CACHE_SIZE:
        cache.clear()  # bounded; a miss only costs one decide_scale
    cache[key] = (risk_list, decision)
    return decision


# ---------------------------------------------------------------------------------------------------
# Reading the answers

_Read = tuple[list[float], list[int], list[tuple[Answer, bool]]]  # values, N/A slots, evidenced answers
_PLAIN_NUMBERS = (float, int)  # exactly these: bool is an int subclass, and answer_value vets the rest


def _read_fast(layout: Layout, answers: tuple[Answer, ...]) -> _Read | None:
    """Each answer's v at its slot: one nested dict lookup per answer, and no tuple or dict made for it.

    None when any answer is not of the everyday kind (unknown, answered twice, not an accepted value,
    a number that is not exactly int or float): `_read_carefully` then reads them all again and
    raises for the first bad one, as answer_value words it. What this accepts, answer_value accepts
    with the same v.
    """
    entry_of = layout.entry_of
    values: list = [None] * layout.slot_count  # None: unanswered so far
    not_applicable: list[int] = []
    evidenced: list[tuple[Answer, bool]] = []
    try:
        for answer in answers:
            slot, choices = entry_of[answer.indicator][answer.stage]
            if values[slot] is not None:
                return None  # answered twice
            if choices is not None:
                v = choices[answer.value]  # an option's v, or None for "na"
            else:
                value = answer.value
                if type(value) in _PLAIN_NUMBERS and 0 <= value <= 100:  # NaN fails too
                    v = value / 100
                elif type(value) is str and value == NOT_APPLICABLE:
                    v = None
                else:
                    return None
            if answer.evidence:
                evidenced.append((answer, v is not None))
            if v is None:
                not_applicable.append(slot)
                v = 0.0
            values[slot] = v
    except (KeyError, TypeError):  # unknown indicator, stage or option; or an unhashable one
        return None
    return _unanswered_as_zero(values, len(answers)), not_applicable, evidenced


def _read_carefully(methodology: Methodology, layout: Layout, answers: tuple[Answer, ...]) -> _Read:
    """What _read_fast gives, checking each answer in turn; ValueError for the first one that is wrong."""
    values: list = [None] * layout.slot_count
    not_applicable: list[int] = []
    evidenced: list[tuple[Answer, bool]] = []
    for answer in answers:
        slot = layout.slot_of.get((answer.indicator, answer.stage))
        if slot is None:
            raise ValueError(f"methodology {methodology.id!r} has no indicator {answer.indicator!r} at stage {answer.stage!r}")
        if values[slot] is not None:
            raise ValueError(f"{answer.indicator!r} at stage {answer.stage!r} is answered twice")
        v = answer_value(layout.slot_indicator[slot].answer, answer.value)
        if answer.evidence:
            evidenced.append((answer, v is not None))
        if v is None:
            not_applicable.append(slot)
            v = 0.0
        values[slot] = v
    return _unanswered_as_zero(values, len(answers)), not_applicable, evidenced


def _unanswered_as_zero(values: list, answered: int) -> list[float]:
    # Every answer filled a slot of its own, so when there are as many answers as slots, none is left.
    return values if answered == len(values) else [0.0 if v is None else v for v in values]


def _applicable_slots(slot_count: int, not_applicable: list[int]) -> list[bool]:
    applicable = [True] * slot_count
    for slot in not_applicable:
        applicable[slot] = False
    return applicable


def _check_evidence(evidenced: list[tuple[Answer, bool]]) -> None:
    """Evidence of an unknown kind is refused when scoring, as before coverage became lazy."""
    for answer, applicable in evidenced:
        if applicable:
            for source_type in {e.source_type for e in answer.evidence}:
                if source_type not in SOURCE_TYPES:
                    raise ValueError(f"{answer.indicator!r}: unknown evidence source type {source_type!r}")


# ---------------------------------------------------------------------------------------------------
# The lazy detail


def _answer_table(layout: Layout, answers: tuple[Answer, ...]) -> tuple[list[Any], list[str | None]]:
    """Per slot, the raw answer (None: unanswered); per hash position, the answer's canonical JSON."""
    raw: list[Any] = [None] * layout.slot_count
    texts: list[str | None] = [None] * layout.slot_count
    slot_of, hash_position = layout.slot_of, layout.hash_position
    json_texts, json_prefix = layout.slot_json_texts, layout.slot_json_prefix
    for answer in answers:  # already checked by score()
        slot = slot_of[(answer.indicator, answer.stage)]
        value = raw[slot] = answer.value
        if answer.evidence:
            texts[hash_position[slot]] = canonical_json(canonical_answer(answer))
        elif isinstance(value, str):
            texts[hash_position[slot]] = json_texts[slot][value]
        else:  # json.dumps writes floats with float.__repr__
            texts[hash_position[slot]] = json_prefix[slot] + repr(float(value)) + "}"
    return raw, texts


def _rows(cls: type, *columns: Iterable) -> tuple:
    """NamedTuples built column-wise: tuple.__new__ on zipped columns skips the per-row Python call."""
    return tuple(map(tuple.__new__, repeat(cls), zip(*columns)))


def _coverage(layout: Layout, read: _Inputs) -> Coverage:
    answered = len(read.answers)  # each answer has a slot of its own
    with_value = answered - len(read.not_applicable)  # answered, and not N/A
    evidence = None
    if read.evidenced and with_value:
        counts = dict.fromkeys(("any", *SOURCE_TYPES), 0)
        for answer, applicable in read.evidenced:
            if applicable:
                counts["any"] += 1
                for source_type in {e.source_type for e in answer.evidence}:
                    counts[source_type] += 1  # known: score() checked
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
        "indicators": [  # unpacked rather than read by name: a fifth faster over ~100 rows
            {
                "indicator": indicator, "category": category, "stage": stage, "value": value,
                "applicable": applicable, "earned": round(earned, 2), "possible": round(possible, 2),
                "share": round(share, 4),
            }
            for indicator, category, stage, value, applicable, earned, possible, share in result.indicators
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
            "items": _roadmap_items(result.roadmap.items),
            "to_next_grade": _roadmap_items(result.roadmap.to_next_grade),
        },
        "notes": list(result.notes),
        "inputs_hash": result.inputs_hash,
        "methodology": {"id": result.methodology_id, "version": result.methodology_version},
    }


def _roadmap_items(items) -> list[dict]:
    return [
        {
            "indicator": indicator, "stage": stage, "category": category,
            "gain": round(gain, 2), "score_if_met": round(score_if_met, 1), "grade_if_met": grade_if_met,
        }
        for indicator, stage, category, gain, score_if_met, grade_if_met in items
    ]


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
