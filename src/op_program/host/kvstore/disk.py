"""Opening a datadir: the ``kvformat`` marker decides which store reads it (DESIGN §4).

Spec: fault-proof/index.md, "Pre-image Oracle"; reference host kvstore ``NewDiskKV``: a datadir
records its format in ``<datadir>/kvformat`` (the bare format name, no newline). An existing
marker wins over the requested default, so a datadir written by one tool is read the same way
by another; a new datadir records the default (written atomically, like every store file).
"""

import logging
import os
import stat
from pathlib import Path

from op_program.host.errors import KVStoreError, UnsupportedFormatError
from op_program.host.kvstore.base import DataFormat, IterableKV
from op_program.host.kvstore.directory import HexFileKV
from op_program.host.kvstore.files import read_regular, write_atomic
from op_program.host.kvstore.lmdb_store import LmdbKV
from op_program.preimage.process import file_kind

FORMAT_FILE = "kvformat"

_log = logging.getLogger(__name__)


def read_format(datadir: Path) -> DataFormat | None:
    """Return the format recorded in ``datadir``, or None when nothing is recorded.

    Raises:
        UnsupportedFormatError: the marker names a format this host cannot read.
    """
    try:
        raw = read_regular(datadir / FORMAT_FILE)
        if raw is None:
            return None
        text = raw.decode("utf-8").strip()
    except KVStoreError as exc:
        raise KVStoreError(f"cannot read the data format: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise KVStoreError(f"cannot read {datadir / FORMAT_FILE}: {exc}") from exc
    try:
        return DataFormat(text)
    except ValueError:
        raise UnsupportedFormatError(
            f"unsupported data format {text!r} in {datadir / FORMAT_FILE} "
            f"(supported: {', '.join(f.value for f in DataFormat)})"
        ) from None


def check_datadir_path(root: Path, label: str = "datadir") -> None:
    """Raise a clear error when something other than a directory is at ``root``.

    Raises:
        KVStoreError: ``root`` is a file, a dangling symbolic link or another non-directory.
    """
    try:
        mode = os.lstat(root).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # created by the caller, which reports a parent that is not a directory
    except OSError as exc:
        raise KVStoreError(f"{label} {root}: {exc.strerror}") from exc
    if stat.S_ISLNK(mode):
        try:
            mode = os.stat(root).st_mode
        except FileNotFoundError:
            raise KVStoreError(f"{label} {root} is a dangling symbolic link") from None
        except OSError as exc:
            raise KVStoreError(f"{label} {root}: {exc.strerror}") from exc
    if stat.S_ISREG(mode):
        raise KVStoreError(f"{label} {root} is a file, not a directory")
    if not stat.S_ISDIR(mode):
        raise KVStoreError(f"{label} {root} is a {file_kind(mode)}, not a directory")


def open_disk_kv(datadir: str | os.PathLike[str],
                 default_format: DataFormat = DataFormat.DIRECTORY,
                 label: str = "datadir") -> IterableKV:
    """Open (creating if needed) the store in ``datadir``.

    Args:
        datadir: the directory.
        default_format: the format of a new datadir.
        label: how error messages name the directory (e.g. ``--datadir``).

    Raises:
        KVStoreError: the directory cannot be created or the store cannot be opened.
    """
    root = Path(datadir)
    check_datadir_path(root, label)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KVStoreError(f"cannot create {label} {root}: {exc.strerror}") from exc
    fmt = read_format(root)
    if fmt is None:
        fmt = default_format
        _log.info("Creating disk storage datadir=%s format=%s", root, fmt.value)
        try:
            write_atomic(root / FORMAT_FILE, fmt.value.encode())
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
