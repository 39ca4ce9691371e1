"""The op-program hex-text-file preimage stores: ``directory`` and ``file`` (DESIGN §4).

Spec: fault-proof/index.md, "Pre-image Oracle"; layout of the reference host's kvstore:
``directory`` puts key ``k`` at ``<dir>/<hex(k)[0:4]>/<hex(k)[4:64]>.txt`` and ``file`` at
``<dir>/0x<hex(k)>.txt``; the content is the value as lower-case hex without ``0x`` or newline.
Writes go to a temp file ``<dir>/0x<hex(k)>.txt.<random>`` that is renamed into place, so a
reader (or a process killed mid-write) never sees a partial value; leftover temp files are not
part of the store. Reads refuse anything but regular files (a FIFO would block forever).
"""

import binascii
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from op_program.host.errors import KVStoreError
from op_program.host.kvstore.files import write_atomic
from op_program.preimage.process import file_kind

_SUBDIR = re.compile(r"^[0-9a-f]{4}$")
_DIR_FILE = re.compile(r"^([0-9a-f]{60})\.txt$")
_FLAT_FILE = re.compile(r"^0x([0-9a-f]{64})\.txt$")


def directory_path(root: Path, key: bytes) -> Path:
    """Return where the ``directory`` format keeps ``key``."""
    text = key.hex()
    return root / text[:4] / f"{text[4:]}.txt"


def file_path(root: Path, key: bytes) -> Path:
    """Return where the ``file`` format keeps ``key``."""
    return root / f"0x{key.hex()}.txt"


class HexFileKV:
    """A store of one hex text file per preimage, in the ``directory`` or ``file`` layout."""

    __slots__ = ("_flat", "_made_dirs", "_root_text", "root")

    def __init__(self, root: str | os.PathLike[str], flat: bool = False) -> None:
        self.root = Path(root)
        self._root_text = str(self.root)
        self._flat = flat
        self._made_dirs: set[str] = set()

    def path_of(self, key: bytes) -> Path:
        """Return the file that holds ``key``."""
        return file_path(self.root, key) if self._flat else directory_path(self.root, key)

    def get(self, key: bytes) -> bytes | None:
        """Return the value of ``key``, or None when no file holds it.

        Raises:
            KVStoreError: the file cannot be read or is not hex text.
        """
        # A proof reads ~36k small files: plain os.open/os.read on a string path measured
        # ~3x faster than pathlib plus a buffered file object (0.3 s against 0.75-1.35 s).
        text = key.hex()
        if self._flat:
            name = f"{self._root_text}/0x{text}.txt"
        else:
            name = f"{self._root_text}/{text[:4]}/{text[4:]}.txt"
        try:
            data = _read_all(name)
        except FileNotFoundError:
            return None
        except KVStoreError as exc:
            raise KVStoreError(f"cannot read preimage 0x{text}: {exc}") from exc
        except OSError as exc:
            raise KVStoreError(f"cannot read preimage 0x{text}: {exc}") from exc
        try:
            return _unhex(data)
        except (UnicodeDecodeError, ValueError) as exc:
            raise KVStoreError(f"preimage file of 0x{text} is not hex text") from exc

    def put(self, key: bytes, value: bytes) -> None:
        """Write ``value`` for ``key`` atomically (temp file, then rename).

        Raises:
            KVStoreError: the file system refused.
        """
        target = self.path_of(key)
        try:
            self._ensure_dir(target.parent)
            write_atomic(target, value.hex().encode("ascii"), temp_dir=self.root,
                         prefix=f"0x{key.hex()}.txt.")
        except OSError as exc:
            raise KVStoreError(f"cannot write preimage 0x{key.hex()}: {exc}") from exc

    def _ensure_dir(self, directory: Path) -> None:
        name = str(directory)
        if name not in self._made_dirs:
            directory.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(name)

    def put_many(self, items: Iterable[tuple[bytes, bytes]]) -> None:
        """Write every pair (each atomically)."""
        for key, value in items:
            self.put(key, value)

    def keys(self) -> Iterator[bytes]:
        """Yield every key held by a well-named file (temp files are skipped)."""
        if self._flat:
            for entry in _scandir(self.root):
                match = _FLAT_FILE.match(entry.name)
                if match and entry.is_file():
                    yield bytes.fromhex(match.group(1))
            return
        for sub in _scandir(self.root):
            if not (_SUBDIR.match(sub.name) and sub.is_dir()):
                continue
            for entry in _scandir(Path(sub.path)):
                match = _DIR_FILE.match(entry.name)
                if match and entry.is_file():
                    yield bytes.fromhex(sub.name + match.group(1))

    def close(self) -> None:
        """Nothing to release: every write is already on disk."""


_READ_CHUNK = 1 << 16  # below glibc's mmap threshold: no page mapping per small read


def _read_all(name: str) -> bytes:
    # Non-blocking open: a FIFO in the datadir would block open() forever. Only regular files
    # hold preimages; a device would be read without end. fstat is asked only when the first
    # read is not a short, non-empty one (a FIFO without a writer reads empty, a device fills
    # the chunk, a directory fails): almost every preimage file is a short read, and the
    # skipped fstat was a quarter of the syscalls of a 36k-file proof.
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        try:
            data = os.read(fd, _READ_CHUNK)
        except OSError:
            _require_regular(fd, name)
            raise
        if 0 < len(data) < _READ_CHUNK:
            return data
        _require_regular(fd, name)
        parts = [data]
        while chunk := os.read(fd, _READ_CHUNK):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def _require_regular(fd: int, name: str) -> None:
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        raise KVStoreError(f"{name} is a {file_kind(mode)}, not a regular file")


def _unhex(data: bytes) -> bytes:
    """Decode a value file: lower-case hex as written; whitespace is tolerated as before."""
    try:
        return binascii.unhexlify(data)  # no str round trip: ~0.04 s less per 36k files
    except (binascii.Error, ValueError):
        return bytes.fromhex(data.decode("ascii"))  # skips whitespace, or raises


def _scandir(path: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as entries:
            return sorted(entries, key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise KVStoreError(f"cannot list {path}: {exc}") from exc

