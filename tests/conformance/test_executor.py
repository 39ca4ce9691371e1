"""Executor conformance: every real block in tests/fixtures/executor is rebuilt exactly."""

import gzip
import json
from pathlib import Path

import pytest

from op_program.executor.builder import build_block
from op_program.executor.fixture import BlockFixture, parse_fixture
from op_program.executor.source import MappingStateSource
from tests.fixture_paths import FIXTURES

EXECUTOR_FIXTURES = FIXTURES / "executor"
FIXTURE_DIRS = sorted(p for p in EXECUTOR_FIXTURES.glob("*") if (p / "fixture.json").exists())


def load(path: Path) -> BlockFixture:
    fixture = json.loads((path / "fixture.json").read_text())
    with gzip.open(path / "preimages.json.gz", "rt") as fh:
        preimages = json.load(fh)
    return parse_fixture(fixture, preimages)


@pytest.mark.conformance
@pytest.mark.skipif(not FIXTURE_DIRS, reason=f"no executor fixtures under {EXECUTOR_FIXTURES}")
@pytest.mark.parametrize("path", FIXTURE_DIRS, ids=[p.name for p in FIXTURE_DIRS])
def test_real_block_reproduces_expected_hash(path: Path) -> None:
    fx = load(path)
    result = build_block(fx.config, fx.parent, fx.attributes, MappingStateSource(fx.preimages))
    assert result.header.hash.hex() == fx.expected_block_hash.hex()
    assert result.header.number == fx.parent.number + 1
    assert len(result.receipts) == len(fx.attributes.transactions)
    # Everything fetched is part of the fixture's witness, and nothing else was needed.
    assert set(result.witness) <= set(fx.preimages)
