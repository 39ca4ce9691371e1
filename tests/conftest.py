"""Pytest configuration shared by every test folder."""

from hypothesis import settings

from tests.fixture_paths import fixtures_dir

# Tests never assert timings: hypothesis's default 200 ms per-example deadline is one, and it
# fails examples on a loaded CI machine (seen on the first, import-paying example). Tests that
# want a different example count still set their own @settings, which inherit this profile.
settings.register_profile("op-program", deadline=None)
settings.load_profile("op-program")

__all__ = ["fixtures_dir"]
