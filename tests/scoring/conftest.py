"""Fixtures for the pure engine: the real data files, loaded once per session."""

from __future__ import annotations

import pytest

from scoring import load_methodologies, load_risk_list
from tests.scoring.builders import DATA


@pytest.fixture(scope="session")
def risk_list():
    return load_risk_list(DATA / "risk")


@pytest.fixture(scope="session")
def methodologies():
    return load_methodologies(DATA / "methodologies")


@pytest.fixture(scope="session")
def f2w(methodologies):
    return methodologies["f2w-2026"]


@pytest.fixture(scope="session")
def themes(methodologies):
    return methodologies["themes-example"]
