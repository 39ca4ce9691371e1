"""The fault proof program: prologue, derivation, epilogue; the verdict as an exit code.

Spec: fault-proof/index.md, "Fault Proof Program" (Prologue, Main content, Epilogue);
DESIGN §2 and §5. ``run`` is a pure function of the preimages it is given: it never reads the
clock, the environment or the network, so two runs ask for the same keys in the same order.
Exit 0 when the output root at ``min(claimed block, safe head reached)`` equals the claim,
1 when it differs, 2 for anything else, with a log line that says why.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from op_program.client.blobs import OracleBlobSource
from op_program.client.boot import BootInfo, load_boot_info
from op_program.client.driver import BatchCounter, drive
from op_program.client.errors import BootError, ClientError
from op_program.client.execution import OracleBlockBuilder
from op_program.client.l1 import OracleL1Source
from op_program.client.l2 import OracleL2Source, fetch_output
from op_program.client.oracle import ClientOracle, HintSink, PreimageSource
from op_program.client.output import output_root_of
from op_program.client.precompiles import PrecompileAccelerator
from op_program.config.hardforks import Fork
from op_program.derive.attributes_builder import UPGRADE_FORKS
from op_program.derive.pipeline import DerivationPipeline
from op_program.errors import OpProgramError
from op_program.exit_codes import ExitCode
from op_program.protocol.upgrades import upgrade_transactions

log = logging.getLogger("op_program.client")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The program's result: the output root it computed and at which L2 block."""

    block_number: int
    output_root: bytes
    claimed_output_root: bytes
    gas_used: int = 0
    """Gas of the L2 blocks the program derived and executed (0 when it derived none)."""

    @property
    def valid(self) -> bool:
        """Whether the computed output root equals the claim."""
        return self.output_root == self.claimed_output_root


class Phase:
    """The phase being run (prologue, derive, epilogue), named in the failure log."""

    __slots__ = ("name",)

    def __init__(self) -> None:
        self.name = "prologue"


def prove(oracle: ClientOracle, phase: Phase | None = None) -> Verdict:
    """Run prologue, derivation and epilogue; return the verdict (raises on program errors)."""
    phase = phase if phase is not None else Phase()
    phase.name = "prologue"
    boot = load_boot_info(oracle)
    log.info(
        "Program bootstrapped l1_head=0x%s agreed_output_root=0x%s claimed_output_root=0x%s "
        "claimed_block_number=%d l2_chain_id=%d",
        boot.l1_head.hex(), boot.agreed_output_root.hex(), boot.claimed_output_root.hex(),
        boot.claimed_block_number, boot.l2_chain_id,
    )  # fmt: skip
    l2 = _agreed_chain(oracle, boot)
    agreed_number = l2.head.number
    gas_used = 0
    if boot.claimed_block_number <= agreed_number:
        # Trace extension (DESIGN §5): decided by block number; nothing to derive.
        log.info("Claimed block is at or below the agreed safe head: nothing to derive")
    else:
        phase.name = "derive"
        gas_used = _derive(oracle, boot, l2)
    phase.name = "epilogue"
    target = min(boot.claimed_block_number, l2.head.number)
    header = l2.header_by_number(target)
    isthmus = boot.rollup_config.is_isthmus(header.timestamp)
    root = output_root_of(header, l2.node_by_hash, isthmus)
    return Verdict(header.number, root, boot.claimed_output_root, gas_used)


def _upgrade_source(fork: Fork) -> Callable[[], list[bytes]]:
    return lambda: [tx.encode() for tx in upgrade_transactions(fork.value)]


UPGRADES = {fork: _upgrade_source(fork) for fork in UPGRADE_FORKS}
"""Network-upgrade deposits per fork, for the attributes of each activation block."""


def _derive(oracle: ClientOracle, boot: BootInfo, l2: OracleL2Source) -> int:
    """DERIVE: drive the pipeline (which resets at the sync start) and the executor.

    Returns the gas used by the blocks built (reported per block by ``verify-range``).
    """
    rollup = boot.rollup_config
    if boot.l1_chain_config is None:
        raise BootError(f"no L1 chain config for L1 chain id {rollup.l1_chain_id}")
    l1 = OracleL1Source(oracle, boot.l1_head)
    log.info("L1 head loaded number=%d hash=0x%s", l1.head.number, boot.l1_head.hex())
    blobs = OracleBlobSource(oracle, defer_checks=True)  # checked below, before any verdict
    pipeline = DerivationPipeline(rollup, boot.l1_chain_config, l1, blobs, l2, UPGRADES)
    accelerator = PrecompileAccelerator(oracle)
    builder = OracleBlockBuilder(rollup, l2, accelerator)
    counted = BatchCounter(pipeline)
    try:
        drive(counted, builder, l2, boot.claimed_block_number, rollup.is_holocene)
    except Exception:
        blobs.check_pending()  # a wrong blob, if any, is the cause to report
        raise
    blobs.check_pending()
    log.info(
        "Derivation done safe_head=%d l1_origin=%s l1_headers=%d l1_bodies=%d blobs=%d "
        "batches=%d gas_used=%d precompile_calls=%d preimages_requested=%d",
        l2.head.number, pipeline.origin.number if pipeline.origin else "-", l1.headers_read,
        l1.bodies_read, blobs.blobs_read, counted.batches, builder.gas_used, accelerator.calls,
        oracle.requests,
    )  # fmt: skip
    return builder.gas_used


def _agreed_chain(oracle: ClientOracle, boot: BootInfo) -> OracleL2Source:
    output = fetch_output(oracle, boot.agreed_output_root)
    l2 = OracleL2Source(oracle, output.block_hash)
    if l2.head.state_root != output.state_root:
        raise ClientError("agreed output root's state root does not match its block header")
    log.info("Agreed L2 safe head number=%d hash=0x%s", l2.head.number, output.block_hash.hex())
    return l2


def run(source: PreimageSource, hinter: HintSink) -> int:
    """Run the program against a preimage oracle and hint writer; return the exit code."""
    oracle = ClientOracle(source, hinter)
    phase = Phase()
    try:
        verdict = prove(oracle, phase)
    except OpProgramError as exc:
        _log_failure(oracle, phase.name, exc)
        return int(ExitCode.ERROR)
    except Exception as exc:  # noqa: BLE001 - process entry point: any failure is exit 2
        _log_failure(oracle, phase.name, exc)
        return int(ExitCode.ERROR)
    log.info("Preimages requested=%d hints=%d", oracle.requests, oracle.hints_sent)
    if verdict.valid:
        log.info(
            "Claim successfully verified block=%d output_root=0x%s",
            verdict.block_number, verdict.output_root.hex(),
        )  # fmt: skip
        return int(ExitCode.VALID)
    log.error(
        "Claim is invalid block=%d computed_output_root=0x%s claimed_output_root=0x%s",
        verdict.block_number, verdict.output_root.hex(), verdict.claimed_output_root.hex(),
    )  # fmt: skip
    return int(ExitCode.INVALID)


def _log_failure(oracle: ClientOracle, phase: str, exc: BaseException) -> None:
    log.error(
        "Program failed phase=%s stage=%s err=%r last_key=0x%s preimages_requested=%d",
        phase, failing_stage(exc), f"{type(exc).__name__}: {exc}", oracle.last_key.hex(),
        oracle.requests,
    )  # fmt: skip


def failing_stage(exc: BaseException) -> str:
    """Name the module that failed: the outermost non-client op_program frame, else the client's.

    The client calls into derivation, execution and codecs, which call back into the client's
    oracle; the first foreign package on the stack is the stage that needed the failing data.
    """
    innermost = "client"
    tb = exc.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.startswith("op_program."):
            if not module.startswith("op_program.client."):
                return module.removeprefix("op_program.")
            innermost = module.removeprefix("op_program.")
        tb = tb.tb_next
    return innermost
