"""bn254_revm (revm through pyrevm) against py-evm's alt_bn128 precompiles (py_ecc).

Add and mul are compared with py-evm's own ``ecadd``/``ecmul``, the pairing with
``bn254_pairing_reference.ecpairing`` (py_ecc's Miller loop, itself tested against py-evm and
anvil), on inputs built from every kind of point EIP-196/197 distinguish: in the group,
infinity, off the curve, a coordinate >= p, a G2 point outside the subgroup, and inputs of the
wrong length (add/mul pad or truncate them; the pairing fails them). Success, output and gas
must agree.
"""

from typing import Any

import pytest
from eth.vm.forks.prague.computation import PragueComputation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from py_ecc import optimized_bn128

from op_program.executor.evm_backend import bn254_revm
from tests.integration.precompile_inputs import (
    BN_G1,
    BN_G2,
    BN_N,
    BN_P,
    BN_ZERO,
    bn_g2,
    bn_g2_outside_subgroup,
    word,
)
from tests.unit.executor import bn254_pairing_reference as bn254_pairing
from tests.unit.executor.precompile_outcome import Precompile, outcome

bn: Any = optimized_bn128
_PRAGUE: dict[Any, Precompile] = dict(PragueComputation.get_precompiles())
py_evm_ecadd = _PRAGUE[(0x06).to_bytes(20, "big")]  # with Istanbul's EIP-1108 price
py_evm_ecmul = _PRAGUE[(0x07).to_bytes(20, "big")]


def g1(k: int) -> bytes:
    if k % BN_N == 0:
        return BN_ZERO
    x, y = bn.normalize(bn.multiply(bn.G1, k))
    return word(int(x)) + word(int(y))


def _replace_word(data: bytes, index: int, value: int) -> bytes:
    return data[:32 * index] + word(value % 2**256) + data[32 * (index + 1):]


g1_points = st.one_of(
    st.builds(g1, st.integers(0, BN_N)),
    st.just(BN_ZERO),
    st.binary(min_size=64, max_size=64),  # almost always off the curve
    st.builds(_replace_word, st.builds(g1, st.integers(1, 50)), st.integers(0, 1),
              st.integers(BN_P, 2**256 - 1) | st.sampled_from([BN_P, BN_P + 1])),
)
g2_points = st.one_of(
    st.builds(lambda k: bn_g2(bn.multiply(bn.G2, k)), st.integers(1, BN_N - 1)),
    st.just(bytes(128)),
    st.just(bn_g2_outside_subgroup()),
    st.binary(min_size=128, max_size=128),
    st.builds(_replace_word, st.just(BN_G2), st.integers(0, 3), st.integers(BN_P, 2**256 - 1)),
)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(g1_points, g1_points, st.integers(-128, 40))
def test_ecadd(a: bytes, b: bytes, cut: int) -> None:
    data = (a + b + bytes(40))[:128 + cut]
    ours = outcome(bn254_revm.ecadd, data)
    event(f"success={ours[0]}")
    assert ours == outcome(py_evm_ecadd, data)


@SETTINGS
@given(g1_points, st.integers(0, 2**256 - 1) | st.sampled_from([0, 1, BN_N - 1, BN_N, BN_N + 1]),
       st.integers(-96, 40))
def test_ecmul(a: bytes, scalar: int, cut: int) -> None:
    data = (a + word(scalar) + bytes(40))[:96 + cut]
    ours = outcome(bn254_revm.ecmul, data)
    event(f"success={ours[0]}")
    assert ours == outcome(py_evm_ecmul, data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(g1_points, g2_points), min_size=0, max_size=2), st.integers(-1, 1))
def test_ecpairing(pairs: list[tuple[bytes, bytes]], cut: int) -> None:
    data = b"".join(a + b for a, b in pairs)
    data = data[:len(data) + cut] if cut < 0 else data + bytes(cut)
    ours = outcome(bn254_revm.ecpairing, data)
    event(f"success={ours[0]} output={ours[1].hex()[-1:]}")
    assert ours == outcome(bn254_pairing.ecpairing, data)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, BN_N - 1), st.integers(1, BN_N - 1), st.booleans())
def test_ecpairing_bilinear(a: int, b: int, balanced: bool) -> None:
    # e(aG1, bG2) · e(-cG1, G2) is one exactly when c = ab.
    c = a * b % BN_N if balanced else (a * b + 1) % BN_N
    data = g1(a) + bn_g2(bn.multiply(bn.G2, b)) + g1(BN_N - c) + BN_G2
    expected = (True, word(1 if balanced else 0), 45_000 + 2 * 34_000)
    assert outcome(bn254_revm.ecpairing, data) == expected


@pytest.mark.parametrize("precompile, data", [
    (bn254_revm.ecadd, b""),
    (bn254_revm.ecadd, BN_G1 + BN_G1),
    (bn254_revm.ecmul, BN_G1 + word(BN_N)),
    (bn254_revm.ecmul, BN_G1[:63] + b"\x03" + word(2)),  # off the curve
    (bn254_revm.ecpairing, b""),
    (bn254_revm.ecpairing, BN_G1 + bn_g2_outside_subgroup()),
    (bn254_revm.ecpairing, BN_ZERO + bytes(128)),
])
def test_edge_cases(precompile: Precompile, data: bytes) -> None:
    references: dict[Precompile, Precompile] = {
        bn254_revm.ecadd: py_evm_ecadd, bn254_revm.ecmul: py_evm_ecmul,
        bn254_revm.ecpairing: bn254_pairing.ecpairing}
    reference = references[precompile]
    assert outcome(precompile, data) == outcome(reference, data)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, BN_N - 1), st.integers(1, BN_N - 1)), min_size=1,
                max_size=2))
def test_ecpairing_valid_points(scalars: list[tuple[int, int]]) -> None:
    data = b"".join(g1(a) + bn_g2(bn.multiply(bn.G2, b)) for a, b in scalars)
    ours = outcome(bn254_revm.ecpairing, data)
    assert ours[0]
    assert ours == outcome(bn254_pairing.ecpairing, data)


def test_each_threads_evm_is_replaced_after_a_bounded_number_of_calls() -> None:
    # pyrevm's EVM grows with every message call; a fresh instance bounds the memory.
    bn254_revm.revm_precompile(0x06, b"")
    first = bn254_revm._local.evm
    for _ in range(bn254_revm._CALLS_PER_EVM):
        assert bn254_revm.revm_precompile(0x06, b"") == bytes(64)
    assert bn254_revm._local.evm is not first
