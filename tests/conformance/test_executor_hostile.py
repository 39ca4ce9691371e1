"""Hostile input on a real block: a lying or incomplete state source, garbage transactions.

Each must end in a typed executor error naming the cause, never in a wrong block.
"""

import dataclasses
from pathlib import Path

import pytest

from op_program.executor.builder import build_block
from op_program.executor.errors import (
    MissingStateError,
    TransactionDecodingError,
    WrongPreimageError,
)
from op_program.executor.fixture import BlockFixture
from op_program.executor.source import MappingStateSource
from tests.conformance.test_executor import EXECUTOR_FIXTURES, load

FIXTURE = EXECUTOR_FIXTURES / "op-sepolia-26207960"


@pytest.fixture(scope="module")
def fx() -> BlockFixture:
    if not Path(FIXTURE, "fixture.json").exists():
        pytest.skip(f"fixture {FIXTURE} not found")
    return load(FIXTURE)


def used_keys(fx: BlockFixture) -> list[bytes]:
    result = build_block(fx.config, fx.parent, fx.attributes, MappingStateSource(fx.preimages))
    assert result.block_hash == fx.expected_block_hash
    return sorted(result.witness)


@pytest.mark.conformance
def test_wrong_preimage_is_rejected(fx: BlockFixture) -> None:
    for key in used_keys(fx)[:3]:
        lying = dict(fx.preimages)
        lying[key] = lying[key] + b"\x00"
        with pytest.raises(WrongPreimageError) as info:
            build_block(fx.config, fx.parent, fx.attributes, MappingStateSource(lying))
        assert info.value.key == key


@pytest.mark.conformance
def test_missing_preimage_is_reported(fx: BlockFixture) -> None:
    keys = used_keys(fx)
    for key in (keys[0], keys[len(keys) // 2], keys[-1]):
        partial = {k: v for k, v in fx.preimages.items() if k != key}
        with pytest.raises(MissingStateError) as info:
            build_block(fx.config, fx.parent, fx.attributes, MappingStateSource(partial))
        assert info.value.key == key


@pytest.mark.conformance
@pytest.mark.parametrize("mangle", [
    lambda tx: tx[: len(tx) // 2],  # truncated
    lambda tx: b"\x02" + bytes(40),  # garbage payload
    lambda tx: tx + b"\x00",  # trailing byte
])
def test_garbage_transaction_in_attributes(fx: BlockFixture, mangle: object) -> None:
    assert callable(mangle)
    txs = list(fx.attributes.transactions)
    txs[2] = mangle(txs[2])
    attrs = dataclasses.replace(fx.attributes, transactions=tuple(txs))
    with pytest.raises(TransactionDecodingError) as info:
        build_block(fx.config, fx.parent, attrs, MappingStateSource(fx.preimages))
    assert info.value.index == 2


class KeyErrorSource(MappingStateSource):
    """A sloppy source that signals a missing node with a bare KeyError."""

    def __init__(self, preimages: dict[bytes, bytes], missing: bytes) -> None:
        super().__init__(preimages)
        self.missing = missing

    def node_by_hash(self, node_hash: bytes) -> bytes:
        if node_hash == self.missing:
            raise KeyError(node_hash)
        return super().node_by_hash(node_hash)


@pytest.mark.conformance
def test_a_source_raising_keyerror_never_reads_as_an_absent_account(fx: BlockFixture) -> None:
    # py-evm reads a KeyError from its store as "no such account"; the backend must not.
    for key in used_keys(fx)[:3]:
        source = KeyErrorSource(dict(fx.preimages), key)
        with pytest.raises((KeyError, MissingStateError)):
            build_block(fx.config, fx.parent, fx.attributes, source)
