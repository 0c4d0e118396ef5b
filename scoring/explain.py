"""Why this grade, in words: an explanation built from a result, its methodology and a templates file.

Pure and deterministic: the same result, methodology and templates always give the same text. Every
number is a number of points of the overall score (as the result's indicator points and the roadmap
count them); ties go to methodology order. The words come from data: indicator titles and actions and
option labels from the methodology file, sentences from `data/explanations/<language>.json`, so a
translation is a new file, not new code.

`explain` takes anything shaped like a `scoring.engine.Result` (score, grade, scale, risk pairs,
undisclosed stages, categories, per-slot indicator points and the roadmap). `stored_result` rebuilds
such a view from `result_to_dict`'s JSON, so ratings stored long ago can be explained too.
"""

from __future__ import annotations

import string
from decimal import ROUND_HALF_UP, Decimal
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Protocol, Sequence

from scoring.engine import CategoryResult, IndicatorResult, StageResult
from scoring.documents import read_json
from scoring.methodology import NOT_APPLICABLE, Methodology
from scoring.risk import RiskPair
from scoring.roadmap import Roadmap, RoadmapItem

MOST_MISSED = 3  # how many indicators the explanation names


class TemplatesError(ValueError):
    """A templates file breaks a rule; the message names the file, the template and the rule."""


# Each template, and the placeholders it may use. A file must have them all and use no others.
TEMPLATE_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType({
    name: frozenset(fields) for name, fields in {
        "summary": ("grade", "grade_label", "score", "scale_name"),
        "summary_nothing_applicable": ("grade", "grade_label", "score", "scale_name"),
        "strongest": ("name", "score", "grade"),
        "weakest": ("name", "score", "grade"),
        "only_category": ("name", "score", "grade"),
        "missed_none": (),
        "missed": ("title", "indicator", "missed", "possible", "answers"),
        "answer_at_stage": ("answer", "stage"),
        "answer_unanswered": (),
        "answer_not_applicable": (),
        "answers_joiner": (),
        "scale_standard_staged": (),
        "scale_standard": (),
        "scale_high_risk": ("reasons",),
        "reason_risk_pair": ("good", "country", "stage", "labour"),
        "reason_risk_pair_downstream": ("good", "country", "stage"),
        "reason_undisclosed": ("stage",),
        "reasons_joiner": (),
        "labour_child": (),
        "labour_forced": (),
        "labour_both": (),
        "top_grade": ("grade", "grade_label"),
        "next_grade": ("next_grade", "next_label", "needed", "steps"),
        "next_grade_unreachable": ("next_grade", "next_label", "scale_name"),
        "step": ("action", "points"),
        "step_at_stage": ("action", "stage", "points"),
        "step_without_action": ("title",),
        "steps_joiner": (),
    }.items()
})


@dataclass(frozen=True)
class Templates:
    language: str
    scale_names: Mapping[str, str]
    texts: Mapping[str, str]

    def say(self, template: str, /, **values: Any) -> str:
        return self.texts[template].format(**values)


def load_templates(path: str | Path) -> Templates:
    return parse_templates(read_json(path, TemplatesError), source=str(path))


def parse_templates(data: Any, source: str = "<memory>") -> Templates:
    def fail(item: str, rule: str) -> TemplatesError:
        return TemplatesError(f"{source}: {item}: {rule}")

    if not isinstance(data, dict):
        raise fail("templates", "the document must be a JSON object")
    language = data.get("language")
    if not isinstance(language, str) or not language.strip():
        raise fail("templates", "missing 'language' (a language tag such as 'en')")
    scale_names = data.get("scale_names")
    if not isinstance(scale_names, dict) or any(not isinstance(scale_names.get(s), str) for s in ("standard", "high_risk")):
        raise fail("scale_names", "must name both scales, 'standard' and 'high_risk'")
    texts: dict[str, str] = {}
    for name, allowed in TEMPLATE_FIELDS.items():
        text = data.get(name)
        if not isinstance(text, str):
            raise fail(f"template {name!r}", "missing (every template is required)")
        try:
            used = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
        except ValueError as error:
            raise fail(f"template {name!r}", f"not a valid template ({error})") from None
        unknown = used - allowed
        if unknown:
            known = ", ".join(sorted(allowed)) or "none"
            raise fail(f"template {name!r}", f"unknown placeholder {sorted(unknown)[0]!r} (known: {known})")
        texts[name] = text
    for name in data:
        if name not in TEMPLATE_FIELDS and name not in ("language", "scale_names"):
            raise fail(f"template {name!r}", "unknown template")
    return Templates(language, MappingProxyType(dict(scale_names)), MappingProxyType(texts))


# ---------------------------------------------------------------------------------------------------
# What an explanation is made of


class ResultLike(Protocol):
    score: float
    grade: str
    scale: str
    risk_pairs: Sequence[RiskPair]
    undisclosed_stages: Sequence[str]
    categories: Mapping[str, CategoryResult]
    indicators: Sequence[IndicatorResult]
    roadmap: Roadmap
    notes: Sequence[str]


@dataclass(frozen=True)
class CategoryNote:
    id: str
    name: str
    score: float  # one decimal
    grade: str | None
    text: str


@dataclass(frozen=True)
class MissedIndicator:
    indicator: str
    title: str
    category: str
    missed: float  # points of the overall score, two decimals
    possible: float
    text: str


@dataclass(frozen=True)
class ScaleNote:
    scale: str
    text: str


@dataclass(frozen=True)
class Step:
    indicator: str
    stage: str | None
    points: float  # the roadmap item's gain, two decimals (as the stored roadmap has it)
    text: str


@dataclass(frozen=True)
class NextGrade:
    grade: str
    label: str
    reachable: bool
    points_needed: float  # one decimal
    steps: tuple[Step, ...]
    text: str


@dataclass(frozen=True)
class Explanation:
    language: str
    summary: str
    meaning: str  # the grade's meaning, from the methodology
    strongest: CategoryNote | None  # None when no category is scored
    weakest: CategoryNote | None
    most_missed: tuple[MissedIndicator, ...]
    scale: ScaleNote
    next_grade: NextGrade | None  # None at the top grade
    text: tuple[str, ...]  # every sentence above, in reading order

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, field by field (dataclasses.asdict deep-copies, several times slower)."""
        next_grade = self.next_grade
        return {
            "language": self.language,
            "summary": self.summary,
            "meaning": self.meaning,
            "strongest": _fields(self.strongest),
            "weakest": _fields(self.weakest),
            "most_missed": [_fields(m) for m in self.most_missed],
            "scale": _fields(self.scale),
            "next_grade": None if next_grade is None else {
                **_fields(next_grade), "steps": [_fields(s) for s in next_grade.steps],
            },
            "text": list(self.text),
        }


def _fields(note: Any) -> dict[str, Any] | None:
    return None if note is None else dict(note.__dict__)


# ---------------------------------------------------------------------------------------------------
# Building it


def explain(result: ResultLike, methodology: Methodology, templates: Templates) -> Explanation:
    say = templates.say
    scale_name = templates.scale_names.get(result.scale, result.scale)
    label = methodology.grade_label(result.grade)
    grade_label = label.label if label else result.grade
    summary_template = "summary_nothing_applicable" if _nothing_applicable(result) else "summary"
    summary = say(summary_template, grade=result.grade, grade_label=grade_label, score=_score(result.score),
                  scale_name=scale_name)
    strongest, weakest = _extremes(result, methodology, templates)
    most_missed = _most_missed(result, methodology, templates)
    scale = ScaleNote(result.scale, _scale_text(result, methodology, templates))
    next_grade = _next_grade(result, methodology, templates, scale_name)

    text = [summary]
    if label:
        text.append(label.meaning)
    if strongest is not None:
        text.append(strongest.text)
        if weakest.text != strongest.text:
            text.append(weakest.text)
    if most_missed:
        text.extend(m.text for m in most_missed)
    else:
        text.append(say("missed_none"))
    text.append(scale.text)
    text.append(next_grade.text if next_grade else say("top_grade", grade=result.grade, grade_label=grade_label))
    return Explanation(templates.language, summary, label.meaning if label else "", strongest, weakest,
                       most_missed, scale, next_grade, tuple(text))


def _nothing_applicable(result: ResultLike) -> bool:
    return all(c.score is None for c in result.categories.values())


def _extremes(result: ResultLike, methodology: Methodology,
              templates: Templates) -> tuple[CategoryNote | None, CategoryNote | None]:
    """The strongest and weakest scored categories, by their published (one-decimal) scores, so a stored
    result and the fresh one agree and a reader can check; among equal scores, the first in methodology order."""
    scored = [(c, result.categories[c.id]) for c in methodology.categories
              if c.id in result.categories and result.categories[c.id].score is not None]
    if not scored:
        return None, None
    strongest = scored[0]
    weakest = scored[0]
    for entry in scored[1:]:  # strict comparisons keep the earlier of equals
        if round(entry[1].score, 1) > round(strongest[1].score, 1):
            strongest = entry
        if round(entry[1].score, 1) < round(weakest[1].score, 1):
            weakest = entry
    template = ("strongest", "weakest") if len(scored) > 1 else ("only_category", "only_category")

    def note(entry, name: str) -> CategoryNote:
        category, found = entry
        score = _round(found.score, 1)
        return CategoryNote(category.id, category.name, score, found.grade,
                            templates.say(name, name=category.name, score=_score(found.score), grade=found.grade))

    return note(strongest, template[0]), note(weakest, template[1])


def _most_missed(result: ResultLike, methodology: Methodology, templates: Templates) -> tuple[MissedIndicator, ...]:
    """The indicators with the most points of the overall score missed (possible - earned, summed over
    stages), biggest first; equal ones in methodology order. Not-applicable slots miss nothing. Slot points
    are taken to two decimals first, as a stored result keeps them, so both give the same explanation."""
    missed: dict[str, float] = {}
    possible: dict[str, float] = {}
    answers: dict[str, list[tuple[str | None, Any]]] = {}
    for row in result.indicators:
        slot_possible, slot_earned = round(row.possible, 2), round(row.earned, 2)
        missed[row.indicator] = missed.get(row.indicator, 0.0) + (slot_possible - slot_earned)
        possible[row.indicator] = possible.get(row.indicator, 0.0) + slot_possible
        answers.setdefault(row.indicator, []).append((row.stage, row.value if row.applicable else "na"))
    order = {i.id: k for k, i in enumerate(i for c in methodology.categories for i in c.indicators)}
    ranked = sorted((i for i in missed if round(missed[i], 2) > 0),
                    key=lambda i: (-round(missed[i], 2), order.get(i, len(order)), i))
    found = []
    for indicator_id in ranked[:MOST_MISSED]:
        indicator = methodology.indicator(indicator_id)
        title = indicator.title if indicator else indicator_id
        text = templates.say("missed", title=title, indicator=indicator_id, missed=_points(missed[indicator_id]),
                             possible=_points(possible[indicator_id]),
                             answers=_answers_in_words(indicator, answers[indicator_id], methodology, templates))
        found.append(MissedIndicator(indicator_id, title, indicator.category_id if indicator else "",
                                     _round(missed[indicator_id], 2), _round(possible[indicator_id], 2), text))
    return tuple(found)


def _answers_in_words(indicator, answers: list[tuple[str | None, Any]], methodology: Methodology,
                      templates: Templates) -> str:
    def words(value: Any) -> str:
        if value is None:
            return templates.texts["answer_unanswered"]
        if value == NOT_APPLICABLE:
            return templates.texts["answer_not_applicable"]
        return indicator.answer.label_of(value) if indicator else str(value)

    if len(answers) == 1 and answers[0][0] is None:
        return words(answers[0][1])
    parts = []
    for stage_id, value in answers:
        stage = methodology.stage(stage_id) if stage_id else None
        parts.append(templates.say("answer_at_stage", answer=words(value), stage=stage.name if stage else stage_id))
    return templates.texts["answers_joiner"].join(parts)


def _scale_text(result: ResultLike, methodology: Methodology, templates: Templates) -> str:
    """The scale and why: every listed good and country, then every undisclosed stage."""
    say = templates.say
    if result.scale != "high_risk":
        return say("scale_standard_staged" if methodology.stages else "scale_standard")

    def stage_name(stage_id: str) -> str:
        stage = methodology.stage(stage_id)
        return stage.name if stage else stage_id

    reasons = []
    for pair in result.risk_pairs:
        country = f"{pair.country_name} ({pair.country_iso2})"
        if pair.downstream:
            reasons.append(say("reason_risk_pair_downstream", good=pair.good, country=country, stage=stage_name(pair.stage)))
        else:
            labour = ("labour_both" if pair.child_labor and pair.forced_labor
                      else "labour_child" if pair.child_labor else "labour_forced")
            reasons.append(say("reason_risk_pair", good=pair.good, country=country, stage=stage_name(pair.stage),
                               labour=say(labour)))
    for stage_id in result.undisclosed_stages:
        reasons.append(say("reason_undisclosed", stage=stage_name(stage_id)))
    return say("scale_high_risk", reasons=templates.texts["reasons_joiner"].join(reasons))


def _next_grade(result: ResultLike, methodology: Methodology, templates: Templates,
                scale_name: str) -> NextGrade | None:
    """What would raise the grade to the next band: the roadmap's fewest items, with the roadmap's points."""
    # A stored result rebuilds only the part of its roadmap read here.
    roadmap = getattr(result, "next_grade_roadmap", None) or result.roadmap
    if roadmap.next_grade is None:
        return None
    say = templates.say
    bands = dict(methodology.grades[result.scale])
    needed = max(0.0, bands[roadmap.next_grade] - result.score)
    label = methodology.grade_label(roadmap.next_grade)
    next_label = label.label if label else roadmap.next_grade
    steps = tuple(_step(item, methodology, templates) for item in roadmap.to_next_grade)
    if roadmap.reachable:
        text = say("next_grade", next_grade=roadmap.next_grade, next_label=next_label, needed=_points(needed),
                   steps=templates.texts["steps_joiner"].join(s.text for s in steps))
    else:
        text = say("next_grade_unreachable", next_grade=roadmap.next_grade, next_label=next_label, scale_name=scale_name)
    return NextGrade(roadmap.next_grade, next_label, roadmap.reachable, _round(needed, 1), steps, text)


def _step(item: RoadmapItem, methodology: Methodology, templates: Templates) -> Step:
    indicator = methodology.indicator(item.indicator)
    if indicator is not None and indicator.action:
        action = indicator.action
    else:
        action = templates.say("step_without_action", title=indicator.title if indicator else item.indicator)
    stage = methodology.stage(item.stage) if item.stage else None
    if item.stage:
        text = templates.say("step_at_stage", action=action, stage=stage.name if stage else item.stage,
                             points=_points(item.gain))
    else:
        text = templates.say("step", action=action, points=_points(item.gain))
    return Step(item.indicator, item.stage, _round(item.gain, 2), text)


def _score(value: float) -> str:
    """A score as every response shows it: rounded to one decimal."""
    return f"{round(value, 1):.1f}"


def _points(value: float) -> str:
    """Points as a sentence shows them: one decimal, from the two-decimal figure a stored result keeps
    (half up), so an explanation of a fresh result and of its stored copy read the same."""
    return str(Decimal(repr(round(value, 2))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _round(value: float, digits: int) -> float:
    return round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


# ---------------------------------------------------------------------------------------------------
# A result rebuilt from its JSON


@dataclass(frozen=True)
class StoredResult:
    """The parts of a Result that an explanation reads, rebuilt from `result_to_dict`'s output (scores to
    one decimal, points to two, as stored with a published rating)."""

    score: float
    grade: str
    scale: str
    risk_pairs: tuple[RiskPair, ...]
    undisclosed_stages: tuple[str, ...]
    categories: Mapping[str, CategoryResult]
    stages: Mapping[str, StageResult]
    indicators: tuple[IndicatorResult, ...]
    notes: tuple[str, ...]
    stored_roadmap: Mapping[str, Any]

    @cached_property
    def roadmap(self) -> Roadmap:
        raw = self.stored_roadmap
        return Roadmap(_roadmap_items(raw.get("items")), raw.get("next_grade"), _roadmap_items(raw.get("to_next_grade")),
                       bool(raw.get("reachable")))

    @cached_property
    def next_grade_roadmap(self) -> Roadmap:
        """The roadmap without its full item list: all an explanation reads, and much cheaper to rebuild."""
        raw = self.stored_roadmap
        return Roadmap((), raw.get("next_grade"), _roadmap_items(raw.get("to_next_grade")), bool(raw.get("reachable")))


def _roadmap_items(raw) -> tuple[RoadmapItem, ...]:
    return tuple(RoadmapItem(i["indicator"], i.get("stage"), i["category"], float(i["gain"]),
                             float(i["score_if_met"]), i["grade_if_met"]) for i in raw or ())


def stored_result(data: Mapping[str, Any], *, score: float | None = None) -> StoredResult:
    """`score` overrides the stored one-decimal score with the unrounded one, when the caller has it."""
    return StoredResult(
        score=float(data["score"] if score is None else score),
        grade=data["grade"],
        scale=data["scale"],
        risk_pairs=tuple(
            RiskPair(p["stage"], p["good"], p["country"], p.get("country_name") or p["country"],
                     bool(p.get("child_labor")), bool(p.get("forced_labor")), bool(p.get("downstream")),
                     p.get("input_country"))
            for p in data.get("risk_pairs") or ()
        ),
        undisclosed_stages=tuple(data.get("undisclosed_stages") or ()),
        categories=MappingProxyType({cid: CategoryResult(c.get("score"), c.get("grade"))
                                     for cid, c in (data.get("categories") or {}).items()}),
        stages=MappingProxyType({sid: StageResult(s.get("score")) for sid, s in (data.get("stages") or {}).items()}),
        indicators=tuple(
            IndicatorResult(i["indicator"], i["category"], i.get("stage"), i.get("value"), bool(i["applicable"]),
                            float(i["earned"]), float(i["possible"]), float(i.get("share", i["possible"] / 100)))
            for i in data.get("indicators") or ()
        ),
        notes=tuple(data.get("notes") or ()),
        stored_roadmap=data.get("roadmap") or {},
    )
