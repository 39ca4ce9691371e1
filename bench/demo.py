"""Benchmark the devnet demo: build, serve and prove with the real host, per configuration.

Prints JSON: for each configuration (L1 in-process or anvil; calldata or blobs; client
in-process or as a child on pipes) the seconds to build the devnet, the host's seconds, the
preimages the host fetched and stored, and the verdict. Also the in-process proof (no host).
"""

import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from op_program.devnet.anvil import find_anvil
from op_program.devnet.demo import DemoOptions, build_demo
from op_program.devnet.errors import DevnetError
from op_program.devnet.host_run import run_host
from op_program.devnet.rpc_server import serve_devnet


def _measure(options: DemoOptions, child: bool) -> dict[str, Any]:
    started = time.monotonic()
    chain = build_demo(options)
    built = time.monotonic() - started
    devnet = chain.devnet
    with devnet, tempfile.TemporaryDirectory() as tmp:
        inputs = devnet.proof_inputs(chain.agreed, chain.claimed)
        in_process = devnet.prove(chain.agreed, chain.claimed)
        with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
            run = run_host(inputs, Path(tmp), endpoints, child, client_log_level="warn")
        return {
            "l1": "anvil" if options.anvil else "in-process",
            "da": "blobs" if options.use_blobs else "calldata",
            "client": "child" if child else "in-process",
            "build_seconds": round(built, 3), "host_seconds": round(run.seconds, 3),
            "preimages_stored": run.stored_preimages(), "exit_code": run.exit_code,
            "l2_blocks_proven": chain.claimed - chain.agreed,
            "no_host_seconds": round(in_process.seconds, 3),
            "no_host_preimages_requested": in_process.preimages_requested,
        }  # fmt: skip


def main() -> int:
    """Run every configuration and print the JSON report."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    configs = [(DemoOptions(), False), (DemoOptions(), True),
               (DemoOptions(use_blobs=True), False), (DemoOptions(use_blobs=True), True)]
    try:
        find_anvil()
        configs += [(DemoOptions(anvil=True), False), (DemoOptions(anvil=True), True)]
    except DevnetError:
        pass
    results = [_measure(options, child) for options, child in configs]
    json.dump({"benchmark": "demo", "runs": results}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
