"""Network-upgrade transactions (vectors/kona-upgrade-txs) executed by the block builder.

Spec: specs/protocol/{ecotone,fjord,isthmus,interop}/derivation.md#network-upgrade-automation
-transactions: the deployments create contracts whose code hashes the tests state; the EIP-4788
and EIP-2935 contracts they deploy then receive the system calls of later blocks
(ecotone/exec-engine.md, isthmus/exec-engine.md).
"""

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from op_program.encoding.hashing import keccak256
from op_program.executor.builder import BlockResult
from op_program.mpt.account import decode_storage_value
from op_program.mpt.lookup import trie_get
from op_program.protocol.predeploys import BEACON_ROOTS, HISTORY_STORAGE
from tests.fixture_paths import fixtures_path
from tests.unit.executor import harness as h

FORKS = ("ecotone", "fjord", "isthmus", "interop")


def vector_dir() -> Path:
    return fixtures_path("vectors", "kona-upgrade-txs")


def upgrade_txs(fork: str) -> list[bytes]:
    files = sorted(vector_dir().glob(f"{fork}_tx_*.hex"), key=lambda p: int(p.stem.rsplit("_")[-1]))
    return [bytes.fromhex(re.sub(r"\s", "", p.read_text()).removeprefix("0x")) for p in files]


def stated_code_hashes(fork: str) -> dict[bytes, bytes]:
    data = json.loads((vector_dir() / "upgrade_txs.json").read_text())
    out = {}
    for name, code_hash in data["deployed_code_hashes_stated_by_tests"].items():
        match = re.fullmatch(r"(\w+)\.\w+\(0x([0-9a-f]{40})\)", name)
        assert match is not None, name
        if match.group(1).lower() == fork:
            out[bytes.fromhex(match.group(2))] = bytes.fromhex(code_hash[2:])
    return out


def storage(result: BlockResult, pre: Mapping[bytes, bytes], address: bytes, slot: int) -> int:
    nodes = {**pre, **result.new_nodes}
    root = h.account(result, pre, address).storage_root
    raw = trie_get(root, keccak256(slot.to_bytes(32, "big")), nodes.__getitem__)
    return 0 if raw is None else decode_storage_value(raw)


def build_upgrade(fork: str) -> tuple[BlockResult, dict[bytes, bytes]]:
    root, pre = h.funded(0)
    cfg = h.config(isthmus_time=0) if fork == "isthmus" else h.config()
    result = h.build(cfg, h.parent_header(root), h.attributes(upgrade_txs(fork)), pre)
    return result, pre


@pytest.mark.parametrize("fork", FORKS)
def test_upgrade_deployments_have_the_stated_code_hashes(fork: str) -> None:
    result, pre = build_upgrade(fork)
    assert all(r.status == 1 for r in result.receipts), [r.status for r in result.receipts]
    expected = stated_code_hashes(fork)
    if fork != "fjord":
        assert expected, f"no stated code hashes for {fork}"
    for address, code_hash in expected.items():
        assert h.account(result, pre, address).code_hash == code_hash, address.hex()


def test_ecotone_beacon_roots_contract_receives_the_system_call() -> None:
    first, pre = build_upgrade("ecotone")
    assert h.account(first, pre, BEACON_ROOTS).code_hash != keccak256(b"")
    nodes = {**pre, **first.new_nodes}
    timestamp = h.T0 + 4
    attrs = h.attributes([], timestamp=timestamp)
    second = h.build(h.config(), first.header, attrs, nodes)
    slot = timestamp % 8191
    assert storage(second, nodes, BEACON_ROOTS, slot) == timestamp
    root = storage(second, nodes, BEACON_ROOTS, slot + 8191)
    assert root.to_bytes(32, "big") == attrs.parent_beacon_block_root


def test_isthmus_history_contract_receives_the_parent_hash() -> None:
    first, pre = build_upgrade("isthmus")
    nodes = {**pre, **first.new_nodes}
    second = h.build(h.config(isthmus_time=0), first.header,
                     h.attributes([], timestamp=h.T0 + 4), nodes)
    slot = (second.header.number - 1) % 8191
    stored = storage(second, nodes, HISTORY_STORAGE, slot)
    assert stored.to_bytes(32, "big") == first.header.hash
