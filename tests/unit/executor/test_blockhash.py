"""BLOCKHASH walks ancestor headers from the state source, lazily (geth ``GetHashFn``)."""

import dataclasses

import pytest

from op_program.encoding.hashing import keccak256
from op_program.executor.errors import MissingStateError
from op_program.mpt.account import decode_storage_value
from op_program.mpt.lookup import trie_get
from tests.unit.executor import harness as h

READER = bytes.fromhex("0000000000000000000000000000000000b10c00")


def reader(depths: list[int]) -> bytes:
    """Code storing BLOCKHASH(NUMBER - depth) at slot i for each depth."""
    code = b""
    for slot, depth in enumerate(depths):
        code += bytes([0x60, depth, 0x43, 0x03, 0x40, 0x60, slot, 0x55])  # sstore(i, blockhash)
    return code + b"\x00"


def run(depths: list[int], with_grandparent: bool) -> tuple[list[int], list[bytes]]:
    root, pre = h.funded(extra=lambda b: b.set_code(READER, reader(depths)))
    grandparent = dataclasses.replace(h.parent_header(root), number=99, parent_hash=b"\x98" * 32)
    parent = dataclasses.replace(h.parent_header(root), parent_hash=grandparent.hash)
    preimages = dict(pre)
    if with_grandparent:
        preimages[grandparent.hash] = grandparent.encode()
    result = h.build(h.config(), parent, h.attributes([h.user_tx(0, READER)]), preimages)
    nodes = {**preimages, **result.new_nodes}
    storage_root = h.account(result, preimages, READER).storage_root
    out = []
    for slot in range(len(depths)):
        raw = trie_get(storage_root, keccak256(slot.to_bytes(32, "big")), nodes.__getitem__)
        out.append(0 if raw is None else decode_storage_value(raw))
    assert result.receipts[0].status == 1
    return out, [parent.hash, grandparent.hash, grandparent.parent_hash]


def test_blockhash_of_recent_ancestors() -> None:
    values, hashes = run([0, 1, 2, 3], with_grandparent=True)
    assert values == [0] + [int.from_bytes(x, "big") for x in hashes]


def test_grandparent_header_is_fetched_only_when_needed() -> None:
    values, hashes = run([1, 2], with_grandparent=False)
    assert values == [int.from_bytes(x, "big") for x in hashes[:2]]
    with pytest.raises(MissingStateError):
        run([3], with_grandparent=False)
