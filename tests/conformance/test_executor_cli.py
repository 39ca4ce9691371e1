"""``op-program execute-block FIXTURE_DIR``: JSON report and exit codes 0 / 1 / 2 (DESIGN §8)."""

import argparse
import json
import shutil
from pathlib import Path

import pytest

from op_program.cli import execute_block_cmd
from tests.conformance.test_executor import EXECUTOR_FIXTURES

FIXTURE = EXECUTOR_FIXTURES / "op-sepolia-26207960"


def run(path: Path) -> int:
    return execute_block_cmd.run(argparse.Namespace(fixture_dir=str(path)))


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    if not (FIXTURE / "fixture.json").exists():
        pytest.skip(f"fixture {FIXTURE} not found")
    for name in ("fixture.json", "preimages.json.gz"):
        shutil.copyfile(FIXTURE / name, tmp_path / name)
    return tmp_path


@pytest.mark.conformance
def test_match_prints_the_report_and_exits_0(
    fixture_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(fixture_copy) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["match"] is True
    assert report["block_hash"] == report["expected_block_hash"]
    assert (report["transactions"], report["gas_used"]) == (10, 953624)
    assert set(report) >= {"block_hash", "expected_block_hash", "match", "gas_used",
                           "transactions", "seconds"}


@pytest.mark.conformance
def test_mismatch_exits_1(fixture_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = fixture_copy / "fixture.json"
    data = json.loads(path.read_text())
    data["expected_block_hash"] = "0x" + "00" * 32
    path.write_text(json.dumps(data))
    assert run(fixture_copy) == 1
    assert json.loads(capsys.readouterr().out)["match"] is False


@pytest.mark.conformance
@pytest.mark.parametrize("damage", ["missing", "garbage", "bad_tx"])
def test_errors_exit_2_with_one_line(
    fixture_copy: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = fixture_copy / "fixture.json"
    if damage == "missing":
        path.unlink()
    elif damage == "garbage":
        path.write_text("{not json")
    else:
        data = json.loads(path.read_text())
        data["executing_payload"]["transactions"][1] = "0x02c0"
        path.write_text(json.dumps(data))
    assert run(fixture_copy) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("op-program: execute-block:") and "\n" not in err
