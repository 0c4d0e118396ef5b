"""Index tables the engine needs for one methodology, built once and kept on the methodology object.

A *slot* is one answerable cell: an unstaged indicator, or one stage of a staged indicator. Scoring
works on flat per-slot lists, so the hot loop does list indexing rather than walking the tree and
allocating per answer. Tables that only the lazy parts of a Result need (the roadmap's tie order, the
hash fragments) are built here too; the generated kernels and the full-credit points on first use.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from scoring.fingerprint import slot_texts
from scoring.kernels import Kernel, compile_kernel
from scoring.methodology import GRADE_TOLERANCE, NOT_APPLICABLE, Indicator, Methodology
from scoring.sums import category_scores, points, scored_weight, sum_up

_CACHE_ATTRIBUTE = "_scoring_layout"


@dataclass(frozen=True)
class IndicatorLayout:
    id: str
    category: int  # position of its category
    weight: float
    slots: tuple[tuple[int, float, int], ...]  # (slot, stage weight, stage position); (slot, 1.0, -1) unstaged


@dataclass(frozen=True)
class Layout:
    stage_ids: tuple[str, ...]
    category_ids: tuple[str, ...]
    category_weights: tuple[float, ...]
    indicators: tuple[IndicatorLayout, ...]
    slot_of: dict[tuple[str, str | None], int]  # (indicator id, stage id or None) -> slot
    slot_indicator: tuple[Indicator, ...]
    slot_indicator_id: tuple[str, ...]
    slot_stage: tuple[str | None, ...]
    slot_category: tuple[str, ...]
    # The hot loop's lookup: indicator id -> {stage id or None: (slot, choices)}. `choices` maps every
    # text value a choice slot accepts to its v, with "na" -> None (not applicable); None: a percent slot.
    entry_of: dict[str, dict[str | None, tuple[int, dict[str, float | None] | None]]]
    # Canonical JSON of an answer, prepared per slot (see fingerprint.py): the text up to the value,
    # and the whole text for each accepted text value.
    slot_json_prefix: tuple[str, ...]
    slot_json_texts: tuple[dict[str, str], ...]
    # Positions of each slot when ordered by (indicator id, stage id): the order the inputs hash uses,
    # so sorting answers becomes placing each one at its position.
    hash_position: tuple[int, ...]
    # Slots ordered by (indicator id, stage order): how the roadmap breaks ties between equal gains.
    tie_order: tuple[int, ...]

    # Per scale, Methodology.grade_for with the scale looked up once (see _grader).
    graders: dict[str, Callable[[float | None], str | None]]
    # Scale decisions already made for a sourcing (see engine._scale_decision); bounded there.
    scale_cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def slot_count(self) -> int:
        return len(self.slot_indicator)

    @cached_property
    def kernel(self) -> Kernel | None:
        """Scores when every slot is applicable (see kernels.py); None: use the general path."""
        return compile_kernel(self, partial=False)

    @cached_property
    def partial_kernel(self) -> Kernel | None:
        """Scores when some answers are "na" (see kernels.py); None: use the general path."""
        return compile_kernel(self, partial=True)

    @cached_property
    def full_points(self) -> tuple[float, ...]:
        """Each slot's possible points when every slot is applicable: the denominators do not depend
        on the values then, so neither do the points."""
        everywhere = [True] * self.slot_count
        sums = sum_up(self, [0.0] * self.slot_count, everywhere)
        return tuple(points(self, everywhere, sums, scored_weight(self, category_scores(sums))))


def layout_for(methodology: Methodology) -> Layout:
    """The methodology's layout, built on first use and cached on the (frozen) object itself.

    Keeping it on the object means it lives exactly as long as the methodology, and it is found by
    identity: hashing a whole methodology per call would cost more than the lookup saves.
    """
    layout = methodology.__dict__.get(_CACHE_ATTRIBUTE)
    if layout is None:
        layout = _build(methodology)
        object.__setattr__(methodology, _CACHE_ATTRIBUTE, layout)
    return layout


def _build(methodology: Methodology) -> Layout:
    stages = methodology.stages
    indicators: list[IndicatorLayout] = []
    slot_of: dict[tuple[str, str | None], int] = {}
    slot_indicator: list[Indicator] = []
    slot_stage: list[str | None] = []
    slot_category: list[str] = []
    entry_of: dict[str, dict[str | None, tuple[int, dict[str, float | None] | None]]] = {}
    slot_json_prefix: list[str] = []
    slot_json_texts: list[dict[str, str]] = []

    def add_slot(indicator: Indicator, stage_id: str | None) -> int:
        slot = len(slot_indicator)
        slot_of[(indicator.id, stage_id)] = slot
        slot_indicator.append(indicator)
        slot_stage.append(stage_id)
        slot_category.append(indicator.category_id)
        choices = None if indicator.answer.type == "percent" else {**indicator.answer.options, NOT_APPLICABLE: None}
        entry_of.setdefault(indicator.id, {})[stage_id] = (slot, choices)
        prefix, texts = slot_texts(indicator, stage_id)
        slot_json_prefix.append(prefix)
        slot_json_texts.append(texts)
        return slot

    for position, category in enumerate(methodology.categories):
        for indicator in category.indicators:
            if indicator.staged:
                slots = tuple((add_slot(indicator, s.id), s.weight, k) for k, s in enumerate(stages))
            else:
                slots = ((add_slot(indicator, None), 1.0, -1),)
            indicators.append(IndicatorLayout(indicator.id, position, indicator.weight, slots))

    hash_order = sorted(range(len(slot_indicator)), key=lambda s: (slot_indicator[s].id, slot_stage[s] or ""))
    hash_position = [0] * len(hash_order)
    for position, slot in enumerate(hash_order):
        hash_position[slot] = position

    stage_rank = {s.id: position for position, s in enumerate(stages)}
    tie_order = sorted(range(len(slot_indicator)), key=lambda s: (slot_indicator[s].id, stage_rank.get(slot_stage[s], -1)))

    return Layout(
        stage_ids=tuple(s.id for s in stages),
        category_ids=tuple(c.id for c in methodology.categories),
        category_weights=tuple(c.weight for c in methodology.categories),
        indicators=tuple(indicators),
        slot_of=slot_of,
        slot_indicator=tuple(slot_indicator),
        slot_indicator_id=tuple(i.id for i in slot_indicator),
        slot_stage=tuple(slot_stage),
        slot_category=tuple(slot_category),
        entry_of=entry_of,
        slot_json_prefix=tuple(slot_json_prefix),
        slot_json_texts=tuple(slot_json_texts),
        hash_position=tuple(hash_position),
        tie_order=tuple(tie_order),
        graders={scale: _grader(bands) for scale, bands in methodology.grades.items()},
    )


def _grader(bands: tuple[tuple[str, float], ...]) -> Callable[[float | None], str | None]:
    """grade_for on one scale: the same bisect, for scores the engine made (0..100, never NaN), so
    without grade_for's checks of the scale and the score; five grades per score() call add up.
    No score (a category left out) has no grade."""
    thresholds = [threshold for _, threshold in reversed(bands)]
    letters = [letter for letter, _ in reversed(bands)]

    def grade(score: float | None) -> str | None:
        return None if score is None else letters[bisect_right(thresholds, score + GRADE_TOLERANCE) - 1]

    return grade
