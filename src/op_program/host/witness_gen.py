"""Generating a witness: the exact preimage set one proof reads, checked offline before written.

Spec: fault-proof/index.md, "Pre-image Oracle" and "Hinting" (a proof is a function of the
preimages it reads), "Bootstrapping" (the local keys, which come from the boot inputs and are
never part of a witness). ZK/TEE provers re-run the client over a fixed preimage set, so the set
must be complete (every key the client reads) and exact (nothing else).

How (``generate_step``):

1. Run the client against the online host (``Prefetcher``), with an in-memory store. The
   prefetcher records every global key it *serves*; hints fetch more than that (a whole block's
   transactions for one of them), and the witness keeps only what was served.
2. Prove again OFFLINE from exactly that set: a fresh in-memory store loaded with the recorded
   preimages, the same boot inputs as local keys, no RPC at all, the same client (in-process,
   or the same ``--exec`` program). The verdict must equal the online one and the one the caller
   expects (``Expect``); otherwise the step fails (exit 2) and nothing is written.
3. Write the file atomically (``host.witness.write_witness``: JSON, gzip'd JSON or kv.bin).

``generate_step`` is a module-level function of plain, picklable data (``StepParams`` holds a
checked ``HostConfig``, itself frozen dataclasses, enums, bytes and strings), so a range is
mapped over the worker processes of the distributed engine (``op_program.distributed``); it
opens and closes everything it uses itself, the range's shared LMDB store included.
"""

from __future__ import annotations

import logging
import signal
import time
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from op_program.errors import OpProgramError
from op_program.exit_codes import ExitCode
from op_program.host.config import HostConfig
from op_program.host.hint_handlers import Preimages, handlers_for
from op_program.host.kvstore.base import KV, DataFormat
from op_program.host.kvstore.memory import MemoryKV
from op_program.host.lookahead import Lookahead
from op_program.host.prefetcher import Prefetcher
from op_program.host.runner import new_prefetcher, run_client
from op_program.host.sources import open_sources
from op_program.host.witness import write_witness
from op_program.preimage.keys import KeyType
from op_program.redact import redact_urls_in
from op_program.shutdown import stop_requested

_log = logging.getLogger("op_program.host.witness")


class Expect(StrEnum):
    """The verdict a generated witness must prove (``--expect``)."""

    VALID = "valid"
    INVALID = "invalid"
    ANY = "any"

    def accepts(self, verdict: int) -> bool:
        """Whether ``verdict`` (0 or 1) is what was expected."""
        if self is Expect.ANY:
            return verdict in (ExitCode.VALID, ExitCode.INVALID)
        return verdict == (ExitCode.VALID if self is Expect.VALID else ExitCode.INVALID)


@dataclass(frozen=True, slots=True)
class StepParams:
    """One witness to generate: the host config (boot inputs, chain, nodes, client) and output.

    ``config`` must be online (L1, beacon and L2 URLs) and have no ``--datadir``/``--server``;
    ``fetch_concurrency`` is the number of background fetch threads (0: none).
    """

    config: HostConfig
    out: str
    expect: Expect = Expect.VALID
    fetch_concurrency: int = 2
    shared_store: str | None = None
    """An LMDB datadir the steps of a range share as their fetch cache (many processes may
    open it; what one step fetched and checked, the next one reads without a fetch). The
    witness still holds only what this proof was served."""


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one ``generate_step`` did; ``exit_code`` is the verdict (0/1) or 2."""

    exit_code: int
    out: str
    message: str
    online_verdict: int | None = None
    offline_verdict: int | None = None
    preimages: int = 0
    bytes: int = 0
    """Total size of the witness values (keys not counted)."""
    written: bool = False
    seconds_online: float = 0.0
    seconds_offline: float = 0.0
    rpc_requests: int = 0
    rpc_seconds: float = 0.0
    hints_run: int = 0
    lookahead_used: int = 0


class RecordingPrefetcher(Prefetcher):
    """A prefetcher that remembers every key it served (in first-served order).

    With a ``lookahead``, a hint is first looked up among the speculative fetches, and every
    hint's data (fetched or taken) tells the lookahead what to fetch next.
    """

    __slots__ = ("lookahead", "served_keys")

    def __init__(self, *args: Any, lookahead: Lookahead | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.served_keys: dict[bytes, None] = {}
        self.lookahead = lookahead

    def _run(self, hint_type: str, payload: bytes) -> Preimages:
        if self.lookahead is None:
            return super()._run(hint_type, payload)
        pairs = self.lookahead.take(hint_type, payload)
        if pairs is None:
            pairs = super()._run(hint_type, payload)
        self.lookahead.observe(hint_type, payload, pairs)
        return pairs

    def get(self, key: bytes) -> bytes:
        """Serve ``key`` as the prefetcher does, and record it."""
        value = super().get(key)
        self.served_keys[key] = None
        return value


@dataclass(frozen=True, slots=True)
class Capture:
    """An online proof: its verdict, the global preimages it was served, and its costs."""

    verdict: int
    preimages: dict[bytes, bytes]
    hints_run: int
    rpc_requests: int
    rpc_seconds: float
    lookahead_used: int = 0


def capture_online(config: HostConfig, concurrency: int,
                   store: KV | None = None) -> Capture:
    """Run the proof online with an in-memory store; keep what the client was served.

    ``store`` may hold preimages fetched (and checked) by earlier steps of a range: they are
    served without a fetch, and only the ones this proof was served enter its witness.

    Raises:
        OpProgramError: the sources cannot be opened.
    """
    store = store if store is not None else MemoryKV()
    opened = open_sources(config)
    handlers = handlers_for(config.dialect)
    lookahead = Lookahead(opened.sources, handlers, concurrency) if concurrency > 0 else None
    try:
        prefetcher = new_prefetcher(config, store, opened.sources, RecordingPrefetcher,
                                    lookahead=lookahead)
        verdict = run_client(prefetcher, config)
    finally:
        if lookahead is not None:
            lookahead.close()
        opened.close()
    requests, seconds = 0, 0.0
    for client in opened.clients:
        count, spent = client.request_stats
        requests, seconds = requests + count, seconds + spent
    served: dict[bytes, bytes] = {}
    for key in prefetcher.served_keys:
        if key[0] == KeyType.LOCAL:
            continue
        value = store.get(key)
        if value is None:  # every served global key was stored first (Prefetcher.get)
            raise OpProgramError(f"served preimage 0x{key.hex()} is not in the store")
        served[key] = value
    used = lookahead.used if lookahead is not None else 0
    return Capture(verdict, served, prefetcher.hints_run, requests, seconds, used)


def prove_offline(config: HostConfig, preimages: dict[bytes, bytes]) -> int:
    """Run the config's client against exactly ``preimages`` plus the boot inputs, no RPC."""
    store = MemoryKV()
    store.put_many(preimages.items())
    return run_client(new_prefetcher(config, store, None, Prefetcher), config)


def _verdict_name(code: int | None) -> str:
    return {0: "valid (0)", 1: "invalid (1)"}.get(code if code is not None else -1,
                                                  f"no verdict ({code})")


def _interrupted(result: StepResult) -> StepResult | None:
    """``result`` as an interruption, if SIGINT/SIGTERM arrived (even while it was deferred)."""
    signum = stop_requested()
    if signum is None:
        return None
    return replace(result, message=f"interrupted by {signal.Signals(signum).name}; no witness "
                                   "written")


def generate_step(params: StepParams) -> StepResult:
    """Generate, check offline and write one witness; never raises for a proof's failure.

    Returns:
        A ``StepResult`` whose ``exit_code`` is the verdict (0 or 1) when the witness was
        written, 2 when it was not (``message`` says why in one line, node URLs reduced to
        scheme and host: a range engine may log it).
    """
    return generate_step_cached(params, None)


def generate_step_cached(params: StepParams, cache: KV | None) -> StepResult:
    """``generate_step`` with a preimage cache shared by the steps a process runs in a row.

    Consecutive steps of a range share most of their L1 data (one L1 head: the same walk-back)
    and the upper L2 state trie; with ``cache`` a step fetches only what earlier steps did not.
    Each witness still holds exactly what its own proof was served, and is proved offline from
    that alone. ``None``: ``params.shared_store`` when set, else a fresh in-memory store.

    Returns:
        A ``StepResult`` whose ``exit_code`` is the verdict (0 or 1) when the witness was
        written, 2 when it was not (``message`` says why in one line).
    """
    if cache is None and params.shared_store is not None:
        from op_program.host.kvstore.disk import open_disk_kv

        try:
            shared = open_disk_kv(params.shared_store, DataFormat.LMDB,
                                  label="shared preimage store")
        except OpProgramError as exc:
            return StepResult(int(ExitCode.ERROR), params.out,
                              "cannot open the shared preimage store: " + str(exc))
        try:
            return _generate(params, shared)
        finally:
            shared.close()
    return _generate(params, cache)


def _generate(params: StepParams, cache: KV | None) -> StepResult:
    config = params.config
    out = params.out
    if not config.fetching_enabled or config.server_mode or config.datadir is not None:
        return StepResult(int(ExitCode.ERROR), out, "witness generate needs --l1, --l1.beacon "
                          "and --l2, and no --datadir or --server")
    started = time.monotonic()
    try:
        capture = capture_online(config, params.fetch_concurrency, cache)
    except OpProgramError as exc:
        return StepResult(int(ExitCode.ERROR), out,
                          "online proof failed: " + redact_urls_in(str(exc)))
    online, served = capture.verdict, capture.preimages
    size = sum(len(v) for v in served.values())
    result = StepResult(int(ExitCode.ERROR), out, "", online_verdict=online,
                        preimages=len(served), bytes=size,
                        seconds_online=time.monotonic() - started,
                        rpc_requests=capture.rpc_requests, rpc_seconds=capture.rpc_seconds,
                        hints_run=capture.hints_run, lookahead_used=capture.lookahead_used)
    if (stopped := _interrupted(result)) is not None:
        return stopped
    if online not in (ExitCode.VALID, ExitCode.INVALID):
        return replace(result, message=f"online proof reached no verdict (exit {online}); "
                                       "no witness written")
    started = time.monotonic()
    try:
        offline = prove_offline(config, served)
    except OpProgramError as exc:
        offline, why = int(ExitCode.ERROR), ": " + redact_urls_in(str(exc))
    else:
        why = ""
    result = replace(result, offline_verdict=offline,
                     seconds_offline=time.monotonic() - started)
    if (stopped := _interrupted(result)) is not None:
        return stopped
    if offline != online:
        return replace(result, message="offline proof from the captured witness gave "
                       f"{_verdict_name(offline)}, online gave {_verdict_name(online)}{why}; "
                       "no witness written")
    if not params.expect.accepts(offline):
        return replace(result, message=f"the claim is {_verdict_name(offline)}, expected "
                       f"{params.expect.value}; no witness written")
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        write_witness(served.items(), out)
    except (OpProgramError, OSError) as exc:
        return replace(result, message="cannot write witness: " + redact_urls_in(str(exc)))
    _log.info("Witness written file=%s verdict=%d preimages=%d bytes=%d rpc_requests=%d",
              out, offline, len(served), size, capture.rpc_requests)
    return replace(result, exit_code=offline, written=True,
                   message=f"witness written: {len(served)} preimages, {size} bytes, "
                           f"claim {_verdict_name(offline)}")
