"""Every log line of a whole proof parses in its format, the host's and the ``--exec`` child's.

The real OP Sepolia 16491249 witness, offline, with ``--exec op-program-client``: the child
inherits the host's ``--log.level``/``--log.format``. ``logfmt`` and ``json`` must look like the
Go op-program's (``t=… lvl=… msg=… key=value``; ``{"t", "lvl", "msg", key: value}``, level
names trace…crit) with each value under its own key, never folded into ``msg``; ``text`` is
``LEVEL [time] message key=value`` for people.
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from op_program.oplog import LEVEL_NAMES
from tests.fixture_paths import fixtures_path

pytestmark = [pytest.mark.integration, pytest.mark.slow]
TIMEOUT = 1800
LOGFMT_TOKEN = re.compile(r'([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|[^\s"=]+)(?: |$)')
TEXT_LINE = re.compile(
    r"(TRACE|DEBUG|INFO |WARN |ERROR|CRIT ) \[\d\d-\d\d\|\d\d:\d\d:\d\d\.\d{3}\] \S")
FOLDED = re.compile(r"\b[a-z_]+=\S")
"""A ``key=value`` inside a message: the value should have been its own field."""


@pytest.fixture(scope="module")
def proof() -> Iterator[list[str]]:
    boot = json.loads(fixtures_path("fpp", "op-sepolia-16491249", "boot.json").read_text())
    witness = fixtures_path("fpp", "op-sepolia-16491249", "preimages.json.gz")
    root = Path(tempfile.mkdtemp(prefix="logs-"))
    subprocess.run([sys.executable, "-m", "op_program.cli.main", "witness", "import",
                    str(witness), str(root / "data")], check=True, capture_output=True,
                   timeout=TIMEOUT)
    client = shutil.which("op-program-client") or "op-program-client"
    yield [sys.executable, "-m", "op_program.cli.main", "--network", boot["network"],
           "--datadir", str(root / "data"), "--l1.head", boot["l1_head"],
           "--l2.head", boot["agreed_l2_head_hash"],
           "--l2.outputroot", boot["agreed_l2_output_root"],
           "--l2.claim", boot["claimed_l2_output_root"],
           "--l2.blocknumber", str(boot["claimed_l2_block_number"]), "--exec", client]
    shutil.rmtree(root, ignore_errors=True)


def parse_logfmt(line: str) -> dict[str, str]:
    pairs = LOGFMT_TOKEN.findall(line)
    assert "".join(f"{k}={v} " for k, v in pairs).rstrip() == line, line
    return {k: json.loads(v) if v.startswith('"') else v for k, v in pairs}


def run(argv: list[str], fmt: str) -> list[str]:
    done = subprocess.run([*argv, "--log.format", fmt, "--log.level", "Debug"],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout == ""
    return done.stderr.splitlines()


def check_fields(records: list[dict[str, object]]) -> None:
    for record in records:
        assert list(record)[:3] == ["t", "lvl", "msg"], record
        assert record["lvl"] in LEVEL_NAMES, record
        assert not FOLDED.search(str(record["msg"])), record
    by_msg = {str(r["msg"]): r for r in records}
    # The host's and the child's lines are both there, each value under its own key.
    assert {"Started client process", "Client process exited", "Program bootstrapped",
            "Claim successfully verified"} <= set(by_msg)
    boot = by_msg["Program bootstrapped"]
    assert str(boot["l1_head"]).startswith("0x") and str(boot["l2_chain_id"]) == "11155420"
    assert str(by_msg["Client process exited"]["code"]) == "0"
    assert {r["lvl"] for r in records} >= {"info", "debug"}


def test_logfmt_lines(proof: list[str]) -> None:
    records = []
    for line in run(proof, "logfmt"):
        record = parse_logfmt(line)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", record["t"]), line
        records.append(dict(record))
    check_fields(records)  # type: ignore[arg-type]


def test_json_lines(proof: list[str]) -> None:
    records = [json.loads(line) for line in run(proof, "json")]
    for record in records:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", record["t"]), record
    check_fields(records)
    head = next(r for r in records if r["msg"] == "Agreed L2 safe head")
    assert head["number"] == 16491248  # a %d field is a JSON number, as in Go's logs


@pytest.mark.parametrize("fmt", ["text", "terminal"])
def test_text_lines(proof: list[str], fmt: str) -> None:
    lines = run(proof, fmt)
    assert lines and all(TEXT_LINE.match(line) for line in lines), next(
        line for line in lines if not TEXT_LINE.match(line))
    assert any(" Program bootstrapped l1_head=0x" in line for line in lines)
    assert any(" Claim successfully verified " in line for line in lines)
