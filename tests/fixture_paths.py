"""Where the repository's real-data fixtures live (``tests/fixtures``, provenance in its README).

The fixtures are part of the repository, so a missing one is a broken checkout: the test fails
instead of skipping.
"""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixtures_path(*parts: str) -> Path:
    """Return a path under ``tests/fixtures``, failing the calling test when it is absent."""
    path = FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"fixture {path} is missing from the checkout (tests/fixtures/README.md)")
    return path


@pytest.fixture
def fixtures_dir() -> Path:
    """The ``tests/fixtures`` folder."""
    return fixtures_path()
