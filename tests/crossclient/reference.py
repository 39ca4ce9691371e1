"""Reference client binaries (kona-client, the Go op-program) for the cross-client tests.

They come xz-compressed in ``$OP_PROGRAM_REFERENCE_DIR`` (default ``<repo>/../shared/reference``,
README there) and are unpacked once into ``~/.cache/op-program-reference`` (never into the
repository). A missing directory or binary fails the test with a message saying where to look.
"""

import lzma
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CACHE = Path.home() / ".cache" / "op-program-reference"


def reference_dir() -> Path:
    """The directory holding the compressed reference binaries."""
    return Path(os.environ.get("OP_PROGRAM_REFERENCE_DIR", REPO.parent / "shared" / "reference"))


def reference_binary(name: str) -> Path:
    """Return an executable path of reference binary ``name``, unpacking it on first use."""
    source = reference_dir() / f"{name}.xz"
    if not source.is_file():
        pytest.fail(f"reference binary {source} is missing: set OP_PROGRAM_REFERENCE_DIR to the "
                    "directory of the reference clients (see ../shared/reference/README.md)")
    target = CACHE / name
    if not target.is_file() or target.stat().st_mtime < source.stat().st_mtime:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        with lzma.open(source) as src, partial.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        partial.chmod(0o755)
        partial.replace(target)
    return target


def reference_file(name: str) -> Path:
    """Return a reference data file (e.g. the Cannon prestate), failing clearly when absent."""
    path = reference_dir() / name
    if not path.is_file():
        pytest.fail(f"reference file {path} is missing: set OP_PROGRAM_REFERENCE_DIR")
    return path
