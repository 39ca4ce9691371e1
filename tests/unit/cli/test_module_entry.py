"""``python -m op_program`` runs the ``op-program`` command (issue 10, DESIGN §8)."""

import subprocess
import sys

from op_program import __version__


def test_python_dash_m_prints_the_version() -> None:
    result = subprocess.run([sys.executable, "-m", "op_program", "--version"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"op-program {__version__}"


def test_python_dash_m_usage_error_exits_2() -> None:
    result = subprocess.run([sys.executable, "-m", "op_program", "--no-such-flag"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("op-program: error:")
    assert "Traceback" not in result.stderr
