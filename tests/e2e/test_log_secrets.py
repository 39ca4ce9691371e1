"""RPC keys never reach the logs: real proofs through the ``op-program`` command line.

The devnet's loopback nodes answer under URLs that carry a key in the userinfo, the path and the
query, as provider URLs do. The host (a separate process, with its ``--exec`` client child)
runs a whole blob proof at every log level; its complete stderr must not contain any key, while
the endpoints' scheme and host do show up where the logs name them. A node that refuses the
call ends the run with an error naming which endpoint failed, again without its key.
"""

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from op_program.devnet.host_run import client_command, host_argv
from op_program.devnet.rpc_server import Endpoints, serve_devnet, serving
from op_program.oplog import FORMATS, LEVEL_NAMES
from tests.e2e.scenarios import SCENARIOS, Scenario

pytestmark = pytest.mark.e2e

USER_KEY, PATH_KEY, QUERY_KEY = "UserKey7f3a9c", "PathKey51d0e2", "QueryKey9b44e8"
KEYS = (USER_KEY, PATH_KEY, QUERY_KEY)


def keyed(url: str) -> str:
    """``http://127.0.0.1:P`` with a key in the userinfo, the path and the query."""
    host = url.removeprefix("http://")
    return f"http://op:{USER_KEY}@{host}/v2/{PATH_KEY}?apikey={QUERY_KEY}"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """A proof whose derivation reads blobs, so L1, beacon and L2 are all asked."""
    return SCENARIOS["blobs-span-zlib"]()


def run_cli(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "op_program.cli.main", *argv],
                          capture_output=True, text=True, timeout=300)


def assert_no_key(text: str) -> None:
    for key in KEYS:
        assert key not in text, f"{key} leaked: " + next(
            line for line in text.splitlines() if key in line)


@pytest.mark.parametrize(("level", "fmt"), [
    (level, FORMATS[i % len(FORMATS)]) for i, level in enumerate(LEVEL_NAMES)])
def test_proof_logs_hold_no_key(scenario: Scenario, tmp_path: Path, level: str,
                                fmt: str) -> None:
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, None, scenario.l1_head)
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        secret = Endpoints(keyed(endpoints.l1), keyed(endpoints.l2), keyed(endpoints.beacon))
        argv = host_argv(inputs, tmp_path, tmp_path / "datadir", secret, client_command())
        done = run_cli([*argv, "--log.level", level.upper(), "--log.format", fmt])
    assert done.returncode == 0, done.stderr[-2000:]
    assert_no_key(done.stderr + done.stdout)
    if level in ("trace", "debug"):  # the RPC lines name the nodes, by scheme and host only
        for url in (endpoints.l1, endpoints.l2, endpoints.beacon):
            assert url in done.stderr
        assert "Built L2 block" in done.stderr  # the child's lines are there too


@contextlib.contextmanager
def refusing_node() -> Iterator[str]:
    """A JSON-RPC node that refuses every method and echoes the URL it was called on."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            del format, args

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            request_id = body[0]["id"] if isinstance(body, list) else body["id"]
            port = self.server.server_address[1]  # type: ignore[index]
            echoed = f"http://127.0.0.1:{port}{self.path}"
            data = json.dumps({"jsonrpc": "2.0", "id": request_id, "error": {
                "code": -32601, "message": f"method not allowed at {echoed}"}}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    with serving(Handler) as url:
        yield url


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_failing_node_is_named_without_its_key(scenario: Scenario, tmp_path: Path,
                                               fmt: str) -> None:
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, None, scenario.l1_head)
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints, \
            refusing_node() as l1:
        secret = Endpoints(keyed(l1), keyed(endpoints.l2), keyed(endpoints.beacon))
        argv = host_argv(inputs, tmp_path, tmp_path / "datadir", secret, None)
        done = run_cli([*argv, "--log.level", "debug", "--log.format", fmt])
    assert done.returncode == 2
    assert_no_key(done.stderr + done.stdout)
    assert f"L1 {l1}: header 0x" in done.stderr


def test_proof_on_a_terminal_shows_progress_without_keys(scenario: Scenario,
                                                         tmp_path: Path) -> None:
    """In-process proof at a terminal: a live 'proving' line that follows the logs, no key."""
    from tests.terminal import run_on_terminal

    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, None, scenario.l1_head)
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        secret = Endpoints(keyed(endpoints.l1), keyed(endpoints.l2), keyed(endpoints.beacon))
        argv = host_argv(inputs, tmp_path, tmp_path / "datadir", secret, None)
        code, out = run_on_terminal([sys.executable, "-m", "op_program.cli.main", *argv,
                                     "--log.level", "debug"])
    assert code == 0, out[-2000:]
    assert "proving" in out and "Claim successfully verified" in out
    assert_no_key(out)
