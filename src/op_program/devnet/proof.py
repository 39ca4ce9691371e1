"""Proof inputs and the in-process proof: boot inputs as local keys, client run on a store.

Spec: fault-proof/index.md "Bootstrapping" (local keys 1-7 and 9, custom chain id 2^64-1),
"Program" (exit 0 valid claim, 1 invalid, 2 error). The client reads the devnet's preimage store
directly (no pipes, no host): the simplest complete path from batcher data to a verdict.
"""

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from op_program.client.program import run
from op_program.config.rollup import RollupConfig
from op_program.config.rollup_json import rollup_config_to_json
from op_program.devnet.preimages import PreimageStore
from op_program.local_keys import CUSTOM_CHAIN_ID, LocalKey

log = logging.getLogger("op_program.devnet")


@dataclass(frozen=True, slots=True)
class ProofInputs:
    """What a proof starts from (the op-program command line's values)."""

    l1_head: bytes
    l2_head: bytes
    agreed_output_root: bytes
    claimed_output_root: bytes
    claimed_block_number: int
    rollup: RollupConfig
    l2_chain_config: Mapping[str, Any]
    l1_chain_config: Mapping[str, Any]

    def rollup_json(self) -> bytes:
        """The op-node ``rollup.json`` bytes (local key 7)."""
        return json.dumps(rollup_config_to_json(self.rollup)).encode()

    def l2_genesis_json(self) -> bytes:
        """An op-geth genesis file (only ``config`` is read) for ``--l2.genesis``."""
        return json.dumps({"config": dict(self.l2_chain_config)}).encode()

    def add_boot_preimages(self, store: PreimageStore) -> None:
        """Store local keys 1-7 and 9 for a custom chain."""
        store.add_local(LocalKey.L1_HEAD, self.l1_head)
        store.add_local(LocalKey.AGREED_OUTPUT_ROOT, self.agreed_output_root)
        store.add_local(LocalKey.CLAIMED_OUTPUT_ROOT, self.claimed_output_root)
        store.add_local(LocalKey.CLAIMED_BLOCK_NUMBER, self.claimed_block_number.to_bytes(8, "big"))
        store.add_local(LocalKey.L2_CHAIN_ID, CUSTOM_CHAIN_ID.to_bytes(8, "big"))
        store.add_local(LocalKey.L2_CHAIN_CONFIG, json.dumps(dict(self.l2_chain_config)).encode())
        store.add_local(LocalKey.ROLLUP_CONFIG, self.rollup_json())
        store.add_local(LocalKey.L1_CHAIN_CONFIG, json.dumps(dict(self.l1_chain_config)).encode())


@dataclass(frozen=True, slots=True)
class ProofResult:
    """The verdict of one proof run and what it cost."""

    exit_code: int
    seconds: float
    preimages_requested: int
    preimages_available: int


class _NoHints:
    """In-process runs need no hints: the store already holds every preimage."""

    def hint(self, hint: str) -> None:
        del hint


def prove_in_process(store: PreimageStore, inputs: ProofInputs) -> ProofResult:
    """Run the client on ``store`` plus the boot inputs; return its exit code."""
    proof_store = store.copy()
    inputs.add_boot_preimages(proof_store)
    started = time.monotonic()
    code = run(proof_store, _NoHints())
    elapsed = time.monotonic() - started
    log.info("In-process proof exit=%d seconds=%.2f preimages=%d", code, elapsed,
             proof_store.requests)  # fmt: skip
    return ProofResult(code, elapsed, proof_store.requests, len(proof_store))
