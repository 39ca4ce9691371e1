"""Cross-client matrix: per devnet scenario and client, the verdict and wall seconds (JSON).

Issue 14 step 6. Every e2e scenario (tests/e2e/scenarios.py) is built once and judged, right
and wrong claim, by: our client in-process behind our online host; kona-client behind our host
(``--client.dialect kona``); and, on scenarios that stop at Granite, the 2024 Go client behind our
host (``op-program-2024``) and the 2024 Go host (``op-program-go --exec``) serving our client,
all online against the devnet's nodes. Expected: 0 for the right claim, 1 for the wrong one.
Reference binaries come from ``$OP_PROGRAM_REFERENCE_DIR`` (default ../shared/reference),
unpacked into ``~/.cache/op-program-reference``. Run from the repository root:
``python bench/crossclient.py [SCENARIO ...]``.
"""

import json
import logging
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the scenarios live in tests/e2e

from tests.crossclient.go_host import go_host_argv  # noqa: E402
from tests.e2e.scenarios import GRANITE_SCENARIOS, SCENARIOS, Scenario  # noqa: E402

from op_program.devnet.host_run import run_host  # noqa: E402
from op_program.devnet.rpc_server import serve_devnet  # noqa: E402
from op_program.host.dialect import ClientDialect  # noqa: E402
from op_program.host.kvstore.base import DataFormat  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CACHE = Path.home() / ".cache" / "op-program-reference"
WRONG = bytes.fromhex("22" * 32)
FIRST_ECOTONE = ("kona (op-revm) charges no L1 fee for user txs in the Ecotone activation block; "
                 "op-geth, the Go op-program and we charge the pre-Ecotone formula "
                 "(tests/crossclient/test_scenarios.py FIRST_ECOTONE_L1_FEE)")


def _binary(name: str) -> str:
    source = Path(os.environ.get("OP_PROGRAM_REFERENCE_DIR",
                                 REPO.parent / "shared" / "reference")) / f"{name}.xz"
    if not source.is_file():
        raise SystemExit(f"{source} missing: set OP_PROGRAM_REFERENCE_DIR")
    target = CACHE / name
    if not target.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        with lzma.open(source) as src, partial.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        partial.chmod(0o755)
        partial.replace(target)
    return str(target)


def _clients(name: str) -> list[tuple[str, str | None, ClientDialect]]:
    clients: list[tuple[str, str | None, ClientDialect]] = [
        ("ours-in-process", None, ClientDialect.OP_PROGRAM),
        ("kona-client", _binary("kona-client"), ClientDialect.KONA)]
    if name in GRANITE_SCENARIOS:
        clients.append(("op-program-client-go", _binary("op-program-client-go"),
                        ClientDialect.OP_PROGRAM_2024))
    return clients


def _go_host(scenario: Scenario, claim: bytes | None) -> tuple[int, float]:
    """The 2024 Go host fetching online and serving our client: exit code and wall seconds."""
    devnet = scenario.devnet
    with tempfile.TemporaryDirectory() as tmp, serve_devnet(
            devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        argv = go_host_argv(_binary("op-program-go"), scenario, Path(tmp), claim, endpoints,
                            Path(tmp) / "datadir")
        started = time.monotonic()
        done = subprocess.run(argv, capture_output=True, timeout=600, check=False)
        return done.returncode, time.monotonic() - started


def _scenario(name: str) -> list[dict[str, Any]]:
    started = time.monotonic()
    scenario = SCENARIOS[name]()
    built = time.monotonic() - started
    devnet, rows = scenario.devnet, []
    with devnet:
        for client, path, dialect in _clients(name):
            for claim in (None, WRONG):
                inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, claim,
                                             scenario.l1_head)
                with tempfile.TemporaryDirectory() as tmp, serve_devnet(
                        devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
                    run = run_host(inputs, Path(tmp), endpoints, client=path, dialect=dialect,
                                   data_format=DataFormat.LMDB)
                rows.append({"scenario": name, "client": client,
                             "claim": "right" if claim is None else "wrong",
                             "exit_code": run.exit_code, "expected": 0 if claim is None else 1,
                             "wall_seconds": round(run.seconds, 2),
                             "build_seconds": round(built, 2)})
        if name in GRANITE_SCENARIOS:
            for claim in (None, WRONG):
                code, seconds = _go_host(scenario, claim)
                rows.append({"scenario": name, "client": "go-host+ours",
                             "claim": "right" if claim is None else "wrong",
                             "exit_code": code, "expected": 0 if claim is None else 1,
                             "wall_seconds": round(seconds, 2),
                             "build_seconds": round(built, 2)})
    return rows


KNOWN = {("fork-activations", "kona-client"): FIRST_ECOTONE,
         ("fork-activations-to-granite", "kona-client"): FIRST_ECOTONE}


def main() -> int:
    """Run the matrix (all scenarios, or those named) and print the JSON report.

    The clients inherit stdout (kona-client logs there): while they run, fd 1 is stderr, and
    the JSON goes to the original stdout.
    """
    logging.basicConfig(level=logging.CRITICAL)
    names = sys.argv[1:] or sorted(SCENARIOS)
    sys.stdout.flush()
    report = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    rows = [row for name in names for row in _scenario(name)]
    disagreements = [{**r, "known": KNOWN.get((r["scenario"], r["client"]))}
                     for r in rows if r["exit_code"] != r["expected"]]
    json.dump({"benchmark": "crossclient", "runs": rows, "disagreements": disagreements},
              report, indent=2)
    report.write("\n")
    report.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
