"""Tests that use the product as people do: real servers, real processes, default settings."""

from tests.fixtures_api import *  # noqa: F401,F403
