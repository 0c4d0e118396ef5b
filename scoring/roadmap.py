"""What would raise a grade: every answer short of full credit, biggest gain first.

Meeting an indicator in full changes no denominator (it stays applicable), so the gain of each item is
exact and gains add up: the score after meeting several items is the score plus their gains.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple, Sequence

from scoring.layout import layout_for
from scoring.methodology import GRADE_TOLERANCE, Methodology

if TYPE_CHECKING:
    from scoring.engine import IndicatorResult


class RoadmapItem(NamedTuple):
    # A NamedTuple rather than a frozen dataclass: a roadmap has one per unmet slot, and tuples are
    # several times cheaper to build. It is just as immutable.
    indicator: str
    stage: str | None
    category: str
    gain: float  # points added to the overall score by full credit here
    score_if_met: float  # the overall score with only this item met
    grade_if_met: str


@dataclass(frozen=True)
class Roadmap:
    items: tuple[RoadmapItem, ...]
    next_grade: str | None  # the next better band; None at the top band
    to_next_grade: tuple[RoadmapItem, ...]  # the fewest items, biggest first, that reach next_grade
    reachable: bool  # whether next_grade can be reached at all on this scale


def build_roadmap(methodology: Methodology, scale: str, score: float, grade: str,
                  indicators: Sequence[IndicatorResult]) -> Roadmap:
    """The roadmap for a result; `indicators` are its per-slot results, in slot order."""
    # Walk the slots in (indicator id, stage order) order, then sort by gain: the sort is stable, so
    # equal gains keep that order, as the tie-break asks.
    in_tie_order = map(indicators.__getitem__, layout_for(methodology).tie_order)
    unmet = [(r.possible - r.earned, r) for r in in_tie_order if r.possible > r.earned]
    unmet.sort(key=itemgetter(0), reverse=True)

    bands = methodology.grades[scale]
    items = []
    band = 0
    for gain, r in unmet:
        score_if_met = score + gain
        # Gains descend, so score_if_met does too, and its band (the first whose threshold <= it, as
        # in grade_for) only ever moves down the list.
        while bands[band][1] > score_if_met + GRADE_TOLERANCE:
            band += 1
        items.append(RoadmapItem(r.indicator, r.stage, r.category, gain, score_if_met, bands[band][0]))
    items = tuple(items)

    position = next(k for k, (letter, _) in enumerate(bands) if letter == grade)
    if position == 0:
        return Roadmap(items, None, (), False)
    next_grade, threshold = bands[position - 1]
    reached = score
    for count, item in enumerate(items, start=1):
        reached += item.gain
        if reached + GRADE_TOLERANCE >= threshold:
            return Roadmap(items, next_grade, items[:count], True)
    return Roadmap(items, next_grade, (), False)
