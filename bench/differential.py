"""Differential campaign: random blocks on anvil (op-revm, Isthmus) and on our executor.

Usage: python bench/differential.py [--seed N] [--blocks N] [--seconds S]
Prints one JSON object: blocks, txs, matches, mismatch_count, mismatches (each with its block
seed, so ``--seed SEED --blocks 1`` replays it), submissions anvil rejected (by reason),
transactions anvil dropped and whether we rejected them too, transaction kinds, seconds.
The generator and the comparison live in tests/differential/ (the CI slice runs there).
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.differential.campaign import run_campaign  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--blocks", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    if args.blocks is None and args.seconds is None:
        args.blocks = 100
    start = time.monotonic()
    counts = run_campaign(args.seed, blocks=args.blocks, seconds=args.seconds)
    out = {"seed": args.seed, **counts.as_json(), "seconds": round(time.monotonic() - start, 1)}
    print(json.dumps(out, indent=1))
    return 1 if counts.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
