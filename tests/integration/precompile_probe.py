"""A probe contract that measures one precompile call, run on anvil (op-revm) and on our EVM.

The probe takes ``target (32 bytes) ‖ gas G (32 bytes) ‖ input`` as calldata, STATICCALLs the
target with exactly ``G`` gas (the transaction carries far more, so the 63/64 rule never cuts
it) and returns, and logs, ``success (32) ‖ gas spent around the call (32) ‖ return data``.
The gas spent is the precompile's charge plus a fixed ``PROBE_OVERHEAD`` (pushes, the warm
STATICCALL, GAS); a failing call spends all of ``G``. Running the same probe on anvil's
``eth_call`` and on ``EvmBackend.execute`` compares output bytes, success and exact gas in one
call per case.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_types import (
    EMPTY_ROOT,
    BlockEnv,
    EvmRevision,
    EvmTransaction,
    ExecutionOutcome,
)
from op_program.executor.precompiles import PrecompileRules
from op_program.executor.source import MappingStateSource, VerifiedSource
from tests.integration.anvil_node import rpc, running_anvil

PROBE = bytes.fromhex("00000000000000000000000000000000000b0be5")
SENDER = bytes.fromhex("00000000000000000000000000000000005e0de2")
TX_GAS = 90_000_000
BLOCK_GAS = 100_000_000

_CODE = [
    "6040", "36", "03",              # n = calldatasize - 64
    "80", "6040", "6000", "37",      # calldatacopy(0, 64, n)
    "5a",                            # g1 = gas
    "6000", "6000", "83", "6000",    # retSize 0, retOffset 0, argsSize n, argsOffset 0
    "600035", "602035",              # target, G
    "fa",                            # staticcall
    "5a",                            # g2 = gas
    "90", "600052",                  # mstore(0, success)
    "90", "03", "602052",            # mstore(32, g1 - g2)
    "3d", "6000", "6040", "3e",      # returndatacopy(64, 0, returndatasize)
    "3d", "6040", "01",              # total = returndatasize + 64
    "80", "6000", "a0",              # log0(0, total)
    "6000", "f3",                    # return(0, total)
]
PROBE_CODE = bytes.fromhex("".join(_CODE))
# Between the two GAS readings: five PUSH1 (3 each), DUP4 (3), two CALLDATALOAD (3 each), the
# warm STATICCALL (100, EIP-2929: precompiles are always warm) and the second GAS (2).
PROBE_OVERHEAD = 5 * 3 + 3 + 2 * 3 + 100 + 2


@dataclass(frozen=True)
class ProbeResult:
    """One measured call: success, gas the precompile charged (all of G on failure), output."""

    success: bool
    gas: int
    output: bytes

    @classmethod
    def decode(cls, raw: bytes) -> "ProbeResult":
        success = int.from_bytes(raw[:32], "big")
        assert success in (0, 1), raw[:32].hex()
        return cls(bool(success), int.from_bytes(raw[32:64], "big") - PROBE_OVERHEAD, raw[64:])


def calldata(address: int, data: bytes, gas: int) -> bytes:
    """The probe's calldata for a call to ``address`` with ``data`` and ``gas``."""
    return address.to_bytes(32, "big") + gas.to_bytes(32, "big") + data


@dataclass(frozen=True)
class Fork:
    """An OP fork: the anvil that serves as its reference and the rules our EVM applies."""

    name: str
    anvil_args: tuple[str, ...]
    revision: EvmRevision
    rules: PrecompileRules


# anvil 1.7.1 in optimism mode runs op-revm's Isthmus precompile set whatever --hardfork says
# (at --hardfork granite it answers BLS12-381 at 0x0b, at --hardfork canyon KZG at 0x0a, and at
# --hardfork jovian it applies no Jovian input limit). So the OP reference is its Isthmus, and
# the Ethereum revisions under the older OP forks (exec-engine.md: Bedrock = London + merge,
# Canyon = Shanghai, Ecotone = Cancun) are checked against anvil in Ethereum mode.
_ISTHMUS = PrecompileRules(fjord=True, granite=True, isthmus=True)
FORKS = {
    "isthmus": Fork("isthmus", ("--network", "optimism", "--hardfork", "isthmus"),
                    EvmRevision.PRAGUE, _ISTHMUS),
    "bedrock": Fork("bedrock", ("--hardfork", "paris"), EvmRevision.PARIS, PrecompileRules()),
    "canyon": Fork("canyon", ("--hardfork", "shanghai"), EvmRevision.SHANGHAI,
                   PrecompileRules()),
    "ecotone": Fork("ecotone", ("--hardfork", "cancun"), EvmRevision.CANCUN, PrecompileRules()),
}
JOVIAN = Fork("jovian", (), EvmRevision.PRAGUE,
              PrecompileRules(fjord=True, granite=True, isthmus=True, jovian=True))


def _local_backend(fork: Fork) -> EvmBackend:
    env = BlockEnv(
        revision=fork.revision, coinbase=bytes(20), number=1, timestamp=1_700_000_000,
        gas_limit=BLOCK_GAS, base_fee=0, prev_randao=bytes(32), chain_id=10,
        ancestor_hashes=iter(()), precompile_rules=fork.rules,
    )
    return EvmBackend(VerifiedSource(MappingStateSource({})), EMPTY_ROOT, env)


def _transaction(to: bytes, data: bytes, gas: int) -> EvmTransaction:
    zeros = data.count(0)
    return EvmTransaction(
        sender=SENDER, to=to, value=0, data=data, gas=gas, gas_price=0, tip=0,
        max_fee_per_gas=0, max_priority_fee_per_gas=0,
        intrinsic_gas=21_000 + 4 * zeros + 16 * (len(data) - zeros), tx_type=2,
        is_deposit=False,
    )


def run_transaction(code: bytes, data: bytes, fork: str = "isthmus") -> tuple[ExecutionOutcome,
                                                                               int]:
    """Run one transaction to a contract with ``code`` on our EVM: its outcome and slot 0."""
    backend = _local_backend(FORKS[fork])
    target = (0xC0FFEE).to_bytes(20, "big")
    backend.set_code(target, code)
    outcome = backend.execute(_transaction(target, data, 100_000))
    return outcome, backend.get_storage(target, 0)


class LocalProbe:
    """The probe on our executor's EVM (``EvmBackend``) under one fork's rules."""

    def __init__(self, fork: Fork) -> None:
        self._backend = _local_backend(fork)
        self._backend.set_code(PROBE, PROBE_CODE)

    def call(self, address: int, data: bytes, gas: int) -> ProbeResult:
        """Measure one call of ``address`` with ``data`` and ``gas``."""
        outcome = self._backend.execute(_transaction(PROBE, calldata(address, data, gas),
                                                     TX_GAS))
        assert outcome.success and len(outcome.logs) == 1, outcome
        return ProbeResult.decode(outcome.logs[0].data)


class AnvilProbe:
    """The probe on anvil (op-revm) at one OP fork, through ``eth_call``."""

    def __init__(self, url: str) -> None:
        self.url = url
        rpc(url, "anvil_setCode", "0x" + PROBE.hex(), "0x" + PROBE_CODE.hex())

    def call(self, address: int, data: bytes, gas: int) -> ProbeResult:
        """Measure one call of ``address`` with ``data`` and ``gas``."""
        raw = rpc(self.url, "eth_call", {
            "from": "0x" + SENDER.hex(), "to": "0x" + PROBE.hex(),
            "data": "0x" + calldata(address, data, gas).hex(), "gas": hex(TX_GAS)}, "latest")
        return ProbeResult.decode(bytes.fromhex(raw[2:]))


@contextmanager
def anvil_probe(fork: Fork) -> Iterator[AnvilProbe]:
    """The reference anvil of ``fork`` with the probe installed."""
    with running_anvil(*fork.anvil_args, "--gas-limit", str(BLOCK_GAS), "--base-fee", "0",
                       "--gas-price", "0") as url:
        yield AnvilProbe(url)
