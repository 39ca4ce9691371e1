"""Reference client binaries (kona-client, the Go op-program) for the cross-client tests.

One loader for every cross-implementation test: ``tests/reference_bins.py`` (unpack to the cache,
checksum, skip on a clone without the workspace's shared/reference, fail where ``CI`` is set).
"""

import os
from pathlib import Path

import pytest

from tests.reference_bins import reference_binary, reference_dir

__all__ = ["reference_binary", "reference_dir", "reference_file"]


def reference_file(name: str) -> Path:
    """Return a reference data file (e.g. the Cannon prestate); skip or fail like the binaries."""
    path = reference_dir() / name
    if not path.is_file():
        message = f"reference file {path} is missing: set OP_PROGRAM_REFERENCE_DIR"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
