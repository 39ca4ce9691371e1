"""The reference binaries of other implementations (../shared/reference), unpacked to a cache.

``OP_PROGRAM_REFERENCE_DIR`` names the folder holding ``NAME.xz`` and ``SHA256SUMS`` (default:
the repository's ``../shared/reference``); they are unpacked to
``$XDG_CACHE_HOME/op-program-reference`` (default ``~/.cache/op-program-reference``, the cache
the cross-implementation tests share), never inside the repository. They are not part of the
repository (55 MB of other projects' builds), so a clone on its own skips these checks with the
path it looked at; where ``CI`` is set they must run, and a missing binary fails the test.
"""

import hashlib
import lzma
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def reference_dir() -> Path:
    """Where the compressed reference binaries are."""
    return Path(os.environ.get("OP_PROGRAM_REFERENCE_DIR", REPO.parent / "shared" / "reference"))


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "op-program-reference"


def _expected_sha256(name: str) -> str | None:
    sums = reference_dir() / "SHA256SUMS"
    if not sums.exists():
        return None
    for line in sums.read_text().splitlines():
        digest, _, file = line.partition("  ")
        if file.strip() == name:
            return digest.strip()
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reference_binary(name: str) -> Path:
    """The unpacked, checksum-verified executable ``name``; fails the test when absent."""
    packed = reference_dir() / f"{name}.xz"
    if not packed.exists():
        message = (f"reference binary {packed} is missing: set OP_PROGRAM_REFERENCE_DIR to the "
                   f"folder holding {name}.xz (the workspace's shared/reference)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    expected = _expected_sha256(name)
    target = _cache_dir() / name
    if target.exists() and (expected is None or _sha256(target) == expected):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{name}.{os.getpid()}")
    partial.write_bytes(lzma.decompress(packed.read_bytes()))
    if expected is not None and _sha256(partial) != expected:
        partial.unlink()
        pytest.fail(f"{packed} does not unpack to the SHA256SUMS digest of {name}")
    partial.chmod(0o755)
    partial.replace(target)
    return target
