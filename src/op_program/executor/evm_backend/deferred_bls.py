"""Defer py-evm's BLS12-381 precompiles, and py_ecc's BLS modules, until one is called.

Why: importing anything of py-evm runs ``eth/__init__``, which imports every fork and so every
precompile; py-evm's EIP-2537 ones import ``py_ecc.bls`` and ``py_ecc.optimized_bls12_381``,
whose module bodies check themselves with pure-Python curve arithmetic. That is ~0.34 s of the
~0.8 s py-evm import (``python -X importtime``, py-evm 0.12.1b1, py_ecc 8.0.0), paid by every
proof although no OP fork before Isthmus has these precompiles, and from Isthmus on the client
answers them through the oracle (fault-proof/index.md, "Precompile Accelerators"); only the
host's precompile runner and the block executor's L1-semantics callers ever run them.

How: before py-evm is first imported, ``sys.modules`` gets a stand-in for the package
``eth.precompiles.bls12_381`` (whose ``__init__`` only re-exports seven functions from its three
submodules). The stand-in has the real package's ``__path__``, so the submodules still import
normally, and the same seven names as callables that import their real function on first call.
py-evm's fork tables then hold these callables; the precompile semantics are py-evm's own.
"""

import importlib
import importlib.machinery
import importlib.util
import os
import sys
import types
from collections.abc import Callable
from typing import Any

PACKAGE = "eth.precompiles.bls12_381"

FUNCTIONS = {
    "bls12_g1_add": "bls12_381_g1",
    "bls12_g1_msm": "bls12_381_g1",
    "bls12_map_fp_to_g1": "bls12_381_g1",
    "bls12_g2_add": "bls12_381_g2",
    "bls12_g2_msm": "bls12_381_g2",
    "bls12_map_fp2_to_g2": "bls12_381_g2",
    "bls12_pairing_check": "bls12_381_pairing",
}
"""The names ``eth.precompiles.bls12_381`` exports -> the submodule that defines each."""


def _deferred(name: str, submodule: str) -> Callable[[Any], Any]:
    real: list[Callable[[Any], Any]] = []

    def precompile(computation: Any) -> Any:
        if not real:
            real.append(getattr(importlib.import_module(f"{PACKAGE}.{submodule}"), name))
        return real[0](computation)

    precompile.__name__ = precompile.__qualname__ = name
    precompile.__doc__ = f"py-evm's {PACKAGE}.{submodule}.{name}, imported on first call."
    return precompile


def install() -> bool:
    """Put the stand-in in place unless py-evm (or the package) is already imported.

    Returns whether the stand-in is now the package (False: py-evm was imported first, or is
    not installed; the real package is used as is).
    """
    if PACKAGE in sys.modules:
        return isinstance(sys.modules[PACKAGE], _StandIn)
    if "eth" in sys.modules:
        return False
    spec = importlib.util.find_spec("eth")  # a top-level name: found, not imported
    if spec is None or not spec.submodule_search_locations:
        return False
    directory = os.path.join(spec.submodule_search_locations[0], "precompiles", "bls12_381")
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        return False
    module = _StandIn(PACKAGE, __doc__)
    module.__path__ = [directory]
    module.__package__ = PACKAGE
    module.__spec__ = importlib.machinery.ModuleSpec(PACKAGE, None, is_package=True)
    module.__spec__.submodule_search_locations = [directory]
    for name, submodule in FUNCTIONS.items():
        setattr(module, name, _deferred(name, submodule))
    sys.modules[PACKAGE] = module
    return True


class _StandIn(types.ModuleType):
    """The stand-in package module (a distinct type, so ``install`` can recognise it)."""
