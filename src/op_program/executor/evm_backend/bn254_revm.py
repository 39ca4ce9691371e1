"""The alt_bn128 precompiles (0x06 add, 0x07 mul, 0x08 pairing) answered by revm (``pyrevm``).

Spec: EIP-196 (add, mul: input right-padded with zeros or truncated to 128/96 bytes; a
coordinate >= p or a point off y² = x³ + 3 fails the call; (0, 0) is infinity), EIP-197
(pairing: k × 192 bytes, G2 imaginary part first, every point on its curve and in the order-r
subgroup), EIP-1108 (Istanbul gas: 150, 6,000, 45,000 + 34,000·k; every OP fork is later).

Why: py_ecc's pure-Python arithmetic took ~0.7 s per pairing pair, 16 ms per mul, 0.2 ms per
add, so a 30M gas block of them took 260 s, 83 s, 43 s (bench/precompiles.py). revm's are the
precompiles op-revm (kona, anvil) runs; ``pyrevm`` is paradigm's Python binding of revm.
The gas and the pairing's length rule stay ours, charged before revm runs; revm only decides
success and output: the input goes to the precompile's address in a message call, and
revm's "PrecompileError" halt is the call's failure. Any other outcome (another halt, a
binding error) is not a precompile answer and propagates as a crash (exit 2, never a
verdict). tests/unit/executor/test_bn254_revm.py compares each with py-evm/py_ecc on
random valid and invalid inputs.
"""

import threading
from typing import Any

from eth.exceptions import VMError

ADD_GAS = 150
MUL_GAS = 6_000
PAIRING_BASE_GAS = 45_000
PAIRING_PER_PAIR_GAS = 34_000
_PAIR_SIZE = 192
_CALLER = "0x" + "00" * 19 + "01"
_TX_GAS = 2**62
"""Enough for any input: the message call pays 21,000 + 16 per calldata byte + the
precompile's own price, none of which is what we charge (we charge EIP-1108's price)."""

_CALLS_PER_EVM = 1024
"""A pyrevm EVM keeps ~400 bytes per message call (measured with 0.3.7: +20 MB per 50,000
calls), so each thread's instance is replaced after this many calls (a new one costs ~1.5 ms:
~1.5 µs a call)."""

_local = threading.local()


def _evm() -> Any:
    """This thread's revm instance (the binding's EVM object is not shared across threads)."""
    calls = getattr(_local, "calls", _CALLS_PER_EVM)
    if calls >= _CALLS_PER_EVM:
        import pyrevm  # on the first call: ~9 ms of start-up that few blocks need

        _local.evm = pyrevm.EVM(spec_id="PRAGUE")
        calls = 0
    _local.calls = calls + 1
    return _local.evm


def revm_precompile(address: int, data: bytes) -> bytes | None:
    """The output of revm's precompile at ``address`` on ``data``; None when it fails the call.

    Raises:
        RuntimeError: revm stopped for another reason than the precompile's failure.
    """
    try:
        out: bytes = _evm().message_call(_CALLER, "0x" + address.to_bytes(20, "big").hex(),
                                         calldata=data, gas=_TX_GAS)
    except RuntimeError as exc:
        if "reason: PrecompileError" in str(exc):
            return None
        raise
    return bytes(out)


def _answer(computation: Any, address: int, data: bytes) -> Any:
    output = revm_precompile(address, data)
    if output is None:
        raise VMError(f"alt_bn128 precompile 0x{address:02x}: invalid input")
    computation.output = output
    return computation


def ecadd(computation: Any) -> Any:
    """bn256Add (0x06): EIP-196 with EIP-1108's 150 gas."""
    data = bytes(computation.msg.data_as_bytes)
    computation.consume_gas(ADD_GAS, reason="ECADD")
    return _answer(computation, 0x06, data)


def ecmul(computation: Any) -> Any:
    """bn256ScalarMul (0x07): EIP-196 with EIP-1108's 6,000 gas."""
    data = bytes(computation.msg.data_as_bytes)
    computation.consume_gas(MUL_GAS, reason="ECMUL")
    return _answer(computation, 0x07, data)


def ecpairing(computation: Any) -> Any:
    """bn256Pairing (0x08): EIP-197 with EIP-1108 gas; a length not k × 192 fails unpriced."""
    data = bytes(computation.msg.data_as_bytes)
    if len(data) % _PAIR_SIZE:
        raise VMError("Invalid ECPAIRING parameters")
    pairs = len(data) // _PAIR_SIZE
    computation.consume_gas(PAIRING_BASE_GAS + pairs * PAIRING_PER_PAIR_GAS, reason="ECPAIRING")
    return _answer(computation, 0x08, data)
