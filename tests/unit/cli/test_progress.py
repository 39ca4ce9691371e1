"""Long commands show progress on a terminal and nothing but their logs elsewhere (issue 11).

A pseudo-terminal plays the person at a terminal; captured pipes play scripts and CI.
"""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from op_program.encoding.hashing import keccak256
from tests.fixture_paths import fixtures_path
from tests.terminal import run_on_terminal

CLI = [sys.executable, "-m", "op_program.cli.main"]
ESC = "\x1b["


@pytest.fixture
def witness(tmp_path: Path) -> Path:
    values = [i.to_bytes(4, "big") * 8 for i in range(3000)]
    data = {"0x02" + keccak256(v)[1:].hex(): "0x" + v.hex() for v in values}
    path = tmp_path / "witness.json.gz"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    return path


def test_witness_actions_show_progress_on_a_terminal(witness: Path, tmp_path: Path) -> None:
    code, out = run_on_terminal([*CLI, "witness", "import", str(witness), str(tmp_path / "d")])
    assert code == 0, out
    assert "importing witness" in out and "entries" in out
    assert "imported: 3000 entries, 3000 ok, 0 bad" in out
    code, out = run_on_terminal([*CLI, "witness", "verify", str(tmp_path / "d")])
    assert code == 0 and "verifying datadir" in out and "verified: 3000 entries" in out
    code, out = run_on_terminal([*CLI, "witness", "export", str(tmp_path / "d"),
                                 str(tmp_path / "out.json")])
    assert code == 0 and "exporting witness" in out
    assert len(json.loads((tmp_path / "out.json").read_text())) == 3000


def test_witness_actions_are_quiet_without_a_terminal(witness: Path, tmp_path: Path) -> None:
    for argv in (["import", str(witness), str(tmp_path / "d")],
                 ["verify", str(tmp_path / "d")],
                 ["export", str(tmp_path / "d"), str(tmp_path / "out.json")]):
        done = subprocess.run([*CLI, "witness", *argv], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        assert ESC not in done.stderr + done.stdout
        for label in ("importing witness", "verifying datadir", "exporting witness"):
            assert label not in done.stderr
        assert all(line.startswith(("INFO ", "DEBUG", "WARN ")) for line in
                   done.stderr.splitlines()), done.stderr


def test_execute_block_shows_progress_only_on_a_terminal() -> None:
    fixture = str(fixtures_path("executor", "op-sepolia-26207960"))
    code, out = run_on_terminal([*CLI, "execute-block", fixture])
    assert code == 0, out
    assert "execute-block" in out and "building block with" in out and '"match": true' in out
    done = subprocess.run([*CLI, "execute-block", fixture], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["match"] is True


@pytest.mark.e2e
def test_demo_shows_its_steps_only_on_a_terminal() -> None:
    code, out = run_on_terminal([*CLI, "demo"])
    assert code == 0, out
    assert "running the host online (fetch, store, serve, prove): done (" in out
    assert "VALID (exit 0)" in out
    done = subprocess.run([*CLI, "demo"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "VALID (exit 0)" in done.stdout
    assert done.stderr == ""
