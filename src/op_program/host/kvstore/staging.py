"""Building a new datadir aside and renaming it into place, so it appears whole or not at all.

Spec: DESIGN §4 (datadirs move between tools, so a half-written one must never appear under its
name). A new datadir is built in a hidden sibling directory ``.<name>.partial-<random>`` on the
same file system and renamed onto the target when complete; on any failure (or SIGINT/SIGTERM,
which unwind, see :mod:`op_program.shutdown`) the sibling is removed. rename(2) also replaces
an empty directory, so an empty target counts as new. An existing non-empty datadir cannot be
swapped this way: it is written in place, and callers must make each write atomic on its own.
"""

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from op_program.host.errors import KVStoreError

PARTIAL_MARK = ".partial-"


def _is_new(target: Path) -> bool:
    try:
        with os.scandir(target) as entries:
            return next(entries, None) is None
    except (FileNotFoundError, NotADirectoryError):
        return True


def _make_sibling(target: Path) -> Path:
    for _ in range(8):
        candidate = target.parent / f".{target.name}{PARTIAL_MARK}{secrets.token_hex(4)}"
        try:
            candidate.mkdir()  # the default mode, so the renamed datadir has the usual one
        except FileExistsError:
            continue
        return candidate
    raise KVStoreError(f"cannot create a temporary directory next to {target}")


@contextlib.contextmanager
def staged_datadir(target: Path) -> Iterator[Path]:
    """Yield the directory to write ``target``'s content into; publish it when the block ends.

    Raises:
        KVStoreError: the sibling cannot be created or renamed into place (it is removed).
    """
    target = Path(os.path.abspath(target))
    if not _is_new(target):
        yield target
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = _make_sibling(target)
    except OSError as exc:
        raise KVStoreError(f"cannot create a temporary directory next to {target}: "
                           f"{exc.strerror}") from exc
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        os.rename(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise KVStoreError(f"cannot move the new datadir into place at {target}: "
                           f"{exc.strerror}") from exc
