"""Our own versions of the py-evm precompiles that disagree with their EIPs.

py-evm 0.12.1b1 is archived, so its precompiles were audited one by one against their EIPs and
against revm (tests/integration/test_precompiles_anvil.py); the ones found wrong or unfit are
replaced here, for both the block executor and the host's precompile runner:

- MODEXP (0x05, EIP-198 with the EIP-2565 prices every OP fork uses, since Bedrock is
  post-Berlin): py-evm answers 0 whenever the base length is 0, but EIP-198 defines the output
  as ``B**E % M`` left-padded to the modulus length with an empty base meaning ``B = 0``, so
  ``0**0 % M`` is ``1 % M`` (0x01 for ``M = 2``). Only ``base_len = mod_len = 0`` gives empty
  output. No OP fork up to Jovian (or Karst) adopts Osaka's EIP-7823 length cap or EIP-7883
  prices: their exec-engine.md pages change only the input-size limits of bn256Pairing and the
  BLS12-381 MSM/pairing precompiles.
- KZG point evaluation (0x0A, EIP-4844): py-evm reloads the trusted setup on every call
  (seconds) and lets ckzg's ``ValueError`` escape as a crash instead of a failed call.
- RIPEMD-160 (0x03): py-evm asks ``hashlib`` for it, which only works where the linked OpenSSL
  still offers the legacy algorithm (OpenSSL 3 moved it to the legacy provider, so some builds
  raise ``ValueError`` there: a crash instead of a hash); pycryptodome's is always there.
- alt_bn128 add/mul/pairing (0x06-0x08, EIP-196/197): same results, but py_ecc took ~0.7 s
  per pairing pair and 16 ms per mul; revm answers them (see ``bn254_revm``; the former
  ``bn254_pairing``, py_ecc with a faster subgroup check, is the tests' reference now:
  tests/unit/executor/bn254_pairing_reference.py).
- BLS12-381 (0x0b-0x11, EIP-2537): same results, but py_ecc's pure-Python curve arithmetic
  took seconds per pairing and ~90 s for a G2 MSM at the Isthmus input limit; arkworks does
  the arithmetic, our own code every encoding rule (see ``bls12_381_fast``).
- BLAKE2 F (0x09, EIP-152): same results; py-evm's pure-Python compression and input decoder
  were ~14 µs per round and ~80 µs per call (see ``blake2f``).
"""

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import ckzg
from eth.exceptions import VMError
from eth.precompiles.point_evaluation import TRUSTED_SETUP_PATH, kzg_to_versioned_hash
from eth.vm.forks.cancun.constants import (
    BLS_MODULUS,
    FIELD_ELEMENTS_PER_BLOB,
    POINT_EVALUATION_PRECOMPILE_GAS,
)

from op_program.executor.evm_backend.blake2f import blake2f
from op_program.executor.evm_backend.bls12_381_fast import PRECOMPILES as BLS12_381
from op_program.executor.evm_backend.bn254_revm import ecadd, ecmul, ecpairing

Precompile = Callable[[Any], Any]

RIPEMD160_ADDRESS = (0x03).to_bytes(20, "big")
MODEXP_ADDRESS = (0x05).to_bytes(20, "big")
POINT_EVALUATION_ADDRESS = (0x0A).to_bytes(20, "big")
ECADD_ADDRESS = (0x06).to_bytes(20, "big")
ECMUL_ADDRESS = (0x07).to_bytes(20, "big")
PAIRING_ADDRESS = (0x08).to_bytes(20, "big")
BLAKE2F_ADDRESS = (0x09).to_bytes(20, "big")

RIPEMD160_GAS = 600
RIPEMD160_WORD_GAS = 120
MODEXP_MIN_GAS = 200
_MODEXP_DENOMINATOR = 3


def ripemd160(computation: Any) -> Any:
    """RIPEMD-160 (0x03, yellow paper appendix E): the digest left-padded to 32 bytes.

    Gas: 600 + 120 per 32-byte word of input. pycryptodome is imported on the first call: its
    cffi back-end costs ~0.14 s of start-up (deferred_modules), and few blocks call 0x03.
    """
    from Crypto.Hash import RIPEMD160

    data = bytes(computation.msg.data_as_bytes)
    words = (len(data) + 31) // 32
    computation.consume_gas(RIPEMD160_GAS + RIPEMD160_WORD_GAS * words, reason="RIPEMD160")
    computation.output = bytes(12) + RIPEMD160.new(data).digest()
    return computation


def _word(data: bytes, offset: int, size: int) -> bytes:
    """``size`` bytes of ``data`` from ``offset``, zero-padded on the right past its end.

    ``offset`` may be any non-negative integer (a length field is 256 bits); nothing past
    ``size`` bytes is allocated, so only call it with a ``size`` the caller has paid for.
    """
    chunk = data[offset:offset + size]
    return chunk + bytes(size - len(chunk))


def _value(data: bytes, offset: int, size: int) -> int:
    """The big-endian integer in ``size`` bytes of ``data`` at ``offset``, zero-padded right.

    Equal to ``int.from_bytes(_word(data, offset, size))`` without materialising the padding.
    """
    chunk = data[offset:offset + size]
    return int.from_bytes(chunk, "big") << (8 * (size - len(chunk)))


def modexp_lengths(data: bytes) -> tuple[int, int, int]:
    """The declared base, exponent and modulus lengths (EIP-198: three 32-byte words)."""
    return (int.from_bytes(_word(data, 0, 32), "big"), int.from_bytes(_word(data, 32, 32), "big"),
            int.from_bytes(_word(data, 64, 32), "big"))


def modexp_gas(data: bytes) -> int:
    """EIP-2565 gas: ``max(200, ceil(max(Lb, Lm) / 8)**2 * max(iterations, 1) // 3)``.

    ``iterations`` is EIP-198's adjusted exponent length: the index of the highest set bit of
    the exponent's first 32 bytes, plus ``8 * (Le - 32)`` when the exponent is longer.
    """
    base_len, exp_len, mod_len = modexp_lengths(data)
    head_len = min(exp_len, 32)
    head = _value(data, 96 + base_len, head_len)
    iterations = max(head.bit_length() - 1, 0)
    if exp_len > 32:
        iterations += 8 * (exp_len - 32)
    words = (max(base_len, mod_len) + 7) // 8
    return max(MODEXP_MIN_GAS, words * words * max(iterations, 1) // _MODEXP_DENOMINATOR)


def modexp_output(data: bytes) -> bytes:
    """EIP-198: ``B**E % M`` left-padded to ``Lm`` bytes; an empty field reads as 0.

    ``0**0`` is 1, so a zero exponent gives ``1 % M``; ``M = 0`` gives ``Lm`` zero bytes.
    Only called after :func:`modexp_gas` was paid, which bounds ``Lb`` and ``Lm``; ``Le`` is
    not bounded by the gas when ``Lb = Lm = 0``, so that case returns before reading it.
    """
    base_len, exp_len, mod_len = modexp_lengths(data)
    if base_len == 0 and mod_len == 0:
        return b""
    modulus = _value(data, 96 + base_len + exp_len, mod_len)
    if modulus == 0:
        return bytes(mod_len)
    base = _value(data, 96, base_len)
    exponent = _value(data, 96 + base_len, exp_len)
    return pow(base, exponent, modulus).to_bytes(mod_len, "big")


def modexp(computation: Any) -> Any:
    """The MODEXP precompile (0x05): charge the EIP-2565 gas, then compute EIP-198's output."""
    data = bytes(computation.msg.data_as_bytes)
    computation.consume_gas(modexp_gas(data), reason="MODEXP precompile")
    computation.output = modexp_output(data)
    return computation


_KZG_INPUT_LENGTH = 192
_KZG_OUTPUT = FIELD_ELEMENTS_PER_BLOB.to_bytes(32, "big") + BLS_MODULUS.to_bytes(32, "big")


@cache
def _trusted_setup() -> Any:
    return ckzg.load_trusted_setup(TRUSTED_SETUP_PATH, 0)


def point_evaluation(computation: Any) -> Any:
    """EIP-4844 point evaluation: versioned hash ‖ z ‖ y ‖ commitment ‖ proof (192 bytes).

    Any malformed input (length, hash, z or y not below the BLS modulus, a point that does
    not decode, a proof that does not verify) fails the call.
    """
    computation.consume_gas(POINT_EVALUATION_PRECOMPILE_GAS, reason="Point Evaluation")
    data = bytes(computation.msg.data_as_bytes)
    if len(data) != _KZG_INPUT_LENGTH:
        raise VMError("point evaluation: input is not 192 bytes")
    commitment, proof = data[96:144], data[144:192]
    if kzg_to_versioned_hash(commitment) != data[:32]:
        raise VMError("point evaluation: commitment does not match the versioned hash")
    try:
        valid = ckzg.verify_kzg_proof(commitment, data[32:64], data[64:96], proof,
                                      _trusted_setup())
    except (RuntimeError, ValueError) as exc:  # ckzg rejects malformed field elements/points
        raise VMError(f"point evaluation: {exc}") from exc
    if not valid:
        raise VMError("point evaluation: proof does not verify")
    computation.output = _KZG_OUTPUT
    return computation


_REPLACEMENTS: dict[bytes, Precompile] = {
    RIPEMD160_ADDRESS: ripemd160,
    MODEXP_ADDRESS: modexp,
    POINT_EVALUATION_ADDRESS: point_evaluation,
    ECADD_ADDRESS: ecadd,
    ECMUL_ADDRESS: ecmul,
    PAIRING_ADDRESS: ecpairing,
    BLAKE2F_ADDRESS: blake2f,
    **BLS12_381,
}


def corrected(precompiles: Mapping[Any, Precompile]) -> dict[bytes, Precompile]:
    """``precompiles`` (py-evm's set of one fork, keyed by address) with our replacements."""
    table = {bytes(address): run for address, run in precompiles.items()}
    for address, run in _REPLACEMENTS.items():
        if address in table:
            table[address] = run
    return table
