"""API fixtures live in tests/fixtures_api.py, shared with tests/robustness."""

from tests.fixtures_api import *  # noqa: F401,F403
