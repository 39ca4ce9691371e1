from typing import Any

import pytest

from op_program.encoding.hashing import keccak256
from op_program.host.errors import HintError, PreimageNotFoundError
from op_program.host.hint_handlers import HANDLERS, Sources, parse_hint
from op_program.host.kvstore.memory import MemoryKV
from op_program.host.kvstore.split import SplitKV
from op_program.host.prefetcher import Prefetcher
from op_program.preimage.keys import keccak256_key, local_key, precompile_key
from op_program.protocol.output_root import OutputV0
from tests.unit.executor.test_precompile_runner import ecrecover_input

NODE = b"\xc3\x01\x02\x03" * 10
CODE = b"\x60\x01" * 20


class FakeL2:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.blocks = None

    def node(self, h: bytes) -> bytes:
        self.calls.append("node")
        return {keccak256(NODE): NODE}[h]

    def code(self, h: bytes) -> bytes:
        self.calls.append("code")
        return CODE

    def account_proof(self, address: bytes, block: str, slot: bytes = bytes(32)) -> list[bytes]:
        self.calls.append(f"proof {address.hex()} {block}")
        assert len(slot) == 32
        return [NODE]

    def payload_witness(self, parent: bytes, attributes: Any) -> list[bytes]:
        self.calls.append(f"witness {parent.hex()} {attributes}")
        return [NODE, CODE]

    def output_at(self, head: bytes) -> OutputV0:
        self.calls.append("output")
        return OutputV0(b"\x01" * 32, b"\x02" * 32, head)


def make(kv: Any = None, bulk: bool = False) -> tuple[Prefetcher, FakeL2, Any]:
    l2 = FakeL2()
    sources = Sources(l1=None, beacon=None, l2=l2, l2_head=b"\x07" * 32,  # type: ignore[arg-type]
                      l2_chain_id=10)
    store = kv if kv is not None else MemoryKV()
    return Prefetcher(store, sources, bulk_enabled=bulk), l2, store


def test_hit_needs_no_hint() -> None:
    store = MemoryKV()
    store.put(keccak256_key(keccak256(b"x")), b"x")
    assert Prefetcher(store).get(keccak256_key(keccak256(b"x"))) == b"x"


def test_miss_runs_last_hint_then_serves() -> None:
    prefetcher, l2, store = make()
    prefetcher.hint(f"l2-state-node 0x{keccak256(NODE).hex()}")
    assert prefetcher.get(keccak256_key(keccak256(NODE))) == NODE
    assert prefetcher.get(keccak256_key(keccak256(NODE))) == NODE
    assert l2.calls == ["node"]  # second request served from the store
    assert len(store) == 1


def test_hint_that_does_not_produce_the_key() -> None:
    prefetcher, _, _ = make()
    prefetcher.hint(f"l2-code 0x{keccak256(CODE).hex()}")
    with pytest.raises(PreimageNotFoundError, match="not produced by last hint"):
        prefetcher.get(keccak256_key(b"\x09" * 32))


def test_offline_ignores_hints() -> None:
    prefetcher = Prefetcher(MemoryKV())
    prefetcher.hint("l2-code 0x00")
    with pytest.raises(PreimageNotFoundError, match="no hint"):
        prefetcher.get(keccak256_key(b"\x09" * 32))


def test_corrupt_stored_value_is_not_served() -> None:
    store = MemoryKV()
    store.put(keccak256_key(keccak256(b"x")), b"y")
    with pytest.raises(Exception, match="hashes to"):
        Prefetcher(store).get(keccak256_key(keccak256(b"x")))


def test_corrupt_stored_value_is_served_unchecked_only_when_asked() -> None:
    """verify_served=False is for a client that re-hashes every value itself (in-process)."""
    store = MemoryKV()
    store.put(keccak256_key(keccak256(b"x")), b"y")
    assert Prefetcher(store, verify_served=False).get(keccak256_key(keccak256(b"x"))) == b"y"


def test_wrong_chain_id_and_bad_hints() -> None:
    prefetcher, _, _ = make()
    prefetcher.hint(f"l2-code 0x{keccak256(CODE).hex()}{(8453).to_bytes(8, 'big').hex()}")
    with pytest.raises(HintError, match="chain 8453"):
        prefetcher.get(keccak256_key(keccak256(CODE)))
    for hint in ("nohint", "l2-code 00", "l2-code 0xzz"):
        with pytest.raises(HintError):
            parse_hint(hint)
    prefetcher.hint("l9-nothing 0x00")
    with pytest.raises(HintError, match="unknown hint type"):
        prefetcher.get(keccak256_key(b"\x01" * 32))
    prefetcher.hint("l2-code 0x0000")
    with pytest.raises(HintError, match="want 32"):
        prefetcher.get(keccak256_key(b"\x01" * 32))


def test_chain_id_suffix_of_configured_chain() -> None:
    prefetcher, _, _ = make()
    prefetcher.hint(f"l2-code 0x{keccak256(CODE).hex()}{(10).to_bytes(8, 'big').hex()}")
    assert prefetcher.get(keccak256_key(keccak256(CODE))) == CODE


def test_bulk_hint_used_before_single_fetch_when_enabled() -> None:
    prefetcher, l2, _ = make(bulk=True)
    head = b"\x07" * 32
    address = b"\xaa" * 20
    chain = (10).to_bytes(8, "big").hex()
    prefetcher.hint(f"l2-account-proof 0x{head.hex()}{address.hex()}{chain}")
    prefetcher.hint(f"l2-state-node 0x{keccak256(NODE).hex()}")
    assert prefetcher.get(keccak256_key(keccak256(NODE))) == NODE
    assert l2.calls == [f"proof {address.hex()} 0x{head.hex()}"]
    # kona layout: u64 block number ‖ address
    prefetcher.hint(f"l2-account-proof 0x{(5).to_bytes(8, 'big').hex()}{address.hex()}")
    prefetcher.hint(f"l2-code 0x{keccak256(CODE).hex()}")
    assert prefetcher.get(keccak256_key(keccak256(CODE))) == CODE
    assert l2.calls[1:] == [f"proof {address.hex()} 0x5", "code"]


def test_bulk_hint_ignored_when_disabled() -> None:
    prefetcher, l2, _ = make(bulk=False)
    prefetcher.hint("l2-account-proof 0x" + "00" * 60)
    prefetcher.hint(f"l2-state-node 0x{keccak256(NODE).hex()}")
    assert prefetcher.get(keccak256_key(keccak256(NODE))) == NODE
    assert l2.calls == ["node"]


def test_payload_witness_both_layouts() -> None:
    prefetcher, l2, _ = make(bulk=True)
    op = b'{"parentBlockHash":"0x' + b"11" * 32 + b'","payloadAttributes":{"a":1},"chainID":10}'
    prefetcher.hint(f"l2-payload-witness 0x{op.hex()}")
    prefetcher.hint(f"l2-code 0x{keccak256(CODE).hex()}")
    assert prefetcher.get(keccak256_key(keccak256(CODE))) == CODE
    assert l2.calls == ["witness " + "11" * 32 + " {'a': 1}"]
    kona = b"\x22" * 32 + b'{"b":2}'
    prefetcher.hint(f"l2-payload-witness 0x{kona.hex()}")
    prefetcher.hint(f"l2-state-node 0x{keccak256(NODE).hex()}")
    prefetcher.get(keccak256_key(keccak256(NODE)))  # already stored: no fetch
    assert len(l2.calls) == 1


def test_l2_output_only_at_agreed_head() -> None:
    prefetcher, _, _ = make()
    output = OutputV0(b"\x01" * 32, b"\x02" * 32, b"\x07" * 32)
    for name in ("l2-output", "starting-l2-output"):
        prefetcher.hint(f"{name} 0x{output.root.hex()}")
        assert prefetcher.get(keccak256_key(output.root)) == output.encode()
    prefetcher.hint("l2-output 0x" + "55" * 32)
    with pytest.raises(HintError, match="does not match"):
        prefetcher.get(keccak256_key(b"\x55" * 32))


def test_split_store_serves_boot_inputs_without_hints() -> None:
    prefetcher = Prefetcher(SplitKV({local_key(1): b"\x01" * 32}, MemoryKV()))
    assert prefetcher.get(local_key(1)) == b"\x01" * 32


def test_precompile_hints_store_input_and_result() -> None:
    prefetcher, _, store = make()
    address = b"\x00" * 19 + b"\x01"
    gas = (3000).to_bytes(8, "big")
    signature = ecrecover_input()[0]
    payload = address + gas + signature
    prefetcher.hint(f"l1-precompile-v2 0x{payload.hex()}")
    key = precompile_key(address, 3000, signature)
    assert prefetcher.get(key)[0] == 1
    assert store.get(keccak256_key(keccak256(payload))) == payload
    v1 = address + signature
    prefetcher.hint(f"l1-precompile 0x{v1.hex()}")
    v1_key = b"\x06" + keccak256(v1)[1:]
    assert prefetcher.get(v1_key) == prefetcher.get(key)


def test_every_op_program_hint_has_a_handler() -> None:
    from op_program.hints import HintType

    assert set(HintType) <= set(HANDLERS)


def test_kona_account_storage_proof() -> None:
    prefetcher, l2, _ = make(bulk=True)
    address, slot = b"\xaa" * 20, b"\x01" * 32
    payload = (9).to_bytes(8, "big") + address + slot
    prefetcher.hint(f"l2-account-storage-proof 0x{payload.hex()}")
    prefetcher.hint(f"l2-state-node 0x{keccak256(NODE).hex()}")
    assert prefetcher.get(keccak256_key(keccak256(NODE))) == NODE
    assert l2.calls == [f"proof {address.hex()} 0x9"]
