"""Differential: the host's precompile results against anvil (revm, Prague) on the same input.

For every accelerated precompile (fault-proof/index.md, "Precompile Accelerators") the host's
``status ‖ output`` must equal what anvil's ``eth_call`` to that address returns (an error for a
failing call), and the gas the runner charges must be exactly what anvil needs: the call
succeeds with intrinsic + that gas and fails with one less.
"""

from typing import Any

import httpx
import pytest

from op_program.executor.evm_backend.precompile_runner import run_precompile as run_l1
from op_program.host.precompiles import run_precompile
from tests.integration.anvil_node import anvil_fixture
from tests.unit.executor.test_precompile_runner import (
    G1,
    G2,
    JEFF1,
    NEG_G1,
    P,
    R,
    ecrecover_input,
    fp,
    kzg_input,
)

pytestmark = pytest.mark.integration

CASES: list[tuple[str, int, bytes]] = [
    ("ecrecover", 0x01, ecrecover_input()[0]),
    ("ecrecover bad v", 0x01, ecrecover_input()[0][:63] + b"\x05" + ecrecover_input()[0][64:]),
    ("bn256 pairing jeff1", 0x08, JEFF1),
    ("bn256 pairing false", 0x08, JEFF1[192:] + JEFF1[192:]),
    ("bn256 pairing bad length", 0x08, JEFF1[:-1]),
    ("bn256 pairing off curve", 0x08, b"\x01" + JEFF1[1:]),
    ("kzg", 0x0A, kzg_input()),
    ("kzg wrong y", 0x0A, kzg_input()[:64] + bytes(32) + kzg_input()[96:]),
    ("kzg bad length", 0x0A, bytes(191)),
    ("kzg bad versioned hash", 0x0A, bytes(192)),
    ("g1 add", 0x0B, G1 + G1),
    ("g1 add inverse", 0x0B, G1 + NEG_G1),
    ("g1 add off curve", 0x0B, G1[:127] + bytes((G1[127] ^ 1,)) + G1),
    ("g1 add not reduced", 0x0B, fp(P) + G1[64:] + bytes(128)),
    ("g1 msm", 0x0C, G1 + (7).to_bytes(32, "big") + NEG_G1 + (5).to_bytes(32, "big")),
    ("g1 msm order", 0x0C, G1 + R.to_bytes(32, "big")),
    ("g1 msm empty", 0x0C, b""),
    ("g2 add", 0x0D, G2 + G2),
    ("g2 add short", 0x0D, G2 + G2[:-1]),
    ("g2 msm", 0x0E, G2 + (3).to_bytes(32, "big")),
    ("pairing check true", 0x0F, G1 + G2 + NEG_G1 + G2),
    ("pairing check false", 0x0F, G1 + G2),
    ("pairing check empty", 0x0F, b""),
    ("map fp", 0x10, bytes(63) + b"\x07"),
    ("map fp not reduced", 0x10, fp(P)),
    ("map fp2", 0x11, bytes(63) + b"\x05" + bytes(63) + b"\x09"),
    ("map fp2 short", 0x11, bytes(127)),
]


anvil = anvil_fixture("--hardfork", "prague")


def eth_call(url: str, address: int, data: bytes, gas: int | None = None) -> Any:
    call: dict[str, str] = {"to": "0x" + address.to_bytes(20, "big").hex(),
                            "data": "0x" + data.hex()}
    if gas is not None:
        call["gas"] = hex(gas)
    return httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_call",
                                 "params": [call, "latest"]}, timeout=120).json()


def intrinsic_gas(data: bytes) -> tuple[int, int]:
    """Intrinsic gas of a call with ``data``, and the EIP-7623 floor (Prague)."""
    zeros = data.count(0)
    tokens = zeros + 4 * (len(data) - zeros)
    return 21_000 + 4 * zeros + 16 * (len(data) - zeros), 21_000 + 10 * tokens


@pytest.mark.parametrize("name, address, data", CASES, ids=[c[0] for c in CASES])
def test_host_result_and_gas_match_anvil(anvil: str, name: str, address: int,
                                         data: bytes) -> None:
    reply = eth_call(anvil, address, data)
    expected = b"\x00" if "error" in reply else b"\x01" + bytes.fromhex(reply["result"][2:])
    assert run_precompile(address.to_bytes(20, "big"), data) == expected
    result = run_l1(address.to_bytes(20, "big"), data, 10**9)
    if not result.success:
        return
    intrinsic, floor = intrinsic_gas(data)
    exact = intrinsic + result.gas_used
    assert "result" in eth_call(anvil, address, data, max(exact, floor))
    if exact - 1 >= floor:
        assert "error" in eth_call(anvil, address, data, exact - 1)
