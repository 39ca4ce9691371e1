"""deferred_bls: py-evm's BLS12-381 precompiles import py_ecc's BLS modules only when called.

Checked in a fresh interpreter (the test process may have imported py-evm already): importing
the executor leaves py_ecc's BLS modules out, and the stand-in exports exactly what the real
package does. Our executor answers the BLS precompiles with bls12_381_fast (arkworks), so a call
through the runner never loads py_ecc's BLS modules at all; the stand-in still spares every
proof their import through py-evm's fork tables.
"""

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from op_program.executor.evm_backend import deferred_bls

PROBE = '''
import json, sys
import op_program.executor.evm_backend
from op_program.executor.evm_backend import deferred_bls
from op_program.executor.evm_backend.precompile_runner import run_precompile
before = sorted(m for m in sys.modules if m.startswith(("py_ecc.bls", "py_ecc.optimized_bls12")))
standin = isinstance(sys.modules[deferred_bls.PACKAGE], deferred_bls._StandIn)
G1 = bytes.fromhex({g1!r})
add = run_precompile((0x0B).to_bytes(20, "big"), G1 + bytes(128), 10**6)
msm = run_precompile((0x0C).to_bytes(20, "big"), G1 + (2).to_bytes(32, "big"), 10**6)
dbl = run_precompile((0x0B).to_bytes(20, "big"), G1 + G1, 10**6)
after = "py_ecc.optimized_bls12_381" in sys.modules
print(json.dumps({{"before": before, "standin": standin, "after": after,
                  "add": [add.success, add.output.hex(), add.gas_used],
                  "double_is_msm_by_2": dbl.output == msm.output and dbl.success}}))
'''

G1 = (
    "0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac5"
    "86c55e83ff97a1aeffb3af00adb22c6bb0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8a"
    "e4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1"
)


def test_bls_modules_stay_unloaded_and_the_precompiles_answer() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.format(g1=G1)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["standin"] is True
    assert result["before"] == []
    assert result["add"] == [True, G1, 375]  # G1 + infinity = G1 (EIP-2537 G1ADD gas 375)
    assert result["double_is_msm_by_2"] is True
    assert result["after"] is False  # bls12_381_fast replaced py-evm's functions


def test_stand_in_exports_what_the_real_package_exports() -> None:
    spec = importlib.util.find_spec("eth")
    assert spec is not None and spec.submodule_search_locations
    init = Path(spec.submodule_search_locations[0], "precompiles", "bls12_381", "__init__.py")
    exported = {}
    for node in ast.parse(init.read_text()).body:
        assert isinstance(node, ast.ImportFrom), "the package does more than re-export"
        for alias in node.names:
            exported[alias.asname or alias.name] = node.module
    assert exported == deferred_bls.FUNCTIONS


def test_install_is_refused_once_py_evm_is_imported() -> None:
    code = ("import sys, eth; from op_program.executor.evm_backend import deferred_bls; "
            "print(deferred_bls.install(), type(sys.modules[deferred_bls.PACKAGE]).__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "module"]
