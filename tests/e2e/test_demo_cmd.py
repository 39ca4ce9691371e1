"""``op-program demo``: exit 0 for the right claim, 1 for a wrong one, with a report."""

import subprocess
import sys

import pytest

from op_program.cli.main import main

pytestmark = pytest.mark.e2e


def test_demo_proves_its_block(capsys: pytest.CaptureFixture[str]) -> None:
    """The default demo (calldata, span, brotli, online host) exits 0 and prints its report."""
    assert main(["demo"]) == 0
    report = capsys.readouterr().out
    assert "VALID (exit 0)" in report
    assert "op-program --l1.head 0x" in report and "--l2.claim 0x" in report


def test_demo_on_anvil_and_with_blobs(capsys: pytest.CaptureFixture[str]) -> None:
    """Both L1 choices of the issue: anvil as the L1 node, and blob batches on the in-process L1."""
    assert main(["demo", "--anvil"]) == 0
    report = capsys.readouterr().out
    assert "on the anvil L1" in report and "VALID (exit 0)" in report
    assert main(["demo", "--blobs", "--batch", "singular", "--compression", "zlib"]) == 0
    assert "VALID (exit 0)" in capsys.readouterr().out


def test_demo_wrong_claim_exits_1() -> None:
    """``--claim`` with another output root: the installed command exits 1."""
    result = subprocess.run(
        [sys.executable, "-m", "op_program.cli.main", "demo", "--claim", "0x" + "44" * 32],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    assert "INVALID (exit 1)" in result.stdout


def test_demo_rejects_bad_options() -> None:
    """A malformed claim is a usage error (exit 2), never a traceback."""
    assert main(["demo", "--claim", "0x1234"]) == 2
    assert main(["demo", "--forks", "isthmus"]) == 2
