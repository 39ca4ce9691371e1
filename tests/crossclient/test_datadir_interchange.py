"""Datadirs interchange between our host and the Go host (issue 14 step 4).

A ``directory`` datadir written online by our host (serving the Go client,
``--client.dialect op-program-2024``) proves offline under the Go host, and one written online
by the Go host proves offline under ours serving the same client: same verdicts (0 right claim,
1 wrong). The Go client is the common judge (the Go host runs it in-process); the scenario runs
on Sepolia's L1 of 2024 (Cancun headers, an L1 config both sides know).
"""

import subprocess
from pathlib import Path

import pytest

from op_program.devnet.host_run import run_host
from op_program.devnet.rpc_server import serve_devnet
from op_program.host.dialect import ClientDialect
from tests.crossclient.go_host import go_host_argv
from tests.crossclient.reference import reference_binary
from tests.crossclient.test_scenarios import WRONG, built_scenario
from tests.e2e.scenarios import Scenario

pytestmark = pytest.mark.e2e

SCENARIO = "out-of-order-frames-pre-holocene"


@pytest.fixture(scope="module")
def built() -> Scenario:
    """The Granite scenario, built once."""
    return built_scenario(SCENARIO)


def _go_host(scenario: Scenario, workdir: Path, claim: bytes | None, datadir: Path,
             online: bool) -> int:
    devnet = scenario.devnet
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        argv = go_host_argv(str(reference_binary("op-program-go")), scenario, workdir, claim,
                            endpoints if online else None, datadir)
        index = argv.index("--exec")  # the Go host runs its own client in-process
        del argv[index:index + 2]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    return done.returncode


@pytest.mark.parametrize(("claim", "expected"), [(None, 0), (WRONG, 1)])
def test_our_datadir_proves_under_go_host(built: Scenario, tmp_path: Path,
                                          claim: bytes | None, expected: int) -> None:
    devnet = built.devnet
    inputs = devnet.proof_inputs(built.agreed, built.claimed, claim, built.l1_head)
    client = str(reference_binary("op-program-client-go"))
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        ours = run_host(inputs, tmp_path / "ours", endpoints, client=client,
                        dialect=ClientDialect.OP_PROGRAM_2024)
    assert ours.exit_code == expected
    assert _go_host(built, tmp_path / "go", claim, ours.datadir, online=False) == expected


@pytest.mark.parametrize(("claim", "expected"), [(None, 0), (WRONG, 1)])
def test_go_datadir_proves_under_our_host(built: Scenario, tmp_path: Path,
                                          claim: bytes | None, expected: int) -> None:
    datadir = tmp_path / "go-datadir"
    assert _go_host(built, tmp_path / "go", claim, datadir, online=True) == expected
    inputs = built.devnet.proof_inputs(built.agreed, built.claimed, claim, built.l1_head)
    client = str(reference_binary("op-program-client-go"))
    workdir = tmp_path / "ours"
    workdir.mkdir()
    (workdir / "datadir").symlink_to(datadir)
    ours = run_host(inputs, workdir, None, client=client, dialect=ClientDialect.OP_PROGRAM_2024)
    assert ours.exit_code == expected
