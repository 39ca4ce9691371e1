"""Cannon: the Go op-program client as a MIPS program judges a devnet claim, served by our host.

Issue 14 (Cannon, in CI as it fits in minutes): ``cannon run`` with the Go MIPS prestate (the
2024 op-program client, so a Granite-era scenario) and ``op-program --server --client.dialect
op-program-2024`` fetching online from the devnet's nodes. The VM's own exit code is the
verdict: 0 for the sequencer's claim, 1 for a wrong one; cannon itself exits 0 after the VM
exits. bench/cannon.py records steps and wall time on the larger demo chain.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from op_program.devnet.host_run import host_argv
from op_program.devnet.rpc_server import serve_devnet
from op_program.host.dialect import ClientDialect
from tests.crossclient.reference import reference_binary, reference_file
from tests.crossclient.test_scenarios import WRONG, built_scenario
from tests.e2e.scenarios import Scenario

pytestmark = pytest.mark.e2e

SCENARIO = "out-of-order-frames-pre-holocene"
STOPPED = re.compile(r'msg="Execution stopped".*?exited=(\w+) code=(\d+)')


@pytest.fixture(scope="module")
def built() -> Scenario:
    """The Granite-era scenario, built once for both claims."""
    return built_scenario(SCENARIO)


@pytest.mark.parametrize(("claim", "expected"), [(None, 0), (WRONG, 1)])
def test_cannon_mips_client_with_our_server(built: Scenario, tmp_path: Path,
                                            claim: bytes | None, expected: int) -> None:
    cannon = reference_binary("cannon")
    meta = reference_binary("cannon-meta.json")
    prestate = reference_file("cannon-prestate.bin.gz")
    devnet = built.devnet
    # One block: the MIPS client still walks back, reads and decodes the whole channel (the
    # frames arrive out of order), but executes one block, not twelve (about 2e8 steps, not 3e8).
    inputs = devnet.proof_inputs(built.claimed - 1, built.claimed, claim, built.l1_head)
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        flags = host_argv(inputs, tmp_path, tmp_path / "datadir", endpoints, None,
                          ClientDialect.OP_PROGRAM_2024)
        host = [sys.executable, "-m", "op_program.cli.main", "--server", *flags]
        argv = [str(cannon), "run", "--input", str(prestate), "--meta", str(meta),
                "--info-at", "%100000000", "--proof-at", "never", "--stop-at", "never",
                "--output", str(tmp_path / "out.bin.gz"), "--", *host]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    stopped = STOPPED.findall(done.stderr)
    assert stopped, done.stderr[-3000:]
    assert stopped[-1] == ("true", str(expected)), done.stderr[-3000:]
