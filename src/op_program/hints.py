"""Hint type names of the op-program dialect, with kona's aliases (DESIGN §4).

Spec: fault-proof/index.md, "Hinting". A hint is the text "<type> 0x<hex payload>".
"""

from enum import StrEnum


class HintType(StrEnum):
    """A hint type as the op-program client writes it."""

    L1_BLOCK_HEADER = "l1-block-header"
    L1_TRANSACTIONS = "l1-transactions"
    L1_RECEIPTS = "l1-receipts"
    L1_BLOB = "l1-blob"
    L1_PRECOMPILE = "l1-precompile"
    L1_PRECOMPILE_V2 = "l1-precompile-v2"
    L2_BLOCK_HEADER = "l2-block-header"
    L2_TRANSACTIONS = "l2-transactions"
    L2_RECEIPTS = "l2-receipts"
    L2_CODE = "l2-code"
    L2_STATE_NODE = "l2-state-node"
    L2_OUTPUT = "l2-output"
    L2_ACCOUNT_PROOF = "l2-account-proof"
    L2_PAYLOAD_WITNESS = "l2-payload-witness"


KONA_ALIASES: dict[str, HintType] = {
    "starting-l2-output": HintType.L2_OUTPUT,
}
"""kona hint names that map onto an op-program hint with the same meaning."""
