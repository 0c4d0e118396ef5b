"""The weighted means of DESIGN.md "Scoring semantics", on the flat per-slot lists of a Layout.

This is the general path, and the definition: one walk over the indicators that skips N/A slots and
works out each denominator from what is applicable. score() normally runs the generated kernels of
kernels.py instead, which give the same numbers bit for bit; the lazy points per slot use `points`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Sequence

if TYPE_CHECKING:
    from scoring.layout import Layout

# (overall score, per-category scores, per-stage scores); None: left out (nothing applicable)
Scores = tuple[float, list, list]


class Sums(NamedTuple):
    category_num: list[float]  # per category: sum(w_i * v_i) over applicable indicators
    category_den: list[float]  # per category: sum(w_i) over applicable indicators; 0: left out
    indicator_den: list[float]  # per indicator: applicable stage weight (1 unstaged); 0: not applicable
    cell_num: list[float]  # per (category, stage): sum(w_i * v_i,s) over staged indicators applicable at s
    cell_den: list[float]  # per (category, stage): sum(w_i) over the same


def sum_up(layout: Layout, values: Sequence[float], applicable: Sequence[bool]) -> Sums:
    """One pass over the slots: each indicator's stage-weighted mean, added into its category and cells."""
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
    return Sums(category_num, category_den, indicator_den, cell_num, cell_den)


def category_scores(sums: Sums) -> list[float | None]:
    return [100 * n / d if d else None for n, d in zip(sums.category_num, sums.category_den)]


def scored_weight(layout: Layout, scores: list[float | None]) -> float:
    """The weight of the categories that count towards the overall score; 0 when none does."""
    return sum(W for W, s in zip(layout.category_weights, scores) if s is not None)


def weighted_scores(layout: Layout, values: Sequence[float], applicable: Sequence[bool]) -> Scores:
    """The general path: overall, category and stage scores; the overall is 0.0 when nothing is applicable."""
    sums = sum_up(layout, values, applicable)
    scores = category_scores(sums)
    weight = scored_weight(layout, scores)
    overall = sum(W * s for W, s in zip(layout.category_weights, scores) if s is not None) / weight if weight else 0.0
    return overall, scores, stage_scores(layout, sums)


def stage_scores(layout: Layout, sums: Sums) -> list[float | None]:
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


def points(layout: Layout, applicable: Sequence[bool], sums: Sums, weight: float) -> list[float]:
    """Per slot, the points full credit is worth: 100 * (W_c/ΣW) * (w_i/Σw) * (w_s/Σw_s), 0 if N/A.

    These are exactly the terms the overall score is a weighted sum of, so earned = possible * v adds
    up to the score.
    """
    possible = [0.0] * layout.slot_count
    weights = layout.category_weights
    for position, indicator in enumerate(layout.indicators):
        den = sums.indicator_den[position]
        if not den:
            continue  # not applicable at any stage; and a slot can only be applicable if its indicator is
        c = indicator.category
        per_weight = 100 * weights[c] / weight * indicator.weight / sums.category_den[c] / den
        for slot, stage_weight, _ in indicator.slots:
            if applicable[slot]:
                possible[slot] = per_weight * stage_weight
    return possible
