"""The 2024 Go op-program host (``op-program-go``) on a devnet scenario: its command line.

Shared by the cross-client tests and bench/crossclient.py. The 2024 host parses only the
rollup.json fields op-node knew then, wants a geth genesis file, has no ``--l1.chainconfig``
(no local key 9), and execs its client as one path without arguments.
"""

import json
import sys
from pathlib import Path
from typing import Any

from op_program.devnet.host_run import host_argv, write_chain_files
from op_program.devnet.rpc_server import Endpoints
from tests.e2e.scenarios import Scenario

ROLLUP_2024 = frozenset((
    "genesis", "block_time", "max_sequencer_drift", "seq_window_size", "channel_timeout",
    "l1_chain_id", "l2_chain_id", "regolith_time", "canyon_time", "delta_time", "ecotone_time",
    "fjord_time", "granite_time", "holocene_time", "interop_time", "batch_inbox_address",
    "deposit_contract_address", "l1_system_config_address", "protocol_versions_address",
    "da_challenge_contract_address", "da_challenge_window", "da_resolve_window", "alt_da"))
SYSTEM_CONFIG_2024 = frozenset(("batcherAddr", "overhead", "scalar", "gasLimit",
                                "eip1559Params"))
"""The rollup.json fields op-node knew in 2024-10 (op-node/rollup/types.go at d317e96c); its
decoder refuses unknown fields, so later fields (unscheduled forks, Isthmus scalars) go."""


def rollup_2024(document: dict[str, Any]) -> dict[str, Any]:
    """Drop from a rollup.json what the 2024 Go host cannot parse (no fork may use it)."""
    for fork in ("isthmus_time", "jovian_time"):
        assert document.get(fork) is None, f"{fork} is scheduled: the 2024 Go host cannot judge"
    assert document.get("granite_channel_timeout", 50) == 50
    kept = {k: v for k, v in document.items() if k in ROLLUP_2024}
    genesis = dict(kept["genesis"])
    genesis["system_config"] = {k: v for k, v in genesis["system_config"].items()
                                if k in SYSTEM_CONFIG_2024}
    kept["genesis"] = genesis
    return kept


def go_host_argv(go_host: str, scenario: Scenario, workdir: Path, claim: bytes | None,
                 endpoints: Endpoints | None, datadir: Path) -> list[str]:
    """The Go host's command line for ``scenario``, serving our client as its --exec child."""
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, claim, scenario.l1_head)
    _, genesis, _ = write_chain_files(inputs, workdir)
    # Our devnet's genesis file holds only the chain config (all the host serves from it); geth's
    # Genesis parser also requires the genesis block's gas limit and difficulty.
    document = json.loads(genesis.read_text())
    first = devnet.sequencer.blocks[0].header
    document.update({"gasLimit": hex(first.gas_limit), "difficulty": "0x0", "alloc": {}})
    geth_genesis = workdir / "genesis-geth.json"
    geth_genesis.write_text(json.dumps(document))
    ours = workdir / "op-program-client"  # the Go host execs one path, no arguments
    ours.write_text(f"#!/bin/sh\nexec {sys.executable} -m op_program.client.entrypoint\n")
    ours.chmod(0o755)
    argv = host_argv(inputs, workdir, datadir, endpoints, str(ours))
    argv[argv.index("--l2.genesis") + 1] = str(geth_genesis)
    rollup_go = workdir / "rollup-go.json"
    rollup_go.write_text(json.dumps(rollup_2024(json.loads((workdir / "rollup.json").read_text()))))
    argv[argv.index("--rollup.config") + 1] = str(rollup_go)
    # The Go host has no --l1.chainconfig and serves no local key 9: the devnet's L1 must be
    # one the client knows (the Granite-era scenarios run on Sepolia's L1).
    index = argv.index("--l1.chainconfig")
    del argv[index:index + 2]
    return [go_host, *argv]
