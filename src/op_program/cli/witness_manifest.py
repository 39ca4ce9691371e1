"""``manifest.json`` of a ``witness generate`` range: each witness file's boot inputs and result.

Spec: fault-proof/index.md, "Bootstrapping": a witness holds only global preimages; the local
keys (L1 head, agreed L2 head and output root, claim, claimed block number, L2 chain id) come
from the boot inputs, so the manifest is what makes each file provable by itself.

Reruns into the same directory keep the entries of files this run does not plan (an earlier
range's steps), replace the ones it does, and a step that fails removes the file an earlier run
left under its name: the directory's witness files are exactly the manifest's written entries.
The manifest is rewritten atomically after every step, this run's entries in block order
(steps finish in any order on the distributed engine).
"""

import json
import logging
from pathlib import Path
from typing import Any

from op_program.encoding.errors import JSONTextError
from op_program.encoding.json_text import loads_bounded

NAME = "manifest.json"
MAX_BYTES = 64 << 20
"""Largest earlier manifest read back (~300 bytes a step: some 200k steps)."""

_log = logging.getLogger("op_program.cli.witness")


class Manifest:
    """The steps of ``out_dir``'s manifest: earlier runs' (other files) and this run's."""

    __slots__ = ("_earlier", "_path", "_steps")

    def __init__(self, out_dir: Path, planned: set[str]) -> None:
        self._path = out_dir / NAME
        self._earlier = [step for step in _read_steps(self._path)
                         if step.get("file") not in planned]
        self._steps: list[dict[str, Any]] = []

    def record(self, entry: dict[str, Any]) -> None:
        """Add this run's ``entry``; drop a stale file of a step not written; rewrite the file.

        Raises:
            OSError: the manifest (or the stale file) cannot be written (removed).
        """
        from op_program.host.kvstore.files import write_atomic

        if not entry["written"]:
            (self._path.parent / entry["file"]).unlink(missing_ok=True)
        self._steps.append(entry)
        # Steps finish in any order on the engine: this run's entries are kept in block order.
        self._steps.sort(key=lambda step: (step.get("l2_agreed_blocknumber", 0),
                                           step.get("l2_blocknumber", 0)))
        steps = self._earlier + self._steps
        write_atomic(self._path, json.dumps({"steps": steps}, indent=1).encode())

    def written_files(self) -> set[str]:
        """The files this run recorded as written."""
        return {step["file"] for step in self._steps if step.get("written")}


def _read_steps(path: Path) -> list[dict[str, Any]]:
    """The step entries of an earlier manifest; none when absent or not a manifest."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return []
    try:
        if len(raw) > MAX_BYTES:
            raise JSONTextError(f"larger than {MAX_BYTES} bytes")
        steps = loads_bounded(raw).get("steps")
        if not isinstance(steps, list):
            raise JSONTextError("no steps list")
    except (JSONTextError, AttributeError) as exc:
        _log.warning("Earlier manifest not readable, starting a new one file=%s err=%s",
                     path, exc)
        return []
    return [step for step in steps if isinstance(step, dict)]
