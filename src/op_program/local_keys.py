"""Local preimage key indices of the op-program boot protocol (DESIGN §4).

Spec: fault-proof/index.md, "Bootstrapping" (op-program numbering; kona differs for 6/7).
"""

from enum import IntEnum


class LocalKey(IntEnum):
    """Index of a type-1 (local) preimage key."""

    L1_HEAD = 1
    AGREED_OUTPUT_ROOT = 2
    CLAIMED_OUTPUT_ROOT = 3
    CLAIMED_BLOCK_NUMBER = 4
    L2_CHAIN_ID = 5
    L2_CHAIN_CONFIG = 6
    ROLLUP_CONFIG = 7
    L1_CHAIN_CONFIG = 9


class KonaLocalKey(IntEnum):
    """Local key indices where kona's boot protocol differs (kona-proof ``boot.rs``)."""

    ROLLUP_CONFIG = 6
    L1_CHAIN_CONFIG = 7


CUSTOM_CHAIN_ID = 2**64 - 1
"""Chain id value meaning "custom chain: read the configs from local keys 6 and 7"."""
