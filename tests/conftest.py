"""Pytest configuration shared by every test folder."""

from tests.fixture_paths import fixtures_dir

__all__ = ["fixtures_dir"]
