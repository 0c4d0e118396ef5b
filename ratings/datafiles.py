"""Where the project's data files live, and the methodologies and risk list loaded from them once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from scoring.explain import Templates, load_templates
from scoring.methodology import Methodology, load_methodologies
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


EXPLANATION_LANGUAGE = "en"  # the language of the explanation templates every response uses


@lru_cache(maxsize=None)
def explanation_templates(language: str = EXPLANATION_LANGUAGE) -> Templates:
    """The sentences explanations are built from: data/explanations/<language>.json."""
    return load_templates(DATA_DIR / "explanations" / f"{language}.json")
