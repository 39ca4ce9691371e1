"""Write src/op_program/protocol/kzg_g1_lagrange_brp.bin from a KZG ceremony trusted_setup.txt.

Usage: python scripts/derive_kzg_setup.py [TRUSTED_SETUP_TXT]
(default: the copy py-evm ships as package data). Prints the file's SHA-256, which
op_program.protocol.kzg pins as SETUP_FILE_SHA256.
"""

import hashlib
import importlib.util
import sys
from pathlib import Path

from op_program.protocol.kzg import SETUP_FILE, derive_lagrange_points


def default_setup() -> Path:
    """Return the ceremony file py-evm ships (package data; py-evm is not imported)."""
    spec = importlib.util.find_spec("eth")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "_utils" / "kzg_trusted_setup.txt"


def main() -> None:
    """Derive the file and print its path, size and SHA-256."""
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else default_setup()
    data = derive_lagrange_points(source.read_text())
    target = Path(__file__).resolve().parents[1] / "src" / "op_program" / "protocol" / SETUP_FILE
    target.write_bytes(data)
    print(target, len(data), hashlib.sha256(data).hexdigest())


if __name__ == "__main__":
    main()
