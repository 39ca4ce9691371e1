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


# ------------------------------------------------ --reps: timed like kona-exec-bench

SECOND = EXECUTOR_FIXTURES / "op-sepolia-22880574"


def bench(argv: list[str]) -> int:
    from op_program.cli.main import main

    return main(["execute-block", *argv])


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.conformance
def test_reps_prints_one_kona_shaped_line_per_fixture(
    fixture_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not (SECOND / "fixture.json").exists():
        pytest.skip(f"fixture {SECOND} not found")
    assert bench(["--reps", "3", str(fixture_copy), str(SECOND)]) == 0
    first, second = lines(capsys.readouterr().out)
    assert first["fixture"] == str(fixture_copy) and second["fixture"] == str(SECOND)
    assert (first["match"], first["gas_used"], first["transactions"]) == (True, 953624, 10)
    assert (second["match"], second["block_number"]) == (True, 22880574)
    for line in (first, second):
        walls = line["seconds_all"]
        assert isinstance(walls, list) and len(walls) == 3 and line["reps"] == 3
        assert line["seconds_first"] == walls[0]
        assert line["seconds_min"] == min(walls)
        assert line["seconds_median"] == sorted(walls)[1]
        assert {"cpu_seconds_first", "cpu_seconds_min", "cpu_seconds_median", "load_seconds",
                "import_seconds", "startup_seconds"} <= set(line)
        assert "error" not in line


@pytest.mark.conformance
def test_reps_mismatch_exits_1(fixture_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = fixture_copy / "fixture.json"
    data = json.loads(path.read_text())
    data["expected_block_hash"] = "0x" + "00" * 32
    path.write_text(json.dumps(data))
    assert bench(["--reps", "1", str(fixture_copy)]) == 1
    assert lines(capsys.readouterr().out)[0]["match"] is False


@pytest.mark.conformance
def test_reps_bad_fixture_exits_2_and_still_times_the_others(
    fixture_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "fixture.json").write_text("{not json")
    assert bench(["--reps", "1", str(broken), str(fixture_copy)]) == 2
    captured = capsys.readouterr()
    bad, good = lines(captured.out)
    assert "FixtureError" in str(bad["error"]) and "match" not in bad
    assert good["match"] is True
    err = captured.err.strip()
    assert err.startswith("op-program: execute-block:") and "\n" not in err


@pytest.mark.parametrize("argv", [
    ["--reps", "0"], ["--reps", "-1"], ["--reps", "x"], ["--reps", "1001"], ["--reps"], [],
])
def test_reps_usage_errors_exit_2(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad ``--reps`` values, and several directories without ``--reps``: exit 2, one line."""
    assert bench([*argv, str(tmp_path), str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert err.startswith("op-program") and "\n" not in err


class CountingPreimages(dict[bytes, bytes]):
    """The preimage map, counting lookups (``MappingStateSource`` reads it with ``get``)."""

    lookups = 0

    def get(self, key: bytes, default: object = None) -> object:  # type: ignore[override]
        self.lookups += 1
        return super().get(key, default)


@pytest.mark.conformance
def test_every_repetition_starts_from_the_witness() -> None:
    """Each repetition fetches the same preimages again: no state is carried over."""
    import dataclasses

    from op_program.cli.execute_block_bench import time_builds
    from op_program.cli.execute_block_cmd import load_fixture_dir

    if not (FIXTURE / "fixture.json").exists():
        pytest.skip(f"fixture {FIXTURE} not found")
    fixture = load_fixture_dir(FIXTURE)
    counting = CountingPreimages(fixture.preimages)
    fixture = dataclasses.replace(fixture, preimages=counting)
    time_builds(fixture, 1)
    once = counting.lookups
    time_builds(fixture, 3)
    assert once > 0 and counting.lookups == 4 * once
