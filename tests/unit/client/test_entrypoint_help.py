"""``op-program-client --help`` works and states the fd contract (issue 2, DESIGN §4)."""

import shutil
import subprocess
import sys

import pytest


@pytest.mark.parametrize("use_script", [True, False])
def test_client_help_names_the_file_descriptors(use_script: bool) -> None:
    script = shutil.which("op-program-client")
    if use_script:
        assert script is not None, "the op-program-client console script is not installed"
        argv = [script, "--help"]
    else:
        argv = [sys.executable, "-m", "op_program.client.entrypoint", "--help"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "usage: op-program-client" in result.stdout
    text = " ".join(result.stdout.split())
    for role in ("3 (hint read)", "4 (hint write)", "5 (preimage read)", "6 (preimage write)"):
        assert role in text
