"""The executor's state source backed by the oracle: trie nodes, code and ancestor headers.

Spec: fault-proof/index.md, hints ``l2-state-node``, ``l2-code``, ``l2-block-header``. Blocks
built during the run and the trie nodes written while building them are served from memory
(``OracleL2Source``), everything else from the oracle, re-hashed on receipt.
"""

from op_program.client.l2 import OracleL2Source


class OracleStateSource:
    """Adapts :class:`OracleL2Source` to the executor's ``StateSource`` protocol."""

    __slots__ = ("_l2",)

    def __init__(self, l2: OracleL2Source) -> None:
        self._l2 = l2

    def node_by_hash(self, node_hash: bytes) -> bytes:
        """Return the state or storage trie node whose keccak256 is ``node_hash``."""
        return self._l2.node_by_hash(node_hash)

    def code_by_hash(self, code_hash: bytes) -> bytes:
        """Return the contract code whose keccak256 is ``code_hash``."""
        return self._l2.code_by_hash(code_hash)

    def header_by_hash(self, block_hash: bytes) -> bytes:
        """Return the RLP-encoded L2 header whose keccak256 is ``block_hash``."""
        return self._l2.header_by_hash(block_hash).encode()
