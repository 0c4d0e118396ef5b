"""Where the project's data files live, and the methodologies and risk list loaded from them once."""

from __future__ import annotations

import csv
import hashlib
from functools import lru_cache
from pathlib import Path

from scoring.methodology import Methodology, load_methodologies, load_methodology
from scoring.risk import RiskList, load_risk_list

from ratings.errors import NotFound


def _data_dir() -> Path:
    """`ratings_data/` beside this package in an installed wheel (pyproject maps the repository's `data/`
    to that name), else `data/` at the root of a source checkout."""
    root = Path(__file__).resolve().parent.parent
    installed = root / "ratings_data"
    return installed if installed.is_dir() else root / "data"


DATA_DIR = _data_dir()
DEFAULT_METHODOLOGY = "f2w-2026"


@lru_cache(maxsize=None)
def methodologies() -> dict[str, Methodology]:
    return load_methodologies(DATA_DIR / "methodologies")


def methodology(methodology_id: str) -> Methodology:
    found = methodologies().get(methodology_id)
    if found is None:
        raise NotFound(f"No methodology has the id {methodology_id!r}.", code="methodology_not_found")
    return found


def grade_letters(methodology_id: str = DEFAULT_METHODOLOGY) -> tuple[str, ...]:
    """The grade letters of a methodology, best first: the one list every grade check and document uses."""
    return tuple(letter for letter, _ in methodology(methodology_id).grades["standard"])


def known_stages() -> set[str]:
    """Every supply-chain stage any methodology names: what a sourcing record may refer to."""
    return {stage.id for m in methodologies().values() for stage in m.stages}


@lru_cache(maxsize=None)
def risk_list() -> RiskList:
    return load_risk_list(DATA_DIR / "risk")


@lru_cache(maxsize=None)
def risk_list_edition() -> str:
    """The edition(s) of the shipped risk list, from its files' `edition` column (e.g. "dol-2022"):
    what a rating records, so that it is recomputed on the same list later."""
    editions: set[str] = set()
    for path in sorted((DATA_DIR / "risk").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            editions.update(row["edition"].strip() for row in csv.DictReader(handle) if (row.get("edition") or "").strip())
    return "dol-" + "+".join(sorted(editions)) if editions else "unknown"


def risk_list_for(edition: str | None) -> RiskList:
    """The risk list of an edition: the shipped one, or an earlier edition kept in `risk/editions/{edition}/`
    once a newer list replaced it (data/risk/README.md)."""
    if edition is None or edition == risk_list_edition():
        return risk_list()
    kept = DATA_DIR / "risk" / "editions" / edition
    if not kept.is_dir():
        raise NotFound(f"Risk-list edition {edition!r} is not shipped.", code="risk_list_edition_not_found")
    return load_risk_list(kept)


def methodology_file(methodology_id: str, version: str) -> Path:
    """The exact file a methodology version was published from: the current one, or its copy kept in
    `methodologies/published/{id}-{version}.json` once a newer version replaced it (old grades stay
    reproducible)."""
    if methodology(methodology_id).version == version:
        return _methodology_paths()[methodology_id]
    kept = DATA_DIR / "methodologies" / "published" / f"{methodology_id}-{version}.json"
    if not kept.is_file():
        raise NotFound(f"No file of methodology {methodology_id!r} version {version!r} is shipped.",
                       code="methodology_not_found")
    return kept


@lru_cache(maxsize=None)
def _methodology_paths() -> dict[str, Path]:
    return {load_methodology(path).id: path for path in sorted((DATA_DIR / "methodologies").glob("*.json"))}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
