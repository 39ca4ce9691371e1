"""``op-program configs``: list the networks this program knows (DESIGN §8).

Spec: the reference op-program ``configs`` subcommand. Prints one line per network (name, L2
chain id, L1 chain id, aliases), or JSON with ``--json``.
"""

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``configs`` subcommand."""
    parser = subparsers.add_parser("configs", help="list the known networks",
                                   description="List the networks usable with --network.")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the known networks; return 0."""
    from op_program.config.registry import networks

    rows = [
        {"name": n.name, "display_name": n.display_name, "l2_chain_id": n.chain_id,
         "l1_chain_id": n.rollup.l1_chain_id, "superchain": n.superchain,
         "aliases": list(n.aliases)}
        for n in networks()
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print("Available networks:")
    for n in networks():
        aliases = f" (aliases: {', '.join(n.aliases)})" if n.aliases else ""
        print(f"  {n.name:<24} l2 chain id {n.chain_id:<12} "
              f"l1 chain id {n.rollup.l1_chain_id}{aliases}")
    return 0
