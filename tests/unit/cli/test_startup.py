"""Start-up: ``--help`` and ``--version`` of both commands import no py-evm (issue 11).

Building the parser used to import py-evm (``eth``) through the subcommands, so every command,
even ``--version``, took 2-3 s. Asserted by import inspection in a fresh interpreter, not by time.
"""

import json
import subprocess
import sys

import pytest

PROBE = '''
import contextlib, io, json, sys
from {module} import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main({argv!r})
    except SystemExit as exc:
        code = exc.code
heavy = sorted(m for m in sys.modules if m == "eth" or m.startswith(("eth.", "op_program.executor",
               "op_program.devnet", "op_program.derive", "op_program.client.program", "httpx")))
print(json.dumps({{"code": code, "heavy": heavy, "eth": "eth" in sys.modules}}))
'''


@pytest.mark.parametrize(("module", "argv"), [
    ("op_program.cli.main", ["--version"]),
    ("op_program.cli.main", ["--help"]),
    ("op_program.cli.main", ["decode", "channel", "--help"]),
    ("op_program.cli.main", ["demo", "--help"]),
    ("op_program.cli.main", ["execute-block", "--help"]),
    ("op_program.cli.main", ["witness", "import", "--help"]),
    ("op_program.client.entrypoint", ["--version"]),
    ("op_program.client.entrypoint", ["--help"]),
])
def test_help_and_version_do_not_import_py_evm(module: str, argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.format(module=module, argv=argv)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["code"] == 0
    assert result["eth"] is False and result["heavy"] == [], result["heavy"]


def test_probe_sees_py_evm_when_the_executor_is_imported() -> None:
    """The inspection can fail: importing the executor does load ``eth``."""
    code = "import sys; import op_program.executor.builder; print('eth' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "True"


def test_demo_choices_match_the_devnet() -> None:
    from op_program.cli import demo_cmd
    from op_program.devnet.batcher import BatchType
    from op_program.devnet.genesis import FORKS
    from op_program.protocol.compression import CompressionAlgo

    assert demo_cmd.BATCH_TYPES == tuple(t.value for t in BatchType)
    assert demo_cmd.COMPRESSIONS == tuple(c.value for c in CompressionAlgo)
    assert demo_cmd.OFFSET_FORKS == FORKS[3:]


def test_rpc_kinds_match_the_host() -> None:
    from op_program.cli.host_flags import RPC_KINDS
    from op_program.host.config import RPCKind

    assert RPC_KINDS == tuple(k.value for k in RPCKind)
