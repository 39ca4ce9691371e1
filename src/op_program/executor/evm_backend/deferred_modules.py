"""Defer py-evm modules no OP block runs (ethash, py-evm's alt_bn128 precompiles) to first call.

Why: importing py-evm imports every fork, so every precompile and every consensus engine, and
with them libraries whose import alone costs a tenth of the CLI's start-up
(``python -X importtime``, min of 5 runs, py-evm 0.12.1b1): ``eth.consensus.ethash`` (proof of
work, never run on an OP chain) imports pycryptodome's keccak, whose cffi back-end parses C
declarations with pycparser (~140 ms with pycryptodome and cffi); py-evm's ``ecadd``,
``ecmul`` and ``ecpairing`` import py_ecc's bn128 arithmetic (~50 ms), which the executor never
calls (``corrected_precompiles`` answers 0x06-0x08 with revm). pycryptodome's keccak would
also be eth_hash's back-end, used by py-evm at run time: the start-up hook
``op_program.process_setup`` points eth_hash at pysha3 instead.

How: as ``deferred_bls`` does for the BLS12-381 package, before py-evm is first imported each
module of ``DEFERRED`` gets a stand-in in ``sys.modules`` whose listed names are callables; the
first call loads the real module from its file (found without importing its package), puts it
in ``sys.modules`` in place of the stand-in, and calls the real function. py-evm's fork tables
call the precompiles curried, ``ecadd(gas_cost=...)``; a stand-in called without positional
arguments returns the same partial application, deferred. Semantics stay py-evm's own.

``install`` changes only ``sys.modules``. The recursion limit py_ecc's import used to raise,
which the executor relies on, is set by ``op_program.process_setup``'s start-up hook.
"""

import functools
import importlib.machinery
import importlib.util
import os
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

DEFERRED: dict[str, tuple[str, ...]] = {
    "eth.consensus.ethash": ("get_dataset_full_size", "hashimoto_light", "mkcache"),
    "eth.precompiles.ecadd": ("ecadd",),
    "eth.precompiles.ecmul": ("ecmul",),
    "eth.precompiles.ecpairing": ("ecpairing",),
}
"""Module -> the names py-evm imports from it (all functions)."""

_LOCK = threading.Lock()


class _StandIn(types.ModuleType):
    """A deferred module (a distinct type, so ``install`` can recognise it)."""

    def __init__(self, name: str, spec: importlib.machinery.ModuleSpec) -> None:
        super().__init__(name, f"Stand-in for {name}, loaded on first call (deferred_modules).")
        self.real_spec = spec
        self.real: types.ModuleType | None = None

    def load(self) -> types.ModuleType:
        """The real module, executed from its file on first use and then in ``sys.modules``."""
        with _LOCK:
            if self.real is None:
                module = importlib.util.module_from_spec(self.real_spec)
                sys.modules[self.__name__] = module
                try:
                    assert self.real_spec.loader is not None
                    self.real_spec.loader.exec_module(module)
                except BaseException:
                    sys.modules[self.__name__] = self
                    raise
                self.real = module
            return self.real


def _deferred(stand_in: _StandIn, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        if not args and kwargs:  # py-evm's curried precompile: ecadd(gas_cost=...)
            return functools.partial(call, **kwargs)
        return getattr(stand_in.load(), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"py-evm's {stand_in.__name__}.{name}, imported on first call."
    return call


def install() -> bool:
    """Put the stand-ins in place unless py-evm is already imported; True when they are."""
    if all(isinstance(sys.modules.get(name), _StandIn) for name in DEFERRED):
        return True
    if "eth" in sys.modules or any(name in sys.modules for name in DEFERRED):
        return False
    spec = importlib.util.find_spec("eth")  # a top-level name: found, not imported
    if spec is None or not spec.submodule_search_locations:
        return False
    root = spec.submodule_search_locations[0]
    specs = {}
    for name in DEFERRED:
        package = name.split(".")[1:-1]
        found = importlib.machinery.PathFinder.find_spec(name, [os.path.join(root, *package)])
        if found is None or found.loader is None:
            return False
        specs[name] = found
    for name, functions in DEFERRED.items():
        module = _StandIn(name, specs[name])
        for function in functions:
            setattr(module, function, _deferred(module, function))
        sys.modules[name] = module
    return True
