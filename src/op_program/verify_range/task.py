"""One step of ``verify-range`` as a picklable task: prove a claimed output root online.

Spec: fault-proof/index.md ("Fault Proof Program", "Host"). The task is the ordinary host
(``host.runner.run_host``: in-memory store, L1/L2/beacon sources, the in-process client) with
a client program that keeps the verdict's computed output root and gas, so the report can name
computed against claimed root. It runs in a worker process of the distributed engine: the
module-level :func:`prove_step` and its :class:`StepTask` argument pickle. A failure of any kind
is a :class:`BlockResult` with verdict ``error`` (never ``invalid``: DESIGN §5).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from op_program.host.config import ChainSetup, RPCKind
from op_program.host.kvstore.base import DataFormat
from op_program.redact import redact_url, redact_urls_in


class Verdict(StrEnum):
    """What one step came to."""

    VALID = "valid"
    INVALID = "invalid"
    ERROR = "error"
    UNVERIFIED = "unverified"
    """Not provable: the step's agreed output root is a claim found invalid."""


@dataclass(frozen=True, slots=True)
class NodeUrls:
    """The node endpoints a task fetches from; shown redacted (they may hold API keys)."""

    l1: str
    l1_beacon: str
    l2: str
    l2_experimental: str | None = None

    def __repr__(self) -> str:
        # Dask logs a failed task's arguments: the URLs must not reach a log with their keys.
        return (f"NodeUrls(l1={redact_url(self.l1)}, l1_beacon={redact_url(self.l1_beacon)}, "
                f"l2={redact_url(self.l2)})")


@dataclass(frozen=True, slots=True)
class StepTask:
    """Prove ``claimed_root`` at ``block`` from ``agreed_root`` at ``block - span``."""

    chain: ChainSetup = field(repr=False)
    urls: NodeUrls
    l1_head: bytes
    block: int
    span: int
    l2_head: bytes
    """Hash of L2 block ``block - span`` (the agreed block)."""
    agreed_root: bytes
    claimed_root: bytes
    l1_rpc_kind: RPCKind = RPCKind.STANDARD
    datadir: Path | None = None
    """A preimage store shared by every task (``--datadir``; LMDB serves many processes)."""
    data_format: DataFormat = DataFormat.LMDB


@dataclass(frozen=True, slots=True)
class BlockResult:
    """The report line of one step."""

    block: int
    span: int
    claimed_root: bytes
    verdict: Verdict
    computed_root: bytes | None = None
    gas_used: int = 0
    seconds: float = 0.0
    preimages: int = 0
    error: str | None = None
    cached: bool = False
    cpu_seconds: float = 0.0
    """CPU time of the worker process during the step (its wall time minus waiting: for the
    scaling numbers of docs/verify-range.md, independent of other load on the machine)."""
    """Taken from the result store, not proven in this run."""

    def to_json(self) -> dict[str, object]:
        """The JSON object of this line (``--json``)."""
        return {
            "block": self.block, "span": self.span, "verdict": self.verdict.value,
            "claimed_root": "0x" + self.claimed_root.hex(),
            "computed_root": None if self.computed_root is None
            else "0x" + self.computed_root.hex(),
            "gas_used": self.gas_used, "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3), "preimages": self.preimages,
            "cached": self.cached, "error": self.error,
        }  # fmt: skip


class _CapturingClient:
    """The client program (``client.program.prove``) that keeps its verdict for the report."""

    def __init__(self) -> None:
        self.output_root: bytes | None = None
        self.gas_used = 0
        self.preimages = 0
        self.error: str | None = None

    def __call__(self, source: object, hinter: object) -> int:
        from op_program.client.oracle import ClientOracle
        from op_program.client.program import prove

        oracle = ClientOracle(source, hinter)  # type: ignore[arg-type]
        try:
            verdict = prove(oracle)
        except Exception as exc:  # noqa: BLE001 - any failure is an error, never a verdict
            self.error = f"{type(exc).__name__}: {exc}"
            return 2
        finally:
            self.preimages = oracle.requests
        self.output_root, self.gas_used = verdict.output_root, verdict.gas_used
        return 0 if verdict.valid else 1


def prove_step(task: StepTask) -> BlockResult:
    """Prove one step with the online host in this process; never raises for a bad proof."""
    from op_program.errors import OpProgramError
    from op_program.host.config import HostConfig
    from op_program.host.runner import run_host

    started, cpu_started = time.monotonic(), time.process_time()
    client = _CapturingClient()
    try:
        config = HostConfig(
            chain=task.chain, l1_head=task.l1_head, l2_head=task.l2_head,
            l2_output_root=task.agreed_root, l2_claim=task.claimed_root,
            l2_claim_block_number=task.block, l1_url=task.urls.l1,
            l1_beacon_url=task.urls.l1_beacon, l2_url=task.urls.l2,
            l2_experimental_url=task.urls.l2_experimental, l1_rpc_kind=task.l1_rpc_kind,
            datadir=task.datadir, data_format=task.data_format,
        ).check()  # fmt: skip
        code = run_host(config, client)
    except OpProgramError as exc:
        client.error, code = f"{type(exc).__name__}: {exc}", 2
    seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu_started
    if code in (0, 1) and client.output_root is not None:
        verdict, error = (Verdict.VALID if code == 0 else Verdict.INVALID), None
    else:
        verdict = Verdict.ERROR
        error = redact_urls_in(client.error or f"the host exited {code} without a verdict")
    return BlockResult(block=task.block, span=task.span, claimed_root=task.claimed_root,
                       verdict=verdict, computed_root=client.output_root,
                       gas_used=client.gas_used, seconds=seconds, preimages=client.preimages,
                       error=error, cpu_seconds=cpu_seconds)
