"""How complete a set of answers is: the methodology's answer slots, which are unanswered, and which
answers carry no evidence. Pure; the assessment form's meter and the submit warning both read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from scoring.inputs import Answer
from scoring.layout import layout_for
from scoring.methodology import Methodology

Slot = tuple[str, "str | None"]  # (indicator id, stage id or None)


@dataclass(frozen=True)
class Completeness:
    slots: int  # every answer slot of the methodology (one per stage for a staged indicator)
    answered: int  # slots with any answer, "not applicable" included
    unanswered: tuple[Slot, ...]  # in methodology order
    without_evidence: tuple[Slot, ...]  # answered (and applicable) but citing no source

    @property
    def percent(self) -> int:
        """Answered share, rounded down: 100 only when every slot is answered."""
        return 100 * self.answered // self.slots if self.slots else 100


def completeness(methodology: Methodology, answers: Iterable[Answer]) -> Completeness:
    layout = layout_for(methodology)
    given = {(a.indicator, a.stage): a for a in answers}
    order = list(zip(layout.slot_indicator_id, layout.slot_stage))
    unanswered = tuple(slot for slot in order if slot not in given)
    bare = tuple(slot for slot in order if slot in given and given[slot].value != "na" and not given[slot].evidence)
    return Completeness(slots=len(order), answered=len(order) - len(unanswered), unanswered=unanswered,
                        without_evidence=bare)
