"""Robustness tests use the API fixtures."""

from tests.fixtures_api import *  # noqa: F401,F403
