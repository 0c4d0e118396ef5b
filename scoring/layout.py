"""Index tables the engine needs for one methodology, built once and kept on the methodology object.

A *slot* is one answerable cell: an unstaged indicator, or one stage of a staged indicator. Scoring
works on flat per-slot lists, so the hot loop does list indexing rather than walking the tree and
allocating per answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.fingerprint import slot_texts
from scoring.methodology import NOT_APPLICABLE, Indicator, Methodology

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
    slot_percent: tuple[bool, ...]
    # Every text value a slot accepts -> its v: a choice's options, and "na" -> None (not applicable).
    slot_text_values: tuple[dict[str, float | None], ...]
    # Canonical JSON of an answer, prepared per slot (see fingerprint.py): the text up to the value,
    # and the whole text for each accepted text value.
    slot_json_prefix: tuple[str, ...]
    slot_json_texts: tuple[dict[str, str], ...]
    # Positions of each slot when ordered by (indicator id, stage id): the order the inputs hash uses,
    # so sorting answers becomes placing each one at its position.
    hash_position: tuple[int, ...]
    # Slots ordered by (indicator id, stage order): how the roadmap breaks ties between equal gains.
    tie_order: tuple[int, ...]

    @property
    def slot_count(self) -> int:
        return len(self.slot_indicator)


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
    slot_percent: list[bool] = []
    slot_text_values: list[dict[str, float | None]] = []
    slot_json_prefix: list[str] = []
    slot_json_texts: list[dict[str, str]] = []

    def add_slot(indicator: Indicator, stage_id: str | None) -> int:
        slot = len(slot_indicator)
        slot_of[(indicator.id, stage_id)] = slot
        slot_indicator.append(indicator)
        slot_stage.append(stage_id)
        slot_category.append(indicator.category_id)
        slot_percent.append(indicator.answer.type == "percent")
        slot_text_values.append({**(indicator.answer.options or {}), NOT_APPLICABLE: None})
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
        slot_percent=tuple(slot_percent),
        slot_text_values=tuple(slot_text_values),
        slot_json_prefix=tuple(slot_json_prefix),
        slot_json_texts=tuple(slot_json_texts),
        hash_position=tuple(hash_position),
        tie_order=tuple(tie_order),
    )
