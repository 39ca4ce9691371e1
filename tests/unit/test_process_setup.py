"""process_setup: the process-wide settings come from the start-up hook, never from an import.

Each check runs in a fresh interpreter (this test process has run the hook already), without
``ETH_HASH_BACKEND`` in its environment: importing the whole executor changes neither the
environment nor the recursion limit (py-evm's own 12,288 stays); constructing an
``EvmBackend`` (the library path of every block build, test and bench) makes both settings;
``op-program`` and ``op-program-client`` make them before anything else and without importing
py-evm; the hook keeps an explicit eth_hash choice and a higher limit, and a second call does
nothing.
"""

import json
import os
import subprocess
import sys

from op_program import process_setup

SETTINGS = '''
def settings():
    import os, sys
    return [os.environ.get("ETH_HASH_BACKEND"), sys.getrecursionlimit()]
'''


def _run(code: str, **env: str) -> object:
    base = {k: v for k, v in os.environ.items() if k != "ETH_HASH_BACKEND"}
    done = subprocess.run([sys.executable, "-c", SETTINGS + code], capture_output=True,
                          text=True, timeout=120, env={**base, **env})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_executor_makes_no_process_wide_setting() -> None:
    result = _run('''
import json
import op_program.executor.builder, op_program.executor.evm_backend
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_types import EMPTY_ROOT, BlockEnv, EvmRevision
from op_program.executor.precompiles import PrecompileRules
from op_program.executor.source import MappingStateSource, VerifiedSource
imported = settings()
env = BlockEnv(revision=EvmRevision.PRAGUE, coinbase=bytes(20), number=0, timestamp=0,
               gas_limit=30_000_000, base_fee=0, prev_randao=bytes(32), chain_id=1,
               ancestor_hashes=iter(()), precompile_rules=PrecompileRules())
EvmBackend(VerifiedSource(MappingStateSource({})), EMPTY_ROOT, env)
print(json.dumps([imported, settings()]))
''')
    assert result == [[None, 12_288], ["pysha3", process_setup.RECURSION_LIMIT]]


def test_the_entry_points_prepare_the_process_without_py_evm() -> None:
    for module in ("op_program.cli.main", "op_program.client.entrypoint"):
        result = _run(f'''
import contextlib, io, json, sys
from {module} import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["--version"])
print(json.dumps([code, settings(), "eth" in sys.modules]))
''')
        assert result == [0, ["pysha3", process_setup.RECURSION_LIMIT], False], module


def test_an_explicit_choice_and_a_higher_limit_are_kept_and_a_second_call_does_nothing() -> None:
    result = _run('''
import json, sys
from op_program.process_setup import prepare_process
sys.setrecursionlimit(250_000)
prepare_process()
first = settings()
sys.setrecursionlimit(5_000)
prepare_process()
print(json.dumps([first, settings()]))
''', ETH_HASH_BACKEND="pycryptodome")
    assert result == [["pycryptodome", 250_000], ["pycryptodome", 5_000]]
