"""Differential campaign: random blocks on anvil (op-revm, Isthmus) and on our executor.

Usage: python bench/differential.py [--seed N] [--blocks N] [--seconds S] [--judge anvil|kona]
``--judge anvil`` (default): Isthmus blocks on anvil (op-revm) and on our executor. Prints one
JSON object: blocks, txs, matches, mismatch_count, mismatches (each with its block seed, so
``--seed SEED --blocks 1`` replays it), submissions anvil rejected (by reason), transactions
anvil dropped and whether we rejected them too, transaction kinds, known divergences (blocks
that differ only because anvil kept the warm set of a transaction it dropped; mined again
without it anvil agrees: docs/architecture.md §4), seconds. Exit 1 on a mismatch.
``--judge kona``: random Jovian devnet blocks re-executed by kona-exec-bench (from
OP_PROGRAM_REFERENCE_DIR); counts of blocks, matches, payloads both rejected, mismatches.
The generator and the comparisons live in tests/differential/ and tests/crossexec/.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crossexec.random_jovian import run_jovian_campaign  # noqa: E402
from tests.differential.campaign import run_campaign  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--blocks", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--judge", choices=("anvil", "kona"), default="anvil")
    args = parser.parse_args()
    if args.blocks is None and args.seconds is None:
        args.blocks = 100
    start = time.monotonic()
    result: dict[str, Any]
    if args.judge == "kona":
        with tempfile.TemporaryDirectory() as work:
            result = run_jovian_campaign(args.seed, Path(work), blocks=args.blocks,
                                         seconds=args.seconds).as_json()
    else:
        result = run_campaign(args.seed, blocks=args.blocks, seconds=args.seconds).as_json()
    out = {"seed": args.seed, "judge": args.judge, **result,
           "seconds": round(time.monotonic() - start, 1)}
    print(json.dumps(out, indent=1))
    return 1 if result["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
