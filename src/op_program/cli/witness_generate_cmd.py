"""``op-program witness generate``: a proof's exact preimage set, proved offline, then written.

Spec: fault-proof/index.md, "Bootstrapping" and "Pre-image Oracle"; the work is
``host.witness_gen.generate_step`` (one claim) and ``host.witness_range`` (a range of blocks).

One claim: the host flags as for a proof (``--l1 --l1.beacon --l2``, the chain, the boot
inputs), ``OUT`` a file (``.json``, ``.json.gz`` or ``.bin`` for kona-host-kvbin's kv.bin).
Without ``--l2.claim`` the claim is ``--rollup.node``'s output root of ``--l2.blocknumber``.

A range: ``--from N --to M [--span K] --rollup.node URL``, ``OUT`` a directory that receives one
witness per step, ``<agreed>-<claimed>.<format>``, and ``manifest.json`` (each step's boot
inputs, verdict and sizes). ``--from N`` is the first block proven (from N-1), as in
``verify-range``. The steps run on the distributed engine (``cli.witness_range_cmd``), the local
workers sharing a temporary LMDB preimage cache (each witness still holds only what its own
proof was served). Exit code: the verdict (0 valid, 1 invalid with ``--expect invalid|any``)
when every witness was written, 2 as soon as one could not be (the finished ones stay written).
A range's claims are the rollup node's own, so it takes only ``--expect valid``: a step that proves
invalid means its batch is not derivable under the L1 head (fault-proof/index.md, "Fault Proof
Program": the claim is checked at the safe head reached), an error named as such, not a verdict.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from op_program.cli.host_flags import (
    add_host_flags,
    dest_of,
    flag_value,
    host_config_from_args,
    u64_flag,
)
from op_program.cli.witness_range_cmd import RangeRun, add_engine_flags, run_steps
from op_program.errors import UsageError
from op_program.redact import redact_url, redact_urls_in

if TYPE_CHECKING:
    from op_program.host.config import HostConfig
    from op_program.host.witness_gen import StepResult
    from op_program.host.witness_range import RollupNode

FORMATS = ("json.gz", "json", "bin")
EXPECT_CHOICES = ("valid", "invalid", "any")
"""host.witness_gen.Expect values (a test keeps them equal): --help must not import the host."""
MAX_FETCH_CONCURRENCY = 16
"""Most lookahead threads: each may hold one reply of up to the RPC size cap (256 MiB) from a
hostile node, so 4 GiB at most; the walk-back gains nothing past ~8 (bench/witness_generate.py)."""
BOOT_FLAGS = ("l2.head", "l2.outputroot", "l2.claim", "l2.blocknumber")


def register(actions: Any) -> None:
    """Add ``witness generate`` to the witness actions."""
    gen = actions.add_parser(
        "generate", help="fetch a claim's preimages online, prove them offline, write them",
        description="Run the proof online, keep exactly the preimages the client was served, "
                    "prove the claim again offline from that set alone, and only then write "
                    "it. Host flags as for a proof; see docs/operators.md.")
    add_host_flags(gen, default=argparse.SUPPRESS)
    gen.add_argument("out", help="witness file (.json, .json.gz, .bin = kv.bin); with --from/"
                                 "--to a directory")
    gen.add_argument("--rollup.node", dest="rollup_node", metavar="URL",
                     help="op-node RPC: output roots for --from/--to, and the claim when "
                          "--l2.claim is not given")
    gen.add_argument("--from", dest="range_from", type=int, metavar="N",
                     help="range: the first L2 block proven (the first step is agreed on "
                          "N-1), as in verify-range")
    gen.add_argument("--to", dest="range_to", type=int, metavar="M",
                     help="range: the last step's claimed L2 block")
    gen.add_argument("--span", type=int, default=1, metavar="K",
                     help="range: L2 blocks per step (default 1)")
    gen.add_argument("--format", dest="range_format", choices=FORMATS, default="json.gz",
                     help="range: file format of each step's witness (default json.gz)")
    gen.add_argument("--expect", choices=EXPECT_CHOICES, default=EXPECT_CHOICES[0],
                     help="verdict the witness must prove (default valid); anything else "
                          "exits 2 and writes nothing")
    gen.add_argument("--fetch.concurrency", dest="fetch_concurrency", type=int, default=2,
                     metavar="K", help="background fetch threads (0 = fetch only on demand)")
    add_engine_flags(gen)
    gen.set_defaults(func=run)


def _rollup_url(args: argparse.Namespace) -> str | None:
    text: str | None = args.rollup_node
    if text is None:
        return None
    try:
        parts = urlsplit(text)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise UsageError(f"invalid rollup.node: {redact_url(text)} is not an http:// or "
                         "https:// URL with a host")
    return text


def _with(args: argparse.Namespace, **values: str) -> argparse.Namespace:
    """A copy of ``args`` with some host flags (by argparse destination) set."""
    return argparse.Namespace(**{**vars(args), **values})


def _config(args: argparse.Namespace) -> HostConfig:
    config = host_config_from_args(args)
    if config.datadir is not None or config.server_mode:
        raise UsageError("witness generate keeps the witness in memory: no --datadir or "
                         "--server")
    if not config.fetching_enabled:
        raise UsageError("witness generate fetches online: --l1, --l1.beacon and --l2 are "
                         "required")
    return config


def _print(result: StepResult) -> None:
    if result.written:
        print(f"{result.out}: {result.message} (online {result.seconds_online:.2f} s, "
              f"{result.rpc_requests} RPC requests; offline {result.seconds_offline:.2f} s)")
    else:
        print(f"op-program: error: witness generate {result.out}: "
              f"{redact_urls_in(result.message)}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Generate one witness, or one per step of a range; return the exit code."""
    from op_program.host.witness_gen import Expect

    if not 0 <= args.fetch_concurrency <= MAX_FETCH_CONCURRENCY:
        raise UsageError(f"invalid fetch.concurrency: must be 0..{MAX_FETCH_CONCURRENCY}")
    if args.range_from is None and args.range_to is None and Path(args.out).is_dir():
        raise UsageError(f"witness file {args.out} is a directory (a range takes --from/--to)")
    expect = Expect(args.expect)
    rollup_url = _rollup_url(args)
    if args.range_from is not None or args.range_to is not None:
        return _run_range(args, rollup_url, expect)
    if args.workers or args.cluster is not None:
        raise UsageError("--workers and --cluster run the steps of a range (--from/--to); one "
                         "claim is generated here")
    return _run_single(args, rollup_url, expect)


def _run_single(args: argparse.Namespace, rollup_url: str | None, expect: Any) -> int:
    from op_program.host.witness_gen import StepParams, generate_step
    from op_program.host.witness_range import RollupNode

    derived = False
    if flag_value(args, "l2.claim") is None and rollup_url is not None:
        derived = True
        number = u64_flag(args, "l2.blocknumber")
        node = RollupNode(rollup_url)
        try:
            claim = node.output_at(number).output_root
        finally:
            node.close()
        args = _with(args, l2_claim="0x" + claim.hex())
    config = _config(args)
    result = generate_step(StepParams(config, args.out, expect, args.fetch_concurrency))
    _print(result)
    if result.written and derived:  # a boot input the offline proof needs, never shown before
        print(f"{result.out}: --l2.claim 0x{config.l2_claim.hex()} (the rollup node's output "
              f"root of L2 block {config.l2_claim_block_number})")
    return result.exit_code


def _run_range(args: argparse.Namespace, rollup_url: str | None, expect: Any) -> int:
    from op_program.host.witness_range import (
        FINALIZED_L2,
        RollupNode,
        check_range_reach,
        finalized_l1_head,
        plan_steps,
    )

    if args.range_from is None or args.range_to is None:
        raise UsageError("a range needs both --from and --to")
    if args.expect != EXPECT_CHOICES[0]:
        raise UsageError("a range proves the rollup node's own output roots: only --expect "
                         "valid (an invalid step is an error, never a verdict)")
    if rollup_url is None:
        raise UsageError("a range needs --rollup.node for the output roots")
    given = [name for name in BOOT_FLAGS if getattr(args, dest_of(name), None) is not None]
    if given:
        raise UsageError(f"a range derives --{given[0]} per step: do not give it")
    steps = plan_steps(args.range_from, args.range_to, args.span)
    run = RangeRun(steps, Path(args.out), args.range_format, args.workers, args.cluster,
                   args.retries, args.shared_store)
    node = RollupNode(rollup_url)
    try:
        if flag_value(args, "l1.head") is None:
            l1_url = flag_value(args, "l1")
            if l1_url is None:
                raise UsageError("flag l1 is required")
            # Before the L1 head is read, so the head is at least as recent as the status.
            check_range_reach(node, args.range_to, FINALIZED_L2, "finalized")
            args = _with(args, l1_head="0x" + finalized_l1_head(l1_url).hex())
        return run_steps(run, node, _params_of(args, expect), _print)
    finally:
        node.close()


def _params_of(args: argparse.Namespace, expect: Any) -> Any:
    """A step's ``StepParams`` from the rollup node's outputs at its agreed and claimed blocks."""
    from op_program.host.witness_gen import StepParams

    def params_of(node: RollupNode, step: tuple[int, int], out: str,
                  shared_store: str | None) -> StepParams:
        agreed, claimed = step
        start, end = node.output_at(agreed), node.output_at(claimed)
        step_args = _with(args, l2_head="0x" + start.block_hash.hex(),
                          l2_outputroot="0x" + start.output_root.hex(),
                          l2_claim="0x" + end.output_root.hex(), l2_blocknumber=str(claimed))
        return StepParams(_config(step_args), out, expect, args.fetch_concurrency,
                          shared_store=shared_store)

    return params_of
