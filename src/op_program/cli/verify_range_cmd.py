"""``op-program verify-range``: verify the rollup node's output roots over a range of blocks.

Spec: fault-proof/index.md ("Fault Proof Program"); issue 13; docs/verify-range.md. The chain
and node flags are the host's (``--network`` or ``--rollup.config``/``--l2.genesis``, ``--l1``,
``--l1.beacon``, ``--l2``, with their ``OP_PROGRAM_*`` variables); ``--rollup.node`` is where
the claimed output roots come from. Steps run on the distributed engine (``--workers K`` local
processes, or ``--cluster ADDRESS``). One line per step (a table, or JSON lines with
``--json``), then a summary; exit 0 every claim valid, 1 a claim invalid, 2 an error.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from op_program.cli.host_flags import (  # the host's own flag parsing, reused as is
    ENV_PREFIX,
    FLAGS,
    _chain,
    _hash,
    _rpc_kind,
    _url,
    dest_of,
    flag_value,
)
from op_program.cli.progress import progress
from op_program.errors import UsageError
from op_program.host.kvstore.base import DataFormat

CHAIN_FLAGS = ("network", "rollup.config", "l2.genesis", "l1.chainconfig")
NODE_FLAGS = ("l1", "l1.beacon", "l2", "l2.experimental", "l1.rpckind")
DEFAULT_STORE = "verify-range.sqlite3"


def register(subparsers: Any) -> None:
    """Add the ``verify-range`` subcommand."""
    parser = subparsers.add_parser(
        "verify-range", help="prove every block of a range of L2 blocks, in parallel",
        description=(
            "Prove the rollup node's output root at each block of --from..--to from the one "
            "before it (or --span K blocks before), on a Dask cluster. Exit 0 when every "
            "claim holds, 1 when one is invalid, 2 on an error or an unfinished range."))
    by_name = {flag.name: flag for flag in FLAGS}
    for name in (*CHAIN_FLAGS, *NODE_FLAGS, "l1.head"):
        flag = by_name[name]
        # SUPPRESS: a host flag given before the subcommand name keeps its value.
        parser.add_argument(f"--{name}", dest=dest_of(name), default=argparse.SUPPRESS,
                            metavar=name.split(".")[-1].upper(),
                            help=f"{flag.help} [${ENV_PREFIX}{flag.env}]")
    parser.add_argument("--rollup.node", dest="rollup_node", default=None, metavar="URL",
                        help="rollup node (op-node) RPC serving optimism_outputAtBlock: the "
                             "claimed output roots (default: the --l2 endpoint)")
    parser.add_argument("--from", dest="first", type=int, required=True, metavar="N",
                        help="first L2 block to prove (its parent's root is the start)")
    parser.add_argument("--to", dest="last", type=int, required=True, metavar="M",
                        help="last L2 block to prove")
    parser.add_argument("--span", type=int, default=1, metavar="K",
                        help="blocks per proof (default 1: every block from its parent)")
    parser.add_argument("--workers", type=int, default=0, metavar="K",
                        help="worker processes of the local cluster (default: one per CPU)")
    parser.add_argument("--cluster", default=None, metavar="ADDRESS",
                        help="a running Dask scheduler (tcp://host:8786) instead of a local "
                             "cluster; its workers need op-program installed")
    parser.add_argument("--retries", type=int, default=2, metavar="R",
                        help="re-runs of a step whose worker died or that raised (default 2)")
    parser.add_argument("--store", default=DEFAULT_STORE, metavar="PATH",
                        help=f"SQLite file of finished verdicts (default ./{DEFAULT_STORE}); "
                             "a rerun skips the steps it holds")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="stop after proving N steps (a rerun continues)")
    parser.add_argument("--datadir", default=None, metavar="DIR",
                        help="preimage store shared by all workers, kept (LMDB by default, "
                             "see --data.format); default: a temporary one for a local "
                             "cluster, none with --cluster")
    parser.add_argument("--no-shared-store", dest="shared_store", action="store_false",
                        help="without --datadir, let each proof fetch into its own memory")
    parser.add_argument("--data.format", dest="data_format", default=DataFormat.LMDB.value,
                        choices=[f.value for f in DataFormat],
                        help="format of a new --datadir (default lmdb: many processes may "
                             "share it)")
    parser.add_argument("--json", action="store_true",
                        help="JSON lines on stdout: one object per step, then a summary")
    parser.set_defaults(func=run)


def _request(args: argparse.Namespace) -> Any:
    from op_program.distributed.engine import ClusterOptions
    from op_program.verify_range.runner import RangeRequest
    from op_program.verify_range.task import NodeUrls

    urls = {name: _url(args, name) for name in ("l1", "l1.beacon", "l2", "l2.experimental")}
    for name in ("l1", "l1.beacon", "l2"):
        if urls[name] is None:
            raise UsageError(f"flag {name} is required")
    rollup_node = args.rollup_node
    if rollup_node is not None:
        probe = argparse.Namespace(l1=rollup_node)  # checked like every node URL
        _url(probe, "l1")
    for name, value in (("--workers", args.workers), ("--retries", args.retries)):
        if value < 0:
            raise UsageError(f"{name} must not be negative")
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must not be negative")
    l1_head = _hash(args, "l1.head") if flag_value(args, "l1.head") else None
    return RangeRequest(
        chain=_chain(args),
        urls=NodeUrls(urls["l1"] or "", urls["l1.beacon"] or "", urls["l2"] or "",
                      urls["l2.experimental"]),
        rollup_node=rollup_node or urls["l2"] or "", first=args.first, last=args.last,
        store=Path(args.store), span=args.span, l1_head=l1_head, l1_rpc_kind=_rpc_kind(args),
        cluster=ClusterOptions(workers=args.workers, address=args.cluster,
                               retries=args.retries),
        limit=args.limit, datadir=Path(args.datadir) if args.datadir else None,
        data_format=DataFormat(args.data_format),
        shared_store=args.shared_store)  # fmt: skip


HEADER = f"{'block':>10} {'span':>4} {'verdict':<10} {'gas':>12} {'seconds':>8} " \
         f"{'preimages':>9}  note"


def _line(result: Any) -> str:
    note = "cached" if result.cached else (result.error or "")
    if result.verdict.value == "invalid":
        note = (f"computed 0x{(result.computed_root or b'').hex()} "
                f"claimed 0x{result.claimed_root.hex()}")
    return (f"{result.block:>10} {result.span:>4} {result.verdict.value:<10} "
            f"{result.gas_used:>12,} {result.seconds:>8.2f} {result.preimages:>9}  {note}")


def run(args: argparse.Namespace) -> int:
    """Verify the range; print a line per step and a summary; return 0, 1 or 2."""
    from op_program.verify_range.runner import RangeError, verify_range

    request = _request(args)
    try:
        from op_program.verify_range.runner import steps_of

        total = len(steps_of(request.first, request.last, request.span))
    except RangeError as exc:
        raise UsageError(str(exc)) from exc
    if not args.json:
        print(HEADER, flush=True)
    with progress("verifying", unit=f"of {total} steps") as tracker:
        def on_result(result: Any) -> None:
            # sys.stdout at each call: on a terminal rich redirects it above the live line.
            print(json.dumps(result.to_json()) if args.json else _line(result), flush=True)
            tracker.advance()

        report = verify_range(request, on_result)
    summary = report.summary()
    print(json.dumps({"summary": summary}) if args.json else _summary_text(summary), flush=True)
    return int(report.exit_code)


def _summary_text(summary: dict[str, Any]) -> str:
    text = (f"{summary['done']}/{summary['steps']} steps: {summary['valid']} valid, "
            f"{summary['invalid']} invalid, {summary['unverified']} unverified, "
            f"{summary['error']} errors ({summary['cached']} from the store)")
    bad = summary["first_invalid"]
    if bad is not None:
        text += (f"\nfirst invalid block {bad['block']}: computed {bad['computed_root']} "
                 f"claimed {bad['claimed_root']}")
    if summary["interrupted"] or summary["done"] < summary["steps"]:
        text += "\nunfinished: rerun the same command to prove the remaining steps"
    return text
