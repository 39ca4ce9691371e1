"""Our log lines have the shape of the Go op-program's (the reference binary decides).

Runs the Go host (``op-program-go`` from the shared reference binaries, unpacked to a cache)
and ours on the same failing offline proof, in ``json`` and ``logfmt``, and checks that both
produce lines with ``t``, ``lvl``, ``msg`` first and the same level names and time layout.
Also reads the Go host's ``--help``: every network it offers that the registry snapshot holds
is one ``--network`` accepts here.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from op_program.config.registry import network_by_name
from tests.reference_bins import reference_binary

H = "0x" + "11" * 32
LOGFMT = re.compile(r'([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|[^\s"=]+)(?: |$)')
NOT_IN_REGISTRY = {"base-devnet-0-sepolia-dev-0", "oplabs-devnet-0-sepolia-dev-0"}


@pytest.fixture(scope="module")
def go_host() -> Path:
    return reference_binary("op-program-go")


def failing_run(argv0: list[str], datadir: Path, fmt: str) -> list[str]:
    argv = [*argv0, "--network", "op-sepolia", "--datadir", str(datadir), "--l1.head", H,
            "--l2.head", H, "--l2.outputroot", H, "--l2.claim", H, "--l2.blocknumber", "1",
            "--log.format", fmt, "--log.level", "DEBUG"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    # The Go host logs to stdout (ours to stderr); its panic trace is not a log line.
    lines = [line for line in (done.stdout + done.stderr).splitlines()
             if line.startswith("{" if fmt == "json" else "t=")]
    assert len(lines) >= 3, done.stdout[-1000:] + done.stderr[-1000:]
    return lines


def parse(line: str, fmt: str) -> dict[str, str]:
    if fmt == "json":
        return {k: str(v) for k, v in json.loads(line).items()}
    pairs = LOGFMT.findall(line)
    assert "".join(f"{k}={v} " for k, v in pairs).rstrip() == line, line
    return {k: json.loads(v) if v.startswith('"') else v for k, v in pairs}


@pytest.mark.parametrize("fmt", ["json", "logfmt"])
def test_same_line_shape_as_the_go_host(go_host: Path, tmp_path: Path, fmt: str) -> None:
    theirs = [parse(line, fmt) for line in failing_run([str(go_host)], tmp_path / "go", fmt)]
    ours = [parse(line, fmt) for line in failing_run(
        [sys.executable, "-m", "op_program.cli.main"], tmp_path / "py", fmt)]
    time_layout = (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z" if fmt == "json"
                   else r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}")
    go_levels = {"trace", "debug", "info", "warn", "error", "crit"}
    for records in (theirs, ours):
        for record in records:
            assert list(record)[:3] == ["t", "lvl", "msg"], record
            assert re.fullmatch(time_layout, record["t"]), record
            assert record["lvl"] in go_levels, record
    assert {"debug", "info", "error"} <= {r["lvl"] for r in theirs}
    assert {"debug", "info", "error"} <= {r["lvl"] for r in ours}
    # Both name the datadir in its own field of the storage line.
    for records in (theirs, ours):
        storage = next(r for r in records if "disk storage" in r["msg"])
        assert storage["datadir"].endswith(("/go", "/py")) and storage["format"] == "directory"


def test_every_go_network_that_the_registry_holds_is_known(go_host: Path) -> None:
    done = subprocess.run([str(go_host), "--help"], capture_output=True, text=True, timeout=60)
    text = " ".join(done.stdout.split())
    listed = text.split("Available networks: ", 1)[1].split(" --", 1)[0]
    names = [n.strip(" ,") for n in listed.split(",") if n.strip(" ,")]
    assert "op-sepolia" in names and len(names) >= 15, names
    for name in names:
        if name not in NOT_IN_REGISTRY:
            assert network_by_name(name).name, name
