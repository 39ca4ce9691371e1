"""Cannon: the Go op-program client as a MIPS VM judging a devnet claim, served by our host.

Issue 14 step 5. Builds the demo devnet with forks up to Granite (the Go MIPS prestate is the
2024 op-program client), serves its L1/L2/beacon nodes on loopback and runs
``cannon run --input <prestate> --meta <meta> ... -- op-program --server --client.dialect
op-program-2024 <proof flags> --l1 … --l2 … --l1.beacon …``: our host fetches online whatever
the MIPS client asks for. Right claim → VM exit 0, wrong claim → 1. Prints JSON: per claim the
VM exit, steps, preimages stored by the host, wall seconds.

Reference binaries come from ``$OP_PROGRAM_REFERENCE_DIR`` (default ../shared/reference), unpacked
into ``~/.cache/op-program-reference``.
"""

import gzip
import json
import logging
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from op_program.devnet.demo import DemoOptions, build_demo
from op_program.devnet.host_run import host_argv
from op_program.devnet.rpc_server import serve_devnet
from op_program.host.dialect import ClientDialect
from op_program.protocol.compression import CompressionAlgo

REPO = Path(__file__).resolve().parents[1]
CACHE = Path.home() / ".cache" / "op-program-reference"
GRANITE = {"holocene": None, "isthmus": None, "jovian": None}
WRONG = bytes.fromhex("22" * 32)


def _reference() -> Path:
    path = Path(os.environ.get("OP_PROGRAM_REFERENCE_DIR", REPO.parent / "shared" / "reference"))
    if not (path / "cannon.xz").is_file():
        raise SystemExit(f"no cannon.xz in {path}: set OP_PROGRAM_REFERENCE_DIR")
    return path


def _unpacked(name: str, opener: Any) -> Path:
    source, target = _reference() / name, CACHE / name.rsplit(".", 1)[0]
    if not target.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        with opener(source) as src, partial.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        partial.chmod(0o755)
        partial.replace(target)
    return target


def _run(chain: Any, claim: bytes | None, workdir: Path) -> dict[str, Any]:
    cannon = _unpacked("cannon.xz", lzma.open)
    meta = _unpacked("cannon-meta.json.xz", lzma.open)
    prestate = _unpacked("cannon-prestate.bin.gz", gzip.open)
    devnet = chain.devnet
    inputs = devnet.proof_inputs(chain.agreed, chain.claimed, claim)
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        flags = host_argv(inputs, workdir, workdir / "datadir", endpoints, None,
                          ClientDialect.OP_PROGRAM_2024)
        host = [sys.executable, "-m", "op_program.cli.main", "--server", *flags]
        out = workdir / "out.bin.gz"  # this cannon cannot write single-threaded state as JSON
        argv = [str(cannon), "run", "--input", str(prestate), "--meta", str(meta),
                "--info-at", "%10000000", "--proof-at", "never", "--stop-at", "never",
                "--output", str(out), "--", *host]
        started = time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True, timeout=3600, check=False)
        seconds = time.monotonic() - started
    stopped = re.findall(r'msg="Execution stopped".*?exited=(\w+) code=(\d+)', done.stderr)
    steps = re.findall(r"\bstep=(\d+)", done.stderr)
    return {
        "claim": "right" if claim is None else "wrong",
        "cannon_exit_code": done.returncode,
        "vm_exited": stopped[-1][0] == "true" if stopped else None,
        "vm_exit_code": int(stopped[-1][1]) if stopped else None,
        "steps_at_last_info": int(steps[-1]) if steps else None,
        "info_every_steps": 10_000_000,
        "preimages_stored": sum(1 for _ in (workdir / "datadir").rglob("*.txt")),
        "wall_seconds": round(seconds, 1),
        **({} if done.returncode == 0 else {"stderr_tail": done.stderr[-600:]}),
    }


def main() -> int:
    """Run the right and the wrong claim and print the JSON report."""
    logging.basicConfig(level=logging.WARNING)
    chain = build_demo(DemoOptions(compression=CompressionAlgo.ZLIB, fork_offsets=GRANITE))
    runs = []
    with chain.devnet:
        for claim in (None, WRONG):
            with tempfile.TemporaryDirectory(prefix="cannon-bench-") as tmp:
                runs.append(_run(chain, claim, Path(tmp)))
    json.dump({"benchmark": "cannon", "scenario": "demo (calldata, span/zlib, up to Granite)",
               "l2_blocks": chain.claimed - chain.agreed, "runs": runs}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    ok = [r["vm_exit_code"] for r in runs] == [0, 1]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
