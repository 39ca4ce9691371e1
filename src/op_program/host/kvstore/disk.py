"""Opening a datadir: the ``kvformat`` marker decides which store reads it (DESIGN §4).

Spec: fault-proof/index.md, "Pre-image Oracle"; reference host kvstore ``NewDiskKV``: a datadir
records its format in ``<datadir>/kvformat`` (the bare format name, no newline). An existing
marker wins over the requested default, so a datadir written by one tool is read the same way
by another; a new datadir records the default.
"""

import logging
import os
from pathlib import Path

from op_program.host.errors import KVStoreError, UnsupportedFormatError
from op_program.host.kvstore.base import DataFormat, IterableKV
from op_program.host.kvstore.directory import HexFileKV
from op_program.host.kvstore.lmdb_store import LmdbKV

FORMAT_FILE = "kvformat"

_log = logging.getLogger(__name__)


def read_format(datadir: Path) -> DataFormat | None:
    """Return the format recorded in ``datadir``, or None when nothing is recorded.

    Raises:
        UnsupportedFormatError: the marker names a format this host cannot read.
    """
    try:
        text = (datadir / FORMAT_FILE).read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise KVStoreError(f"cannot read {datadir / FORMAT_FILE}: {exc}") from exc
    try:
        return DataFormat(text)
    except ValueError:
        raise UnsupportedFormatError(
            f"unsupported data format {text!r} in {datadir / FORMAT_FILE} "
            f"(supported: {', '.join(f.value for f in DataFormat)})"
        ) from None


def open_disk_kv(datadir: str | os.PathLike[str],
                 default_format: DataFormat = DataFormat.DIRECTORY) -> IterableKV:
    """Open (creating if needed) the store in ``datadir``.

    Raises:
        KVStoreError: the directory cannot be created or the store cannot be opened.
    """
    root = Path(datadir)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KVStoreError(f"cannot create datadir {root}: {exc.strerror}") from exc
    fmt = read_format(root)
    if fmt is None:
        fmt = default_format
        _log.info("Creating disk storage datadir=%s format=%s", root, fmt.value)
        try:
            (root / FORMAT_FILE).write_bytes(fmt.value.encode())
        except OSError as exc:
            raise KVStoreError(f"cannot record the data format in {root}: {exc}") from exc
    else:
        _log.info("Using existing disk storage datadir=%s format=%s", root, fmt.value)
    return open_format(root, fmt)


def open_format(root: Path, fmt: DataFormat) -> IterableKV:
    """Open the store of format ``fmt`` at ``root`` without touching the marker."""
    if fmt is DataFormat.LMDB:
        return LmdbKV(root)
    return HexFileKV(root, flat=fmt is DataFormat.FILE)
