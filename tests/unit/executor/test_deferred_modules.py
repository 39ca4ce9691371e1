"""deferred_modules: ethash and py-evm's alt_bn128 precompiles load only when called.

Checked in a fresh interpreter (the test process may have imported py-evm already): importing
the executor and making the start-up settings (``process_setup``, as the entry points do) leaves
pycryptodome, cffi, pycparser, py_ecc and pyrevm out; eth_hash hashes with pysha3 unless
``ETH_HASH_BACKEND`` says otherwise; py-evm's fork tables still answer through
the stand-ins (curried and plain), with py-evm's own prices, after which the real module is the
one in ``sys.modules``.
"""

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from op_program.executor.evm_backend import deferred_modules

PROBE = '''
import json, sys
import op_program.executor.evm_backend
from op_program.executor.evm_backend import bn254_revm, deferred_modules
from op_program.process_setup import prepare_process
prepare_process()  # what op-program and op-program-client do first
from op_program.executor.evm_backend.precompile_runner import _Call
from eth.vm.forks.byzantium.computation import ByzantiumComputation
from eth.vm.forks.prague.computation import PragueComputation
from eth_hash.auto import keccak

def heavy():
    return sorted({m.split(".")[0] for m in sys.modules} & {"Crypto", "cffi", "pycparser",
                                                           "py_ecc", "pyrevm"})

def run(precompile, data):
    call = _Call(data, 10**6)
    precompile(call)
    return [bytes(call.output).hex(), call.gas_used]

result = {"before": heavy(),
          "standins": sorted(type(sys.modules[n]).__name__ for n in deferred_modules.DEFERRED)}
result["keccak_empty"] = keccak(b"").hex()
result["keccak_backend"] = type(keccak.hasher.__self__).__name__
result["still_light"] = heavy()
G = (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
add = (0x06).to_bytes(20, "big")
result["istanbul_add"] = run(PragueComputation.get_precompiles()[add], G + G)
result["byzantium_add"] = run(ByzantiumComputation.get_precompiles()[add], G + G)
result["revm_add"] = run(bn254_revm.ecadd, G + G)
result["ethash"] = sys.modules["eth.consensus.ethash"].get_dataset_full_size(0)
result["recursion_limit"] = sys.getrecursionlimit()
result["after"] = {n: type(sys.modules[n]).__name__ for n in deferred_modules.DEFERRED}
print(json.dumps(result))
'''


def probe(**env: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_heavy_modules_stay_unloaded_and_the_deferred_functions_answer() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ETH_HASH_BACKEND"}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["before"] == [] and result["still_light"] == []
    assert result["standins"] == ["_StandIn"] * 4
    assert result["keccak_empty"] == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    assert result["keccak_backend"] == "PySha3Backend"
    two_g = result["revm_add"][0]
    assert result["istanbul_add"] == [two_g, 150]  # EIP-1108 price
    assert result["byzantium_add"] == [two_g, 500]  # EIP-196 price: the plain, uncurried form
    assert result["ethash"] == 1073739904  # the epoch-0 dataset size
    assert result["recursion_limit"] >= 100_000  # as py_ecc's import used to set it
    assert result["after"]["eth.precompiles.ecadd"] == "module"
    assert result["after"]["eth.consensus.ethash"] == "module"
    assert result["after"]["eth.precompiles.ecpairing"] == "_StandIn"  # never called


def test_an_explicit_eth_hash_backend_is_kept() -> None:
    result = probe(ETH_HASH_BACKEND="pycryptodome")
    assert result["keccak_backend"] == "CryptodomeBackend"


def test_the_stand_ins_offer_every_name_py_evm_imports_from_them() -> None:
    spec = importlib.util.find_spec("eth")
    assert spec is not None and spec.submodule_search_locations
    root = Path(spec.submodule_search_locations[0])
    imported: dict[str, set[str]] = {name: set() for name in deferred_modules.DEFERRED}
    for path in root.rglob("*.py"):
        package = "eth." + ".".join(path.relative_to(root).parent.parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or node.module is None:
                continue
            base = package.rstrip(".").split(".")
            module = node.module
            if node.level:
                module = ".".join(base[:len(base) - node.level + 1] + [module])
            if module in imported:
                imported[module].update(alias.name for alias in node.names)
    assert all(imported.values()), imported  # the scan finds py-evm's imports
    for name, functions in deferred_modules.DEFERRED.items():
        assert imported[name] <= set(functions), (name, imported[name])


def test_install_is_refused_once_py_evm_is_imported() -> None:
    code = ("import sys, eth; from op_program.executor.evm_backend import deferred_modules; "
            "print(deferred_modules.install(), "
            "type(sys.modules['eth.consensus.ethash']).__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "module"]
