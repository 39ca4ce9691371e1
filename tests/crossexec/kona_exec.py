"""Run kona's stateless block builder (kona-exec-bench) on executor fixtures.

kona-exec-bench (../shared/reference/README.md) reads a directory with ``fixture.json`` and
``kv.bin`` and prints one JSON line per directory: ``match`` says whether the block it built
hashes to ``expected_block_hash``. It panics (non-zero exit) when it cannot build the block.
"""

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from op_program.host.kvbin import encode_kvbin
from tests.reference_bins import reference_binary


@dataclass(frozen=True, slots=True)
class KonaVerdict:
    """kona's result for one fixture."""

    built: bool
    match: bool
    gas_used: int | None
    error: str


def kona_fixture_dir(directory: Path, fixture: Mapping[str, Any],
                     preimages: Mapping[bytes, bytes]) -> Path:  # fmt: skip
    """Write ``fixture.json`` and ``kv.bin`` as kona-exec-bench reads them.

    One deviation from the fixture format: kona's payload-attributes type (op-alloy) reads
    ``minBaseFee`` as a JSON number, where the Engine API (jovian/exec-engine.md,
    ``minBaseFee: QUANTITY``) and our fixtures carry a hex quantity.
    """
    data = json.loads(json.dumps(fixture))
    payload = data["executing_payload"]
    if isinstance(payload.get("minBaseFee"), str):
        payload["minBaseFee"] = int(payload["minBaseFee"], 16)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "fixture.json").write_text(json.dumps(data))
    (directory / "kv.bin").write_bytes(encode_kvbin(sorted(preimages.items())))
    return directory


def run_kona(directory: Path) -> KonaVerdict:
    """Build one fixture directory with kona."""
    binary = reference_binary("kona-exec-bench")
    proc = subprocess.run([str(binary), str(directory)], capture_output=True, text=True,
                          timeout=300, env={"REPS": "1"})  # fmt: skip
    if proc.returncode != 0:
        return KonaVerdict(False, False, None, proc.stderr.strip()[-2000:])
    line = json.loads(proc.stdout.strip().splitlines()[-1])
    return KonaVerdict(True, bool(line["match"]), int(line["gas_used"]), "")
