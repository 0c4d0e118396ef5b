"""Small methodology documents for hand-computed examples, and hypothesis strategies for properties."""

from __future__ import annotations

import copy
from pathlib import Path

from hypothesis import strategies as st

from scoring import Answer, Methodology, RiskEntry, RiskList, SourcingRecord, parse_methodology

DATA = Path(__file__).resolve().parents[2] / "data"

YES_PARTIAL_NO = {"type": "choice", "options": {"yes": 1.0, "partial": 0.5, "no": 0.0},
                  "labels": {"yes": "Yes", "partial": "Partly", "no": "No"}}
PERCENT = {"type": "percent", "unit": "percent of suppliers"}

# Four bands; high_risk is ten points stricter.
SIMPLE_GRADES = {
    "standard": [["A", 80], ["B", 60], ["C", 40], ["F", 0]],
    "high_risk": [["A", 90], ["B", 70], ["C", 50], ["F", 0]],
}

# A one-entry list for properties; the real list is the `risk_list` fixture.
COTTON_CN = RiskList((RiskEntry("Cotton", "CN", "China", True, True, False, None),))
CLEAN_GOOD = ("Wine", "FR")  # on neither list


def indicator(id: str, weight: float = 1, staged: bool = False, answer: dict = YES_PARTIAL_NO) -> dict:
    """An indicator entry; a choice answer without labels gets one per option, a percent one a unit."""
    answer = copy.deepcopy(answer)
    if answer.get("type") == "choice" and "labels" not in answer and isinstance(answer.get("options"), dict):
        answer["labels"] = {option: option.replace("_", " ").capitalize() for option in answer["options"]}
    if answer.get("type") == "percent" and "unit" not in answer:
        answer["unit"] = "%"
    return {"id": id, "title": f"Topic {id}", "text": f"Question {id}?", "weight": weight, "staged": staged,
            "answer": answer}


def category(id: str, *indicators: dict, weight: float = 1) -> dict:
    return {"id": id, "name": id.title(), "weight": weight, "indicators": list(indicators)}


def stage(id: str, weight: float = 1) -> dict:
    return {"id": id, "name": id.replace("_", " ").title(), "weight": weight}


def grade_labels_for(grades: dict) -> dict:
    """A label, meaning and colour token for each letter of the scales."""
    return {
        letter: {"label": f"Label {letter}", "meaning": f"What {letter} means.", "colour": f"grade-{k}"}
        for k, (letter, _) in enumerate(grades["standard"])
    }


def methodology_doc(*categories: dict, stages: tuple = (), grades: dict = SIMPLE_GRADES, id: str = "test") -> dict:
    return {
        "id": id, "name": "Test methodology", "version": "1", "stale_after_months": 24,
        "stages": list(stages), "categories": list(categories), "grades": copy.deepcopy(grades),
        "grade_labels": grade_labels_for(grades),
    }


def build(*categories: dict, stages: tuple = (), grades: dict = SIMPLE_GRADES) -> Methodology:
    return parse_methodology(methodology_doc(*categories, stages=stages, grades=grades))


def clean_sourcing(methodology: Methodology) -> list[SourcingRecord]:
    """Every stage disclosed, nothing listed: the standard scale."""
    good, country = CLEAN_GOOD
    return [SourcingRecord(s.id, good, country) for s in methodology.stages]


def risky_sourcing(methodology: Methodology) -> list[SourcingRecord]:
    """The same, plus a listed pair: the high_risk scale."""
    first = methodology.stages[0].id if methodology.stages else "raw_materials"
    return [*clean_sourcing(methodology), SourcingRecord(first, "Cotton", "CN")]


def slots(methodology: Methodology) -> list[tuple[str, str | None]]:
    """Every (indicator, stage) an answer can go to."""
    return [
        (i.id, s)
        for c in methodology.categories
        for i in c.indicators
        for s in ([stage.id for stage in methodology.stages] if i.staged else [None])
    ]


# ---------------------------------------------------------------------------------------------------
# Strategies

weights = st.one_of(st.integers(1, 10), st.floats(0.05, 10, allow_nan=False))


@st.composite
def grade_scales(draw) -> dict:
    """Valid scales: strictly descending, ending at 0, high_risk at least as strict letter by letter."""
    count = draw(st.integers(2, 6))
    standard = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)), reverse=True)
    # Per-letter extra strictness that never grows down the list keeps high_risk strictly descending.
    extra = sorted(draw(st.lists(st.integers(0, 100 - standard[0]), min_size=count - 1, max_size=count - 1)), reverse=True)
    letters = [chr(ord("A") + k) for k in range(count - 1)] + ["F"]
    return {
        "standard": [[letter, t] for letter, t in zip(letters, standard + [0])],
        "high_risk": [[letter, t + e] for letter, t, e in zip(letters, standard, extra)] + [["F", 0]],
    }


@st.composite
def methodology_docs(draw, min_categories: int = 1, full_credit: bool = False) -> dict:
    """Small valid methodologies; with full_credit, every choice has an option worth 1."""
    stage_count = draw(st.integers(0, 3))
    stages = [stage(f"s{k}", draw(weights)) for k in range(stage_count)]
    categories = []
    for c in range(draw(st.integers(min_categories, 4))):
        indicators = []
        for i in range(draw(st.integers(1, 4))):
            if draw(st.booleans()):
                answer = PERCENT
            else:
                values = draw(st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), min_size=1, max_size=4))
                if full_credit:
                    values.append(1.0)
                answer = {"type": "choice", "options": {f"o{k}": v for k, v in enumerate(values)}}
            staged = stage_count > 0 and draw(st.booleans())
            indicators.append(indicator(f"C{c}-{i}", draw(weights), staged, answer))
        categories.append(category(f"c{c}", *indicators, weight=draw(weights)))
    return methodology_doc(*categories, stages=tuple(stages), grades=draw(grade_scales()))


methodologies = methodology_docs().map(parse_methodology)


def value_for(methodology: Methodology, indicator_id: str):
    """A strategy for a valid, applicable value of the indicator."""
    spec = methodology.indicator(indicator_id).answer
    if spec.type == "percent":
        return st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False))
    return st.sampled_from(sorted(spec.options))


@st.composite
def answer_sets(draw, methodology: Methodology, na: bool = True) -> list[Answer]:
    """Answers for some slots (the rest unanswered), some "na" when allowed."""
    answers = []
    for indicator_id, stage_id in slots(methodology):
        kind = draw(st.sampled_from(["value", "value", "unanswered", "na"] if na else ["value", "unanswered"]))
        if kind == "value":
            answers.append(Answer(indicator_id, stage_id, draw(value_for(methodology, indicator_id))))
        elif kind == "na":
            answers.append(Answer(indicator_id, stage_id, "na"))
    return answers


@st.composite
def scored_inputs(draw, methodology_strategy=methodologies, na: bool = True):
    """(methodology, answers) pairs."""
    methodology = draw(methodology_strategy)
    return methodology, draw(answer_sets(methodology, na=na))
