"""Our replacements of py-evm precompiles (evm_backend/corrected_precompiles.py), known answers.

MODEXP (0x05): EIP-198 outputs and EIP-2565 gas on the edge table, through our precompile.

The same table runs against anvil (revm) in tests/integration/test_precompiles_anvil.py; here
the answers are the EIP's own: ``B**E % M`` left-padded to ``Lm`` bytes, an empty field being 0,
``0**0 = 1``, only ``Lb = Lm = 0`` giving empty output; gas
``max(200, ceil(max(Lb, Lm) / 8)**2 * max(adjusted exponent length, 1) // 3)``.
"""

import pytest

from op_program.executor.evm_backend.corrected_precompiles import modexp_gas, modexp_output
from op_program.executor.evm_backend.precompile_runner import PrecompileResult, run_precompile

ADDRESS = (5).to_bytes(20, "big")
# EIP-198's examples use the secp256k1 field prime.
SECP_P = 2**256 - 2**32 - 977


def modexp_input(base: bytes, exp: bytes, mod: bytes, lengths: tuple[int, int, int] | None = None
                 ) -> bytes:
    lb, le, lm = lengths if lengths is not None else (len(base), len(exp), len(mod))
    return b"".join(n.to_bytes(32, "big") for n in (lb, le, lm)) + base + exp + mod


@pytest.mark.parametrize("data, output, gas", [
    # The issue-15 case: empty base, empty exponent, modulus 2: 0**0 % 2 = 1 (py-evm gave 0).
    (modexp_input(b"", b"", b"\x02"), b"\x01", 200),
    (modexp_input(b"", b"\x00", b"\x02"), b"\x01", 200),
    (modexp_input(b"", b"\x00\x00", b"\x00\x05"), b"\x00\x01", 200),
    (modexp_input(b"", b"\x01", b"\x02"), b"\x00", 200),          # 0**1 = 0
    (modexp_input(b"\x07", b"", b"\x01"), b"\x00", 200),          # anything % 1 = 0
    (modexp_input(b"\x07", b"", b"\x00"), b"\x00", 200),          # M = 0: Lm zero bytes
    (modexp_input(b"\x07", b"", b"\x00\x00\x00"), bytes(3), 200),
    (modexp_input(b"\x07", b"\x02", b""), b"", 200),              # Lm = 0
    (modexp_input(b"", b"", b""), b"", 200),                      # all empty
    (modexp_input(b"\x03", b"\x02", b"\x05"), b"\x04", 200),
    # EIP-198 example 1: 3**(p-2) % p = 1 (Fermat); 16 words^2 * 255 // 3 = 1360 gas (EIP-2565).
    (modexp_input(b"\x03", (SECP_P - 1).to_bytes(32, "big"), SECP_P.to_bytes(32, "big")),
     (1).to_bytes(32, "big"), 1360),
    # EIP-198 example 2: an empty base is 0.
    (modexp_input(b"", (SECP_P - 1).to_bytes(32, "big"), SECP_P.to_bytes(32, "big")),
     bytes(32), 1360),
    # Fields shorter than declared are zero-padded on the right: base 0x0100 here.
    (modexp_input(b"\x01", b"", b"", (2, 0, 0)), b"", 200),
    (modexp_input(b"", b"", b"\x07", (0, 0, 2)), b"\x00\x01", 200),  # M = 0x0700
])
def test_modexp_edge_table(data: bytes, output: bytes, gas: int) -> None:
    assert run_precompile(ADDRESS, data, 10**9) == PrecompileResult(True, output, gas)


def test_empty_base_and_modulus_never_read_a_huge_exponent() -> None:
    # Lb = Lm = 0: the multiplication complexity is 0, so any Le costs 200 and answers nothing.
    data = modexp_input(b"", b"", b"", (0, 2**256 - 1, 0))
    assert run_precompile(ADDRESS, data, 10**9) == PrecompileResult(True, b"", 200)


@pytest.mark.parametrize("lengths", [(2**256 - 1, 0, 1), (0, 0, 2**256 - 1), (1, 2**256 - 1, 1),
                                     (2**255, 2**255, 2**255)])
def test_huge_declared_lengths_run_out_of_gas(lengths: tuple[int, int, int]) -> None:
    data = modexp_input(b"", b"", b"", lengths)
    assert modexp_gas(data) > 2**64
    assert run_precompile(ADDRESS, data, 10**9) == PrecompileResult(False, b"", 0)


def test_gas_uses_the_adjusted_exponent_length() -> None:
    # Le > 32: 8 * (Le - 32) + highest bit of the first 32 bytes; Lm = 64 -> 64 words^2 = 64.
    mod = b"\xff" * 64
    head = (1 << 200).to_bytes(32, "big")
    data = modexp_input(b"\x02", head + bytes(8), mod)
    assert modexp_gas(data) == 64 * (8 * 8 + 200) // 3
    assert modexp_output(data) == pow(2, (1 << 200) << 64, int.from_bytes(mod, "big")).to_bytes(
        64, "big")
    # A zero head with Le > 32 still counts 8 * (Le - 32).
    assert modexp_gas(modexp_input(b"\x02", bytes(40), mod)) == 64 * 64 // 3
    # An exponent of 1 has adjusted length 0, priced as 1.
    assert modexp_gas(modexp_input(b"\x02", b"\x01", mod)) == 200


def test_ripemd160_is_ours_and_matches_the_standard_vectors() -> None:
    # RIPEMD-160 paper test vectors ("" and "abc"), left-padded to 32 bytes.
    address = (3).to_bytes(20, "big")
    empty = run_precompile(address, b"", 10**6)
    assert empty == PrecompileResult(
        True, bytes(12) + bytes.fromhex("9c1185a5c5e9fc54612808977ee8f548b2258d31"), 600)
    abc = run_precompile(address, b"abc", 10**6)
    assert abc == PrecompileResult(
        True, bytes(12) + bytes.fromhex("8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"), 720)
