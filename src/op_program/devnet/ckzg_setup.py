"""The full ckzg trusted setup, for the devnet's blob proofs (EIP-4844 network form).

The proof program never needs it (protocol.kzg commits and checks proofs from the Lagrange
points alone); computing a blob proof does, so the devnet's anvil L1 and tests that make proofs
load it here, once. The mainnet setup file is package data of py-evm (DESIGN §9), located
without importing py-evm (only executor/evm_backend may import it).
"""

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

import ckzg

from op_program.devnet.errors import DevnetError


def trusted_setup_path() -> Path:
    """Return the path of the ceremony's ``trusted_setup.txt`` that py-evm ships."""
    spec = importlib.util.find_spec("eth")
    if spec is None or not spec.submodule_search_locations:
        raise DevnetError("KZG trusted setup not found (py-evm is not installed)")
    return Path(next(iter(spec.submodule_search_locations))) / "_utils" / "kzg_trusted_setup.txt"


@cache
def ckzg_trusted_setup() -> Any:
    """Return ckzg's loaded trusted setup (~2 s with ckzg 2.1.8 at precompute 0; loaded once)."""
    return ckzg.load_trusted_setup(str(trusted_setup_path()), 0)
