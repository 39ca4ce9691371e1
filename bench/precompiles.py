"""Benchmark the expensive precompiles: seconds per gas, and a block's worth of gas in seconds.

A block can spend its whole gas limit on one precompile, so the liveness question is how long
the slowest precompile takes per unit of gas (DoS: a block a sequencer can build in
milliseconds must not take our executor hours). Per precompile and input this prints JSON:
the gas charged, seconds per call, Mgas/s, and seconds for 30M and 60M gas spent on that input
(a CALL's own overhead of >= 100 gas is ignored: this is the precompile alone).

``python bench/precompiles.py`` times the precompiles our executor runs (precompile_runner);
``--reference`` times py-evm's own functions for the precompiles we replaced (py_ecc; the
"before" numbers). ``--quick`` skips the large MSM/pairing inputs.

The "evm loop" cases are what a block can really do: a contract that STATICCALLs the
precompile in an endless loop with all its gas (warm call 100 gas + ~30 gas of loop per
iteration on top of the precompile's price), run by our executor (EvmBackend, Isthmus rules)
in one transaction until it runs out of gas; there the cheap calls (blake2f with 0 rounds,
bn254 add, identity) are priced mostly by the CALL.
"""

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import coincurve
from py_ecc import optimized_bls12_381, optimized_bn128

from op_program.executor import p256
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_backend.precompile_runner import _Call, run_precompile
from op_program.executor.evm_types import EMPTY_ROOT, BlockEnv, EvmRevision, EvmTransaction
from op_program.executor.precompiles import PrecompileRules
from op_program.executor.source import MappingStateSource, VerifiedSource

bls: Any = optimized_bls12_381
bn: Any = optimized_bn128
BLOCK_GAS = (30_000_000, 60_000_000)
P256_VECTORS = (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "vectors"
                / "p256-verify" / "p256Verify.json")


def _address(n: int) -> bytes:
    return n.to_bytes(20, "big")


def _bn_g1(k: int) -> bytes:
    x, y = bn.normalize(bn.multiply(bn.G1, k))
    return int(x).to_bytes(32, "big") + int(y).to_bytes(32, "big")


def _bn_g2(k: int) -> bytes:
    x, y = bn.normalize(bn.multiply(bn.G2, k))
    # EIP-197: imaginary part first.
    return b"".join(int(c).to_bytes(32, "big") for c in (x.coeffs[1], x.coeffs[0],
                                                         y.coeffs[1], y.coeffs[0]))


def _bls_g1(k: int) -> bytes:
    x, y = bls.normalize(bls.multiply(bls.G1, k))
    return int(x).to_bytes(64, "big") + int(y).to_bytes(64, "big")


def _bls_g2(k: int) -> bytes:
    x, y = bls.normalize(bls.multiply(bls.G2, k))
    return b"".join(int(c).to_bytes(64, "big") for c in (*x.coeffs, *y.coeffs))


def _scalar(i: int) -> bytes:
    return hashlib.sha256(i.to_bytes(8, "big")).digest()  # a full-width 256-bit scalar


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def modexp_input(base: int, exponent: int, modulus: int) -> bytes:
    """EIP-198 layout with each value in its minimal length."""
    fields = [v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
              for v in (base, exponent, modulus)]
    return b"".join(word(len(f)) for f in fields) + b"".join(fields)


def _blake2f(rounds: int) -> bytes:
    return rounds.to_bytes(4, "big") + bytes(range(64)) + bytes(128) + bytes(16) + b"\x01"


def inputs(quick: bool) -> list[tuple[str, int, bytes]]:
    """(name, address, input) for every benchmarked case."""
    g1s = [_bls_g1(i + 2) for i in range(8)]
    g2s = [_bls_g2(i + 2) for i in range(8)]

    def g1_msm(k: int) -> bytes:
        return b"".join(g1s[i % 8] + _scalar(i) for i in range(k))

    def g2_msm(k: int) -> bytes:
        return b"".join(g2s[i % 8] + _scalar(i) for i in range(k))

    def bls_pairs(k: int) -> bytes:
        return b"".join(g1s[i % 8] + g2s[(i + 3) % 8] for i in range(k))

    bn_pair = _bn_g1(3) + _bn_g2(5)
    key = coincurve.PrivateKey(_scalar(99))
    digest = _scalar(7)
    signature = key.sign_recoverable(digest, hasher=None)
    ecrecover = digest + word(27 + signature[64]) + signature[:64]
    p256 = bytes.fromhex(json.loads(P256_VECTORS.read_text())[0]["Input"])
    modulus = (1 << 8191) | 1  # 1024-byte odd modulus
    cases = [
        ("ecrecover", 1, ecrecover),
        ("p256verify", 0x100, p256),
        ("modexp 1024-byte base/modulus, exponent 3", 5,
         modexp_input(modulus - 2, 3, modulus)),
        ("modexp 32-byte, 256-bit exponent", 5,
         modexp_input(2**255 + 11, 2**256 - 1, 2**256 - 189)),
        ("blake2f 1 round", 9, _blake2f(1)),
        ("blake2f 12 rounds", 9, _blake2f(12)),
        ("blake2f 10000 rounds", 9, _blake2f(10_000)),
        ("bn254 add", 6, _bn_g1(3) + _bn_g1(5)),
        ("bn254 mul 256-bit scalar", 7, _bn_g1(3) + _scalar(0)),
        ("bn254 pairing 1 pair", 8, bn_pair),
        ("bn254 pairing 2 pairs", 8, bn_pair * 2),
        ("bls g1 add", 0x0B, g1s[0] + g1s[1]),
        ("bls g2 add", 0x0D, g2s[0] + g2s[1]),
        ("bls g1 msm 1 pair", 0x0C, g1_msm(1)),
        ("bls g1 msm 8 pairs", 0x0C, g1_msm(8)),
        ("bls g2 msm 1 pair", 0x0E, g2_msm(1)),
        ("bls g2 msm 8 pairs", 0x0E, g2_msm(8)),
        ("bls pairing 1 pair", 0x0F, bls_pairs(1)),
        ("bls pairing 2 pairs", 0x0F, bls_pairs(2)),
        ("bls map fp to g1", 0x10, (7).to_bytes(64, "big")),
        ("bls map fp2 to g2", 0x11, (7).to_bytes(64, "big") + (9).to_bytes(64, "big")),
    ]
    if not quick:
        # Isthmus input limits (exec-engine.md): G1 MSM 513,760 bytes (3,211 pairs), G2 MSM
        # 488,448 (1,696), pairing 235,008 (612); past 128 pairs the MSM discount is constant.
        cases += [
            ("bls g1 msm 128 pairs", 0x0C, g1_msm(128)),
            ("bls g1 msm 3211 pairs (Isthmus limit)", 0x0C, g1_msm(3211)),
            ("bls g2 msm 128 pairs", 0x0E, g2_msm(128)),
            ("bls g2 msm 1696 pairs (Isthmus limit)", 0x0E, g2_msm(1696)),
            ("bls pairing 612 pairs (Isthmus limit)", 0x0F, bls_pairs(612)),
            ("bn254 pairing 20 pairs", 8, bn_pair * 20),
        ]
    return cases


def _reference(address: int) -> Callable[[Any], Any] | None:
    """py-evm's own function for a precompile we replaced (None: not replaced)."""
    from eth.vm.forks.prague.computation import PragueComputation

    from op_program.executor.evm_backend.corrected_precompiles import _REPLACEMENTS

    if _address(address) not in _REPLACEMENTS:
        return None
    table: dict[Any, Callable[[Any], Any]] = dict(PragueComputation.get_precompiles())
    return table[_address(address)]


def measure(address: int, data: bytes, reference: bool, min_seconds: float) -> dict[str, Any]:
    if reference:
        fn = _reference(address)
        if fn is None:
            return {"skipped": "not replaced: the reference is what we run"}

        def call() -> tuple[bool, int]:
            computation = _Call(data, 10**15)
            fn(computation)
            return True, computation.gas_used
    elif address == 0x100:  # an OP precompile (RIP-7212), not in the L1 runner's table
        def call() -> tuple[bool, int]:
            return p256.verify(data), p256.P256_GAS
    else:
        def call() -> tuple[bool, int]:
            result = run_precompile(_address(address), data, 10**15)
            return result.success, result.gas_used
    calls, start = 0, time.perf_counter()
    while True:
        success, gas = call()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
    seconds = elapsed / calls
    row: dict[str, Any] = {"success": success, "gas": gas, "seconds": round(seconds, 7),
                           "calls": calls, "mgas_per_s": round(gas / seconds / 1e6, 3)}
    for block in BLOCK_GAS:
        row[f"seconds_per_{block // 1_000_000}M_gas"] = round(block / gas * seconds, 2)
    return row


def _loop_code(address: int) -> bytes:
    """calldatacopy(0, 0, size); loop: staticcall(gas, address, 0, size, 0, 0); pop.

    The output is not written to memory (it would overwrite the input); RETURNDATA holds it.
    """
    return bytes.fromhex("366000600037" "5b" "6000600036600060" + f"{address:02x}"
                         + "5afa50" "600656")


def measure_loop(address: int, data: bytes, gas: int) -> dict[str, Any]:
    """Seconds our EVM takes to burn ``gas`` calling the precompile in a loop."""
    env = BlockEnv(revision=EvmRevision.PRAGUE, coinbase=bytes(20), number=1,
                   timestamp=1_700_000_000, gas_limit=10**9, base_fee=0,
                   prev_randao=bytes(32), chain_id=10, ancestor_hashes=iter(()),
                   precompile_rules=PrecompileRules(fjord=True, granite=True, isthmus=True))
    backend = EvmBackend(VerifiedSource(MappingStateSource({})), EMPTY_ROOT, env)
    target = (0xC0FFEE).to_bytes(20, "big")
    backend.set_code(target, _loop_code(address))
    zeros = data.count(0)
    tx = EvmTransaction(sender=(0x5E0DE2).to_bytes(20, "big"), to=target, value=0, data=data,
                        gas=gas, gas_price=0, tip=0, max_fee_per_gas=0,
                        max_priority_fee_per_gas=0,
                        intrinsic_gas=21_000 + 4 * zeros + 16 * (len(data) - zeros), tx_type=2,
                        is_deposit=False)
    start = time.perf_counter()
    cpu_start = time.process_time()
    outcome = backend.execute(tx)
    cpu = time.process_time() - cpu_start
    seconds = time.perf_counter() - start
    row: dict[str, Any] = {"gas": outcome.gas_used, "seconds": round(seconds, 4),
                           "mgas_per_s": round(outcome.gas_used / seconds / 1e6, 3),
                           "cpu_seconds": round(cpu, 4),
                           "mgas_per_cpu_s": round(outcome.gas_used / cpu / 1e6, 3)}
    for block in BLOCK_GAS:
        row[f"seconds_per_{block // 1_000_000}M_gas"] = round(
            block / outcome.gas_used * seconds, 2)
    return row


LOOPS = [
    ("evm loop: blake2f 0 rounds", 9, _blake2f(0)),
    ("evm loop: identity 32 bytes", 4, bytes(32)),
    ("evm loop: bn254 add", 6, bytes(128)),
    ("evm loop: bls g1 add", 0x0B, bytes(256)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--min-seconds", type=float, default=0.5)
    parser.add_argument("--only", default="", help="substring of the case names to run")
    parser.add_argument("--loop-gas", type=int, default=2_000_000,
                        help="gas each evm loop case burns (0: skip them)")
    args = parser.parse_args()
    rows = {}
    for name, address, data in inputs(args.quick):
        if args.only in name:
            rows[name] = {"address": hex(address),
                          **measure(address, data, args.reference, args.min_seconds)}
            print(name, rows[name], file=sys.stderr)
    if args.loop_gas and not args.reference:
        for name, address, data in LOOPS:
            if args.only in name:
                rows[name] = {"address": hex(address),
                              **measure_loop(address, data, args.loop_gas)}
                print(name, rows[name], file=sys.stderr)
    json.dump({"implementation": "py-evm (py_ecc)" if args.reference else "ours",
               "cases": rows}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
