"""Shared builders for config tests."""

from typing import Any

import pytest


def minimal_rollup_json(**overrides: Any) -> dict[str, Any]:
    """A small valid op-node rollup.json object."""
    base: dict[str, Any] = {
        "genesis": {
            "l1": {"hash": "0x" + "11" * 32, "number": 100},
            "l2": {"hash": "0x" + "22" * 32, "number": 0},
            "l2_time": 1000,
            "system_config": {
                "batcherAddr": "0x" + "33" * 20,
                "overhead": "0xbc",
                "scalar": "0x" + "00" * 31 + "01",
                "gasLimit": 30_000_000,
            },
        },
        "block_time": 2,
        "max_sequencer_drift": 600,
        "seq_window_size": 3600,
        "channel_timeout": 300,
        "l1_chain_id": 900,
        "l2_chain_id": 901,
        "regolith_time": 0,
        "canyon_time": 2000,
        "delta_time": 3000,
        "ecotone_time": 4000,
        "fjord_time": 5000,
        "granite_time": 6000,
        "holocene_time": 7000,
        "batch_inbox_address": "0x" + "ff" * 20,
        "deposit_contract_address": "0x" + "44" * 20,
        "l1_system_config_address": "0x" + "55" * 20,
    }
    base.update(overrides)
    return base


@pytest.fixture
def rollup_json() -> dict[str, Any]:
    return minimal_rollup_json()
