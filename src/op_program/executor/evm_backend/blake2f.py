"""The BLAKE2 F compression precompile (0x09) with the compression in Rust (``blake2b-py``).

Spec: EIP-152. Input: exactly 213 bytes = rounds (4 bytes, big-endian) ‖ h (8 × 8 bytes) ‖
m (16 × 8) ‖ t (2 × 8), each word little-endian ‖ f (1 byte, 0 or 1); anything else fails the
call before gas is charged. Gas: one per round. Output: the new state h, 64 bytes.

Why not py-evm's: its pure-Python compression took ~14 µs per round, so a 30M gas block of
rounds took ~425 s (bench/precompiles.py); its input decoder (eth_utils validation) took
~80 µs per call whatever the rounds. ``blake2b-py`` is the Rust F function py-evm itself
prefers when installed (eth/precompiles/blake2.py); the decoding here is plain ``struct``.
tests/unit/executor/test_blake2f.py checks it against py-evm's pure-Python compression.
"""

import struct
from typing import Any

from blake2b import compress
from eth.exceptions import VMError

INPUT_LENGTH = 213
_WORDS = struct.Struct("<8Q16Q2Q")


def blake2f(computation: Any) -> Any:
    """EIP-152's F: charge ``rounds`` gas, then compress."""
    data = bytes(computation.msg.data_as_bytes)
    if len(data) != INPUT_LENGTH:
        raise VMError("BLAKE2 F: input is not 213 bytes")
    final = data[212]
    if final > 1:
        raise VMError("BLAKE2 F: final block flag is not 0 or 1")
    rounds = int.from_bytes(data[:4], "big")
    computation.consume_gas(rounds, reason=f"BLAKE2 F with {rounds} rounds")
    words = _WORDS.unpack_from(data, 4)
    computation.output = bytes(compress(rounds, list(words[:8]), list(words[8:24]),
                                        list(words[24:]), bool(final)))
    return computation
