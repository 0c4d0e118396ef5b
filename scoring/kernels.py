"""Generated straight-line code for the weighted means: the hot path of score().

sums.sum_up walks the methodology for every assessment, with a branch per slot for N/A and a list
update for every sum. Which operations it performs, and in which order, depends only on the
methodology and on which slots are applicable. So once per methodology that sequence is written out
as a Python function (as namedtuple and dataclasses write their methods) and compiled. Two kernels:

- full kernel, `kernel(values)`: no answer is "na". Every denominator is then fixed by the
  methodology; they are worked out here, with sum_up's additions, and written in as literals.
- partial kernel, `kernel(values, applicable)`: some answers are "na"; `applicable` holds 1.0 or 0.0
  per slot. A slot that is not applicable adds 0.0 where sum_up skips it (its v is 0.0, and its
  weight times 0.0 goes into the denominator), and an indicator, category or cell with nothing
  applicable is left out, as sum_up leaves it out.

Both perform sum_up's multiplications, divisions and additions in sum_up's order, so their scores are
bit-identical to `sums.weighted_scores` (tests/scoring/test_lazy_result.py holds them to it). The only
liberties are exact ones: `1.0 * x` and `x / 1.0` are left out; adding 0.0 changes no sum here (every
partial sum is >= +0.0); an indicator's own stage sum does not start from 0.0, which could only turn a
-0.0 into 0.0 before it joins a category sum that does start from 0.0; and constants are written as
floats (`3.0 * v` is `3 * v` bit for bit, but only float-by-float operations take CPython's fast path).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from scoring.layout import IndicatorLayout, Layout
    from scoring.sums import Scores

Kernel = Callable[..., "Scores"]


def compile_kernel(layout: Layout, partial: bool) -> Kernel | None:
    """The full kernel, or with `partial` the N/A-aware one; None when the methodology falls outside
    what the generator handles (see `_can_generate`), and the general path does the work."""
    source = partial_kernel_source(layout) if partial else full_kernel_source(layout)
    if source is None:
        return None
    name = "partial" if partial else "full"
    try:
        code = compile(source, f"<{name} scoring kernel, {len(layout.indicators)} indicators>", "exec")
    except (RecursionError, MemoryError, SyntaxError):  # a huge methodology: the general path copes
        return None
    namespace: dict = {}
    exec(code, namespace)
    return namespace["kernel"]


def full_kernel_source(layout: Layout) -> str | None:
    """`values -> (overall, category scores, stage scores)` when every slot is applicable."""
    if not _can_generate(layout):
        return None
    stage_count = len(layout.stage_ids)
    terms: list[list[str]] = [[] for _ in layout.category_ids]  # per category: w * num / den, per indicator
    category_den = [0.0] * len(layout.category_ids)
    cells: dict[int, list[str]] = {}  # per (category, stage) cell: w * v, per staged slot
    cell_den: dict[int, float] = {}
    for indicator in layout.indicators:
        c, w = indicator.category, indicator.weight
        den = 0.0
        for slot, stage_weight, stage in indicator.slots:
            den += stage_weight
            if stage >= 0:
                cell = c * stage_count + stage
                cells.setdefault(cell, []).append(_times(w, f"v{slot}"))
                cell_den[cell] = cell_den.get(cell, 0.0) + w
        terms[c].append(_times(w, _stage_sum(indicator)) + ("" if den == 1.0 else f" / {_float(den)}"))
        category_den[c] += w

    lines = ["def kernel(values):", _unpack(layout, "values", "v")]
    for c, category_terms in enumerate(terms):
        lines.append(f"    c{c} = 100.0 * ({_sum(category_terms)}) / {_float(category_den[c])}")
    scored = sum(layout.category_weights)  # every category is scored: each has an applicable indicator
    overall = _sum(_times(W, f"c{c}") for c, W in enumerate(layout.category_weights))
    lines.append(f"    overall = ({overall}) / {_float(scored)}")
    stages = []
    for stage in range(stage_count):
        parts, den = [], 0.0
        for c, W in enumerate(layout.category_weights):
            cell = c * stage_count + stage
            if cell in cells:
                parts.append(f"{_float(W * 100)} * ({_sum(cells[cell])}) / {_float(cell_den[cell])}")
                den += W
        stages.append(f"({_sum(parts)}) / {_float(den)}" if parts else "None")
    lines.append(f"    return overall, [{', '.join(f'c{c}' for c in range(len(terms)))}], [{', '.join(stages)}]")
    return "\n".join(lines) + "\n"


def partial_kernel_source(layout: Layout) -> str | None:
    """`values, applicable -> (overall, category scores, stage scores)` when some slots are N/A."""
    if not _can_generate(layout):
        return None
    stage_count = len(layout.stage_ids)
    lines = ["def kernel(values, applicable):", _unpack(layout, "values", "v"), _unpack(layout, "applicable", "a")]
    terms: list[list[str]] = [[] for _ in layout.category_ids]
    dens: list[list[str]] = [[] for _ in layout.category_ids]  # per category: w if the indicator counts
    cells: dict[int, list[str]] = {}
    cell_dens: dict[int, list[str]] = {}
    for position, indicator in enumerate(layout.indicators):
        c, w, d = indicator.category, indicator.weight, f"d{position}"
        den = " + ".join(_times(stage_weight, f"a{slot}") for slot, stage_weight, _ in indicator.slots)
        lines.append(f"    {d} = {den}")  # no 0.0 start: each term is +0.0 or positive
        terms[c].append(f"({_times(w, _stage_sum(indicator))} / {d} if {d} else 0.0)")
        dens[c].append(f"({_float(w)} if {d} else 0.0)")
        for slot, _, stage in indicator.slots:
            if stage >= 0:
                cell = c * stage_count + stage
                cells.setdefault(cell, []).append(_times(w, f"v{slot}"))
                cell_dens.setdefault(cell, []).append(_times(w, f"a{slot}"))

    for c, category_terms in enumerate(terms):
        lines.append(f"    cd{c} = {_sum(dens[c])}")
        lines.append(f"    c{c} = 100.0 * ({_sum(category_terms)}) / cd{c} if cd{c} else None")
    weights = list(enumerate(layout.category_weights))
    lines.append(f"    scored = {_sum(f'({_float(W)} if c{c} is not None else 0.0)' for c, W in weights)}")
    overall = _sum(f"({_times(W, f'c{c}')} if c{c} is not None else 0.0)" for c, W in weights)
    lines.append(f"    overall = ({overall}) / scored if scored else 0.0")
    stages = []
    for stage in range(stage_count):
        parts, den = [], []
        for c, W in weights:
            cell, k = c * stage_count + stage, f"k{c * stage_count + stage}"
            if cell in cells:
                lines.append(f"    {k} = {_sum(cell_dens[cell])}")
                parts.append(f"({_float(W * 100)} * ({_sum(cells[cell])}) / {k} if {k} else 0.0)")
                den.append(f"({_float(W)} if {k} else 0.0)")
        if parts:
            lines.append(f"    sd{stage} = {_sum(den)}")
            stages.append(f"({_sum(parts)}) / sd{stage} if sd{stage} else None")
        else:
            stages.append("None")
    lines.append(f"    return overall, [{', '.join(f'c{c}' for c in range(len(terms)))}], [{', '.join(stages)}]")
    return "\n".join(lines) + "\n"


def _can_generate(layout: Layout) -> bool:
    """Weights are written in as float literals and assumed to make every denominator positive, and
    every category needs an indicator (the loader ensures all of this for methodology files)."""
    weights = [*layout.category_weights, *(i.weight for i in layout.indicators),
               *(w for i in layout.indicators for _, w, _ in i.slots)]
    categories_with_indicators = {i.category for i in layout.indicators}
    return (
        all(type(w) in (int, float) and math.isfinite(w) and 0 < w < 2**53 for w in weights)  # ints convert exactly
        and len(categories_with_indicators) == len(layout.category_ids)
    )


def _unpack(layout: Layout, name: str, prefix: str) -> str:
    return "    " + "".join(f"{prefix}{s}, " for s in range(layout.slot_count)) + f"= {name}"


def _stage_sum(indicator: IndicatorLayout) -> str:
    """sum(w_s * v_s) over the indicator's slots: a name, or a bracketed sum."""
    products = [_times(stage_weight, f"v{slot}") for slot, stage_weight, _ in indicator.slots]
    return products[0] if len(products) == 1 and products[0].startswith("v") else f"({' + '.join(products)})"


def _times(weight: float, operand: str) -> str:
    """weight * operand, where operand is a name or a bracketed expression (so no regrouping)."""
    return operand if weight == 1 else f"{_float(weight)} * {operand}"


def _sum(terms) -> str:
    """A sum that starts from 0.0, as sum_up's sums do."""
    return " + ".join(["0.0", *terms])


def _float(number: float) -> str:
    """A float literal; repr round-trips exactly."""
    return repr(float(number))
