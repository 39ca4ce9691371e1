import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from op_program.client.boot import load_boot_info
from op_program.client.errors import BootError
from op_program.client.oracle import ClientOracle
from op_program.local_keys import CUSTOM_CHAIN_ID
from op_program.preimage.keys import local_key
from tests.fixture_paths import fixtures_path
from tests.unit.client.witness import DictOracle

L1_HEAD = bytes(range(32))
AGREED = b"\xaa" * 32
CLAIMED = b"\xbb" * 32


def _locals(chain_id: int, **extra: bytes) -> dict[bytes, bytes]:
    table = {
        local_key(1): L1_HEAD,
        local_key(2): AGREED,
        local_key(3): CLAIMED,
        local_key(4): (16491249).to_bytes(8, "big"),
        local_key(5): chain_id.to_bytes(8, "big"),
    }
    for name, value in extra.items():
        table[local_key(int(name[1:]))] = value
    return table


def _boot(table: dict[bytes, bytes]):  # type: ignore[no-untyped-def]
    raw = DictOracle(table)
    return load_boot_info(ClientOracle(raw, raw)), raw


def test_known_chain_by_id() -> None:
    info, raw = _boot(_locals(11155420))
    assert info.l1_head == L1_HEAD
    assert info.agreed_output_root == AGREED
    assert info.claimed_output_root == CLAIMED
    assert info.claimed_block_number == 16491249
    assert info.rollup_config.l2_chain_id == 11155420
    assert info.rollup_config.l1_chain_id == 11155111
    assert info.l1_chain_config is not None and info.l1_chain_config.chain_id == 11155111
    assert raw.hints == []
    assert [k[-1] for k in raw.requests] == [1, 2, 3, 4, 5]


def test_unknown_chain_id_is_a_boot_error() -> None:
    with pytest.raises(BootError):
        _boot(_locals(424242))


def test_custom_chain_reads_keys_6_and_7() -> None:
    chains = json.loads(fixtures_path("chains", "rollup_configs.json").read_text())
    rollup = json.dumps(chains["chains"]["op-sepolia"]).encode()
    l2_config = json.dumps({"chainId": 11155420, "regolithTime": 0}).encode()
    info, raw = _boot(_locals(CUSTOM_CHAIN_ID, k6=l2_config, k7=rollup))
    assert info.l2_chain_id == CUSTOM_CHAIN_ID
    assert info.rollup_config.l2_chain_id == 11155420
    assert info.l2_chain_config.chain_id == 11155420
    assert [k[-1] for k in raw.requests] == [1, 2, 3, 4, 5, 6, 7]


def test_custom_chain_with_bad_json_is_a_boot_error() -> None:
    with pytest.raises(BootError):
        _boot(_locals(CUSTOM_CHAIN_ID, k6=b"{", k7=b"{}"))


def test_wrong_length_inputs_are_boot_errors() -> None:
    table = _locals(11155420)
    table[local_key(4)] = b"\x01"
    with pytest.raises(BootError):
        _boot(table)


@settings(max_examples=200, deadline=None)
@given(
    index=st.sampled_from([1, 2, 3, 4, 5, 6, 7]),
    value=st.binary(max_size=80),
    chain_id=st.sampled_from([11155420, CUSTOM_CHAIN_ID, 7]),
)
def test_arbitrary_boot_values_give_boot_errors_only(
    index: int, value: bytes, chain_id: int
) -> None:
    table = _locals(chain_id, k6=b"{}", k7=b"{}")
    table[local_key(index)] = value
    try:
        info, _ = _boot(table)
    except BootError:
        return
    assert len(info.l1_head) == 32
