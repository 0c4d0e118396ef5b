"""The methodology model and its loader: what is asked, how answers weigh, where the grade bands sit.

A methodology file is checked in full when it is loaded, so the engine can trust every methodology it
is handed. Each refusal names the file, the item and the rule broken.

Besides the numbers, a file carries the words people read: each indicator's short `title` (and an
optional `action`, what full credit takes, used by explanations), a label for every choice option, the
unit of every percent answer, a label, meaning and colour token for every grade letter, and how many
months a rating stays fresh (`stale_after_months`). They never change a score.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from scoring.documents import read_json

SCALES = ("standard", "high_risk")
ANSWER_TYPES = ("choice", "percent")
NOT_APPLICABLE = "na"  # the answer value that takes an indicator out of every denominator
# Float sums can land a hair below a threshold the exact arithmetic reaches: percents 36, 48 and 6
# average to 30, but compute as 29.999999999999996. Within this much, a score counts as reaching it.
GRADE_TOLERANCE = 1e-9
COLOUR_TOKEN = re.compile(r"[a-z][a-z0-9-]*")  # e.g. "grade-a": a name an app maps to its own palette


class MethodologyError(ValueError):
    """A methodology file breaks a rule; the message names the file, the item and the rule."""


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    weight: float


@dataclass(frozen=True)
class AnswerSpec:
    type: str  # "choice" or "percent"
    options: Mapping[str, float] | None  # choice: option name -> value in [0, 1]; percent: None
    labels: Mapping[str, str] | None = None  # choice: option name -> what a person reads; percent: None
    unit: str | None = None  # percent: what the number counts, e.g. "percent of suppliers"; choice: None

    def __hash__(self) -> int:
        # Written by hand because the options mapping is not hashable; frozenset keeps it order-free,
        # like the equality it must agree with (equal specs have equal options, so this agrees).
        return hash((self.type, None if self.options is None else frozenset(self.options.items())))

    def label_of(self, value: str | float | None) -> str:
        """An answer in words: the option's label, or the percent with its unit."""
        if value is None:
            return "not answered"
        if value == NOT_APPLICABLE:
            return "not applicable"
        if self.type == "percent":  # 36 with "percent of suppliers" -> "36% of suppliers"
            unit = self.unit or "%"
            if unit.startswith("percent"):
                unit = "%" + unit.removeprefix("percent")
            return _number(float(value)) + (unit if unit.startswith("%") else " " + unit)
        return (self.labels or {}).get(value, str(value))


@dataclass(frozen=True)
class Indicator:
    id: str
    text: str
    guidance: str
    weight: float
    staged: bool
    answer: AnswerSpec
    category_id: str
    title: str = ""  # short topic, e.g. "Published supplier list"
    action: str = ""  # optional: what full credit takes, as an imperative ("Publish a supplier list ...")


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    weight: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class GradeLabel:
    """What a grade letter means to a person, and the colour token an app maps to its palette."""

    grade: str
    label: str  # e.g. "Leading"
    meaning: str  # one short sentence
    colour: str  # a token such as "grade-a", never a colour value


@dataclass(frozen=True)
class Methodology:
    id: str
    name: str
    version: str
    stages: tuple[Stage, ...]
    categories: tuple[Category, ...]
    grades: Mapping[str, tuple[tuple[str, float], ...]]  # scale -> ((letter, threshold), ...) best first
    description: str = ""
    grade_labels: Mapping[str, GradeLabel] = field(default_factory=lambda: MappingProxyType({}))  # letter -> its words, for every letter
    stale_after_months: int | None = None  # a rating older than this is flagged stale; None: never

    def __hash__(self) -> int:
        # Equal methodologies share id and version, so this agrees with equality and stays cheap.
        return hash((self.id, self.version))

    def indicator(self, indicator_id: str) -> Indicator | None:
        return self._indicators_by_id.get(indicator_id)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def grade_label(self, grade: str) -> GradeLabel | None:
        return self.grade_labels.get(grade)

    def grade_for(self, score: float, scale: str) -> str:
        """The first band, in file order, whose threshold <= score (unrounded, up to GRADE_TOLERANCE)."""
        if scale not in self._ascending_bands:
            raise ValueError(f"methodology {self.id!r} has no grade scale {scale!r}; known: {', '.join(SCALES)}")
        if not score >= 0:  # also catches NaN, which would otherwise fall through to some band
            raise ValueError(f"cannot grade score {score!r}: scores run from 0 to 100")
        thresholds, letters = self._ascending_bands[scale]
        # Thresholds strictly descend and end at 0, so "first band <= score" is the highest threshold
        # <= score, which bisect finds without walking every band.
        return letters[bisect_right(thresholds, score + GRADE_TOLERANCE) - 1]

    @cached_property
    def _indicators_by_id(self) -> dict[str, Indicator]:
        return {i.id: i for c in self.categories for i in c.indicators}

    @cached_property
    def _ascending_bands(self) -> dict[str, tuple[list[float], list[str]]]:
        return {
            scale: ([t for _, t in reversed(bands)], [letter for letter, _ in reversed(bands)])
            for scale, bands in self.grades.items()
        }


# ---------------------------------------------------------------------------------------------------
# Loading


def load_methodologies(directory: str | Path) -> dict[str, Methodology]:
    """Every *.json methodology in the directory, keyed by id; the same id in two files is refused."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"methodology directory {str(directory)!r} does not exist")
    found: dict[str, Methodology] = {}
    files: dict[str, Path] = {}
    for path in sorted(directory.glob("*.json")):
        methodology = load_methodology(path)
        if methodology.id in found:
            raise MethodologyError(
                f"{path}: methodology {methodology.id!r}: duplicate methodology id "
                f"(already defined in {files[methodology.id]})"
            )
        found[methodology.id] = methodology
        files[methodology.id] = path
    return found


def load_methodology(path: str | Path) -> Methodology:
    return parse_methodology(read_json(path, MethodologyError), source=str(path))


def parse_methodology(data: dict, source: str = "<memory>") -> Methodology:
    return _Parser(source).methodology(data)


class _Parser:
    """Reads one methodology document; every check raises MethodologyError naming the item and rule."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, item: str, rule: str) -> MethodologyError:
        return MethodologyError(f"{self.source}: {item}: {rule}")

    def field(self, obj: dict, key: str, kind: str, item: str, required: bool = True) -> Any:
        if key not in obj:
            if required:
                raise self.fail(item, f"missing required field {key!r}")
            return None
        value = obj[key]
        if not _is_kind(value, kind):
            raise self.fail(item, f"field {key!r} must be {_KIND_NAMES[kind]}, got {_describe(value)}")
        return value

    def weight(self, obj: dict, item: str) -> float:
        weight = self.field(obj, "weight", "number", item)
        if weight <= 0:
            raise self.fail(item, f"weight must be positive, got {weight}")
        return weight

    def methodology(self, data: Any) -> Methodology:
        item = "methodology"
        if not isinstance(data, dict):
            raise self.fail(item, f"the document must be a JSON object, got {_describe(data)}")
        methodology_id = self.field(data, "id", "text", item)
        item = f"methodology {methodology_id!r}"
        name = self.field(data, "name", "text", item)
        version = self.field(data, "version", "text", item)
        description = self.field(data, "description", "string", item, required=False) or ""
        stale_after_months = self.field(data, "stale_after_months", "number", item)
        if not isinstance(stale_after_months, int) or stale_after_months < 1:
            raise self.fail(item, f"stale_after_months must be a whole number of months, at least 1, got {stale_after_months}")
        stages = self.stages(self.field(data, "stages", "list", item))
        categories = self.categories(self.field(data, "categories", "list", item), stages)
        grades = self.grades(self.field(data, "grades", "object", item))
        grade_labels = self.grade_labels(self.field(data, "grade_labels", "object", item), grades)
        return Methodology(methodology_id, name, version, stages, categories, grades, description,
                           grade_labels, stale_after_months)

    def stages(self, raw: list) -> tuple[Stage, ...]:
        stages: list[Stage] = []
        for position, entry in enumerate(raw, start=1):
            item = self.entry_item("stage", entry, position)
            stage = Stage(
                id=self.field(entry, "id", "text", item),
                name=self.field(entry, "name", "text", item),
                weight=self.weight(entry, item),
            )
            if any(s.id == stage.id for s in stages):
                raise self.fail(item, "duplicate stage id")
            stages.append(stage)
        return tuple(stages)

    def categories(self, raw: list, stages: tuple[Stage, ...]) -> tuple[Category, ...]:
        if not raw:
            raise self.fail("categories", "a methodology needs at least one category")
        categories: list[Category] = []
        seen_indicators: dict[str, str] = {}  # indicator id -> its category: ids are unique file-wide
        for position, entry in enumerate(raw, start=1):
            item = self.entry_item("category", entry, position)
            category_id = self.field(entry, "id", "text", item)
            if any(c.id == category_id for c in categories):
                raise self.fail(item, "duplicate category id")
            name = self.field(entry, "name", "text", item)
            weight = self.weight(entry, item)
            raw_indicators = self.field(entry, "indicators", "list", item)
            if not raw_indicators:
                raise self.fail(item, "a category needs at least one indicator")
            indicators = []
            for i_position, i_entry in enumerate(raw_indicators, start=1):
                indicator = self.indicator(i_entry, i_position, category_id, stages)
                if indicator.id in seen_indicators:
                    raise self.fail(
                        f"indicator {indicator.id!r} in category {category_id!r}",
                        f"duplicate indicator id (indicator ids are unique across the file; "
                        f"first used in category {seen_indicators[indicator.id]!r})",
                    )
                seen_indicators[indicator.id] = category_id
                indicators.append(indicator)
            categories.append(Category(category_id, name, weight, tuple(indicators)))
        return tuple(categories)

    def indicator(self, entry: Any, position: int, category_id: str, stages: tuple[Stage, ...]) -> Indicator:
        item = self.entry_item("indicator", entry, position, f" in category {category_id!r}")
        indicator_id = self.field(entry, "id", "text", item)
        title = self.field(entry, "title", "text", item)
        action = self.field(entry, "action", "text", item, required=False) or ""
        text = self.field(entry, "text", "text", item)
        guidance = self.field(entry, "guidance", "string", item, required=False) or ""
        weight = self.weight(entry, item)
        staged = self.field(entry, "staged", "bool", item, required=False) or False
        if staged and not stages:
            raise self.fail(item, "staged indicator in a methodology without stages")
        answer = self.answer_spec(self.field(entry, "answer", "object", item), item)
        return Indicator(indicator_id, text, guidance, weight, staged, answer, category_id, title, action)

    def answer_spec(self, raw: dict, indicator_item: str) -> AnswerSpec:
        item = f"{indicator_item} answer"
        answer_type = self.field(raw, "type", "text", item)
        if answer_type not in ANSWER_TYPES:
            raise self.fail(item, f"unknown answer type {answer_type!r} (known: {', '.join(ANSWER_TYPES)})")
        if answer_type == "percent":
            if raw.get("options") is not None:
                raise self.fail(item, "a percent answer takes no options")
            if raw.get("labels") is not None:
                raise self.fail(item, "a percent answer takes no labels (its unit says what it counts)")
            unit = self.field(raw, "unit", "text", item)
            return AnswerSpec("percent", None, None, unit)
        if raw.get("unit") is not None:
            raise self.fail(item, "a choice answer takes no unit (its options have labels)")
        options = self.field(raw, "options", "object", item)
        if not options:
            raise self.fail(item, "a choice answer needs at least one option")
        for option, value in options.items():
            if not option.strip():
                raise self.fail(item, "option names must be non-empty")
            if option.strip().lower() == NOT_APPLICABLE:
                raise self.fail(item, f"option name {option!r} is reserved for 'not applicable'")
            if not _is_kind(value, "number") or not 0 <= value <= 1:
                raise self.fail(item, f"option {option!r} must have a value between 0 and 1, got {_describe(value)}")
        labels = self.field(raw, "labels", "object", item)
        for option in options:
            if option not in labels:
                raise self.fail(item, f"option {option!r} has no label (every choice option needs one in 'labels')")
            if not _is_kind(labels[option], "text"):
                raise self.fail(item, f"the label of option {option!r} must be a non-empty string, got {_describe(labels[option])}")
        for option in labels:
            if option not in options:
                raise self.fail(item, f"label for unknown option {option!r}")
        return AnswerSpec("choice", MappingProxyType(dict(options)), MappingProxyType({o: labels[o] for o in options}))

    def grades(self, raw: dict) -> Mapping[str, tuple[tuple[str, float], ...]]:
        for scale in SCALES:
            if scale not in raw:
                raise self.fail("grades", f"missing the {scale!r} scale (every methodology needs {' and '.join(SCALES)})")
        for scale in raw:
            if scale not in SCALES:
                raise self.fail(f"grades.{scale}", f"unknown scale (known: {', '.join(SCALES)})")
        scales = {scale: self.bands(scale, raw[scale]) for scale in SCALES}
        standard, high_risk = scales["standard"], scales["high_risk"]
        if [letter for letter, _ in standard] != [letter for letter, _ in high_risk]:
            raise self.fail("grades", "the standard and high_risk scales must have the same grade letters in the same order")
        for (letter, t_standard), (_, t_high) in zip(standard, high_risk):
            # Otherwise sourcing from listed places could earn a better grade than not doing so.
            if t_high < t_standard:
                raise self.fail(
                    f"grades.high_risk band {letter!r}",
                    f"threshold {t_high} is below the standard scale's {t_standard}; high_risk bands must be at least as strict",
                )
        return MappingProxyType(scales)

    def grade_labels(self, raw: dict, grades: Mapping[str, tuple[tuple[str, float], ...]]) -> Mapping[str, GradeLabel]:
        letters = [letter for letter, _ in grades["standard"]]
        for letter in raw:
            if letter not in letters:
                raise self.fail(f"grade_labels {letter!r}", f"not a grade letter of this methodology (letters: {', '.join(letters)})")
        labels: dict[str, GradeLabel] = {}
        for letter in letters:
            item = f"grade_labels {letter!r}"
            if letter not in raw:
                raise self.fail(item, "missing: every grade letter needs a label, a meaning and a colour")
            entry = raw[letter]
            if not isinstance(entry, dict):
                raise self.fail(item, f"must be an object with label, meaning and colour, got {_describe(entry)}")
            colour = self.field(entry, "colour", "text", item)
            if not COLOUR_TOKEN.fullmatch(colour):
                raise self.fail(item, f"colour must be a token of lowercase letters, digits and hyphens (such as 'grade-a'), got {colour!r}")
            labels[letter] = GradeLabel(letter, self.field(entry, "label", "text", item),
                                        self.field(entry, "meaning", "text", item), colour)
        return MappingProxyType(labels)

    def bands(self, scale: str, raw: Any) -> tuple[tuple[str, float], ...]:
        item = f"grades.{scale}"
        if not isinstance(raw, list) or not raw:
            raise self.fail(item, f"must be a non-empty list of [letter, threshold] bands, got {_describe(raw)}")
        bands: list[tuple[str, float]] = []
        for position, band in enumerate(raw, start=1):
            band_item = f"{item} band #{position}"
            if not (isinstance(band, list) and len(band) == 2 and _is_kind(band[0], "text") and _is_kind(band[1], "number")):
                raise self.fail(band_item, f"a band is [letter, threshold], got {_describe(band)}")
            letter, threshold = band
            if any(letter == seen for seen, _ in bands):
                raise self.fail(band_item, f"duplicate grade letter {letter!r}")
            if not 0 <= threshold <= 100:
                raise self.fail(band_item, f"threshold {threshold} is outside 0..100")
            if bands and threshold >= bands[-1][1]:
                raise self.fail(band_item, f"thresholds must be strictly descending ({threshold} after {bands[-1][1]})")
            bands.append((letter, threshold))
        if bands[-1][1] != 0:
            raise self.fail(item, f"the last band must have threshold 0 so every score gets a grade, got {bands[-1][1]}")
        return tuple(bands)

    def entry_item(self, kind: str, entry: Any, position: int, suffix: str = "") -> str:
        """How to name a list entry: by its id when it has a usable one, else by position."""
        if not isinstance(entry, dict):
            raise self.fail(f"{kind} #{position}{suffix}", f"must be a JSON object, got {_describe(entry)}")
        entry_id = entry.get("id")
        return f"{kind} {entry_id!r}{suffix}" if _is_kind(entry_id, "text") else f"{kind} #{position}{suffix}"


_KIND_NAMES = {
    "text": "a non-empty string",
    "string": "a string",
    "number": "a finite number",
    "bool": "true or false",
    "list": "a list",
    "object": "an object",
}


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "text":
        return isinstance(value, str) and bool(value.strip())
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":  # bool is an int subclass; a weight of true is a mistake, not 1
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, dict)


def _number(value: float) -> str:
    """36.0 -> "36", 62.5 -> "62.5": how a percent reads in a sentence."""
    return f"{value:.1f}".removesuffix(".0")


def _describe(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, (str, int, float, bool, type(None), list, dict)) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------------------------------------------
# Serialising


def methodology_to_dict(m: Methodology) -> dict:
    """The methodology in the file's own shape (JSON-ready), so an app can explain each indicator."""
    return {
        "id": m.id,
        "name": m.name,
        "version": m.version,
        "description": m.description,
        "stale_after_months": m.stale_after_months,
        "stages": [{"id": s.id, "name": s.name, "weight": s.weight} for s in m.stages],
        "categories": [
            {
                "id": c.id,
                "name": c.name,
                "weight": c.weight,
                "indicators": [_indicator_to_dict(i) for i in c.indicators],
            }
            for c in m.categories
        ],
        "grades": {scale: [[letter, threshold] for letter, threshold in bands] for scale, bands in m.grades.items()},
        "grade_labels": {
            letter: {"label": g.label, "meaning": g.meaning, "colour": g.colour} for letter, g in m.grade_labels.items()
        },
    }


def _indicator_to_dict(i: Indicator) -> dict:
    answer: dict[str, Any] = {"type": i.answer.type}
    if i.answer.options is not None:
        answer["options"] = dict(i.answer.options)
        answer["labels"] = dict(i.answer.labels or {})
    if i.answer.unit is not None:
        answer["unit"] = i.answer.unit
    found = {
        "id": i.id,
        "title": i.title,
        "text": i.text,
        "guidance": i.guidance,
        "weight": i.weight,
        "staged": i.staged,
        "answer": answer,
    }
    if i.action:
        found["action"] = i.action
    return found
