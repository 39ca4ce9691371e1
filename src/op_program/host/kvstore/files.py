"""Files of a datadir: read only regular files, write atomically (DESIGN §4).

Spec: fault-proof/index.md, "Pre-image Oracle"; the reference host's disk stores write a temp
file and rename it into place. A datadir is user-controlled: opening a FIFO found where a key
file should be would block forever, so reads open without blocking and refuse anything that is
not a regular file. Writes go to a temp file in the same directory that is renamed over the
target, so a process stopped at any point leaves the old value or the new one, never a part;
SIGINT/SIGTERM wait for the rename (see :func:`op_program.shutdown.signals_held`), so not even
a temp file is left.
"""

import os
import stat
import tempfile
from pathlib import Path

from op_program.host.errors import KVStoreError
from op_program.preimage.process import file_kind
from op_program.shutdown import signals_held


def read_regular(path: Path) -> bytes | None:
    """Return the bytes of the regular file ``path``, or None when nothing is there.

    Raises:
        KVStoreError: ``path`` is not a regular file, or cannot be read.
        OSError: only FileNotFoundError is absorbed; callers translate the rest.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise KVStoreError(f"{path} is a {file_kind(mode)}, not a regular file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, temp_dir: Path | None = None,
                 prefix: str | None = None) -> None:
    """Write ``data`` to ``path`` through a temp file renamed into place.

    Args:
        path: the target file.
        data: its new content.
        temp_dir: where the temp file goes (same file system as ``path``; default its folder).
        prefix: the temp file's name before its random part (default ``<name>.``).

    Raises:
        OSError: the file system refused; no temp file is left behind.
    """
    with signals_held():  # a signal waits for the rename (or the cleanup), then raises
        fd, temp = tempfile.mkstemp(prefix=prefix or f"{path.name}.",
                                    dir=temp_dir or path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass  # a leftover temp file is not part of any store
            raise
