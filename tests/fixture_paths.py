"""Where ../shared/fixtures lives; tests skip with a reason when it is absent."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"


def fixtures_path(*parts: str) -> Path:
    """Return a path under ../shared/fixtures, skipping the calling test when it is absent."""
    path = FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared fixtures not found at {path} (run inside the project workspace)")
    return path


@pytest.fixture
def fixtures_dir() -> Path:
    """The ../shared/fixtures folder; the test is skipped when it does not exist."""
    return fixtures_path()
