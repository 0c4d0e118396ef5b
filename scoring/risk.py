"""The risk list (US DoL goods produced with child or forced labour) and the choice of grade scale.

A company is graded on the stricter `high_risk` scale when it sources a listed (good, country) pair, or
does not say where a stage of its supply chain happens. The decision names every reason.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal

from scoring.inputs import SourcingRecord
from scoring.methodology import Methodology

GOODS_FILE = "dol_goods_list.csv"
DOWNSTREAM_FILE = "dol_downstream_goods.csv"


@dataclass(frozen=True)
class RiskEntry:
    good: str
    country_iso2: str
    country_name: str
    child_labor: bool
    forced_labor: bool
    downstream: bool  # made with inputs produced by child or forced labour (both flags are then False)
    input_country_iso2: str | None


@lru_cache(maxsize=4096)  # the same few goods come back for every assessment
def normalise_good(good: str) -> str:
    """'  Açaí   berries' and 'acai berries' name the same good: ignore case, accents and spacing."""
    decomposed = unicodedata.normalize("NFKD", good)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


@dataclass(frozen=True)
class RiskList:
    entries: tuple[RiskEntry, ...]
    _index: dict[tuple[str, str], RiskEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], RiskEntry] = {}
        for entry in self.entries:
            # The main list comes first, so a pair listed both ways keeps its labour flags.
            index.setdefault((normalise_good(entry.good), entry.country_iso2.upper()), entry)
        object.__setattr__(self, "_index", index)

    def match(self, good: str, country_iso2: str) -> RiskEntry | None:
        return self._index.get((normalise_good(good), country_iso2.strip().upper()))


def load_risk_list(directory: str | Path) -> RiskList:
    """Both DoL files; rows of the downstream file are flagged downstream=True."""
    directory = Path(directory)
    entries: list[RiskEntry] = []
    for row_number, row in _rows(directory / GOODS_FILE):
        entries.append(RiskEntry(
            good=row["good"],
            country_iso2=row["country_iso2"].upper(),
            country_name=row["country"],
            child_labor=_flag(row, "child_labor", directory / GOODS_FILE, row_number),
            forced_labor=_flag(row, "forced_labor", directory / GOODS_FILE, row_number),
            downstream=False,
            input_country_iso2=None,
        ))
    for _, row in _rows(directory / DOWNSTREAM_FILE):
        entries.append(RiskEntry(
            good=row["good"],
            country_iso2=row["country_iso2"].upper(),
            country_name=row["country"],
            child_labor=False,
            forced_labor=False,
            downstream=True,
            input_country_iso2=row["input_country_iso2"].upper() or None,
        ))
    return RiskList(tuple(entries))


def _rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from enumerate(csv.DictReader(handle), start=2)  # row 1 is the header


def _flag(row: dict[str, str], column: str, path: Path, row_number: int) -> bool:
    value = row[column].strip().lower()
    if value not in ("true", "false"):
        raise ValueError(f"{path}: row {row_number}: column {column!r} must be true or false, got {row[column]!r}")
    return value == "true"


# ---------------------------------------------------------------------------------------------------
# The scale


@dataclass(frozen=True)
class RiskPair:
    """A sourced (good, country) pair found on the risk list, and the stage it was sourced for."""

    stage: str
    good: str  # the list's spelling
    country_iso2: str
    country_name: str
    child_labor: bool
    forced_labor: bool
    downstream: bool
    input_country_iso2: str | None


@dataclass(frozen=True)
class ScaleDecision:
    scale: Literal["standard", "high_risk"]
    reasons: tuple[str, ...]
    risk_pairs: tuple[RiskPair, ...]
    undisclosed_stages: tuple[str, ...]


def decide_scale(methodology: Methodology, sourcing: Iterable[SourcingRecord], risk_list: RiskList) -> ScaleDecision:
    sourcing = list(sourcing)
    stage_order = {s.id: position for position, s in enumerate(methodology.stages)}
    stage_names = {s.id: s.name for s in methodology.stages}

    pairs: dict[tuple[str, str, str], RiskPair] = {}  # deduplicated, so repeated records say it once
    for record in sourcing:
        if record.good and record.country:
            entry = risk_list.match(record.good, record.country)
            if entry is not None:
                pair = RiskPair(record.stage, entry.good, entry.country_iso2, entry.country_name,
                                entry.child_labor, entry.forced_labor, entry.downstream, entry.input_country_iso2)
                pairs[(record.stage, entry.good, entry.country_iso2)] = pair
    # Sorted, so the same records in any order give the same decision.
    risk_pairs = tuple(sorted(pairs.values(), key=lambda p: (stage_order.get(p.stage, len(stage_order)), p.stage, p.good, p.country_iso2)))

    undisclosed: list[str] = []
    reasons = [_pair_reason(pair, stage_names) for pair in risk_pairs]
    for stage in methodology.stages:
        records = [r for r in sourcing if r.stage == stage.id]
        if any(not r.disclosed for r in records):
            undisclosed.append(stage.id)
            reasons.append(f"The {stage.name} stage ({stage.id}) is marked as not disclosed.")
        elif not any(r.country for r in records):
            undisclosed.append(stage.id)
            reasons.append(f"No sourcing record says in which country the {stage.name} stage ({stage.id}) happens.")

    if reasons:
        return ScaleDecision("high_risk", tuple(reasons), risk_pairs, tuple(undisclosed))
    if methodology.stages:
        why = "No sourced good and country is on the risk list, and every supply-chain stage is disclosed."
    else:
        why = "No sourced good and country is on the risk list."
    return ScaleDecision("standard", (why,), (), ())


def _pair_reason(pair: RiskPair, stage_names: dict[str, str]) -> str:
    where = f"{pair.good} from {pair.country_name} ({pair.country_iso2})"
    stage = f"the {stage_names[pair.stage]} stage ({pair.stage})" if pair.stage in stage_names else f"stage {pair.stage!r}"
    if pair.downstream:
        inputs = f" from {pair.input_country_iso2}" if pair.input_country_iso2 else ""
        listed = f"listed as made with inputs{inputs} produced by child or forced labour"
    else:
        labour = " and ".join(kind for kind, flag in (("child labour", pair.child_labor), ("forced labour", pair.forced_labor)) if flag)
        listed = f"listed for {labour}"
    return f"Sources {where} for {stage}: {listed} (US DoL list of goods)."
