"""Round trip of accelerated precompiles: the host runs and stores, our client reads and accepts.

fault-proof/index.md, "Precompile Accelerators": the client hints ``l1-precompile-v2
<address ‖ u64 required gas ‖ input>`` and asks for the type-6 key of the same bytes; the host
must store ``status ‖ output`` under exactly that key.
"""

import pytest

from op_program.client.oracle import ClientOracle
from op_program.client.precompiles import PrecompileAccelerator
from op_program.encoding.hashing import keccak256
from op_program.executor.evm_backend.precompile_runner import run_precompile as run_l1
from op_program.executor.precompiles import ACCELERATABLE, PrecompileRules
from op_program.host.errors import HintError
from op_program.host.precompiles import run_precompile
from op_program.preimage.keys import keccak256_key, precompile_key
from tests.unit.executor.test_precompile_runner import (
    G1,
    G2,
    JEFF1,
    NEG_G1,
    R,
    ecrecover_input,
    kzg_input,
)
from tests.unit.host.test_prefetcher import make

RULES = PrecompileRules(granite=True, isthmus=True)

ROUND_TRIP = [
    (0x01, ecrecover_input()[0], True),
    (0x08, JEFF1, True),
    (0x08, JEFF1[192:] * 2, True),                                   # false, still success
    (0x08, b"\x01" + JEFF1[1:], False),                              # off the curve
    (0x0A, kzg_input(), True),
    (0x0A, kzg_input()[:64] + bytes(32) + kzg_input()[96:], False),  # proof does not verify
    (0x0B, G1 + NEG_G1, True),
    (0x0B, G1[:127] + bytes((G1[127] ^ 1,)) + G1, False),            # off the curve
    (0x0C, G1 + R.to_bytes(32, "big"), True),
    (0x0D, G2 + G2, True),
    (0x0E, G2 + (3).to_bytes(32, "big"), True),
    (0x0F, G1 + G2 + NEG_G1 + G2, True),
    (0x10, bytes(63) + b"\x07", True),
    (0x11, bytes(127) + b"\x05", True),
]


@pytest.mark.parametrize("address, data, success", ROUND_TRIP,
                         ids=[f"{a:#04x}-{i}" for i, (a, _, _) in enumerate(ROUND_TRIP)])
def test_client_accepts_what_the_host_stored(address: int, data: bytes, success: bool) -> None:
    prefetcher, _, store = make()
    accelerator = PrecompileAccelerator(ClientOracle(prefetcher, prefetcher))
    local = run_l1(address.to_bytes(20, "big"), data, 10**9)
    gas = local.gas_used if local.success else 100_000
    outcome = accelerator.run(address, data, gas, RULES)
    assert accelerator.calls == 1
    assert (outcome.success, outcome.output) == (success, local.output)
    payload = address.to_bytes(20, "big") + gas.to_bytes(8, "big") + data
    key = precompile_key(address.to_bytes(20, "big"), gas, data)
    assert store.get(key) == (b"\x01" + local.output if success else b"\x00")
    assert store.get(keccak256_key(keccak256(payload))) == payload


def test_every_accelerated_precompile_is_served() -> None:
    assert {a for a, _, _ in ROUND_TRIP} == ACCELERATABLE


@pytest.mark.parametrize("address", [b"\x00" * 19 + b"\x02", b"\x00" * 19 + b"\x09",
                                     b"\x00" * 19 + b"\x12", b"\x01" * 20, b"\x0b"])
def test_other_addresses_are_refused(address: bytes) -> None:
    with pytest.raises(HintError, match="unsupported precompile"):
        run_precompile(address, b"")


def test_result_does_not_depend_on_the_hinted_gas() -> None:
    # op-program's prefetcher runs geth's Run, which is unmetered: the gas only keys the result.
    prefetcher, _, _ = make()
    address = (0x08).to_bytes(20, "big")
    prefetcher.hint(f"l1-precompile-v2 0x{(address + (1).to_bytes(8, 'big') + JEFF1).hex()}")
    assert prefetcher.get(precompile_key(address, 1, JEFF1)) == b"\x01" + (1).to_bytes(32, "big")
