"""The node and code store beneath the world state, over the verified state source (DESIGN §6).

Spec: fault-proof/index.md (L2 state is fetched by hash: ``l2-state-node``, ``l2-code``).
Misses go to ``VerifiedSource`` (every value hash-checked); nodes and code written by this
block are kept locally and returned by ``EvmBackend.persist``.
"""


from eth.db.backends.base import BaseDB

from op_program.executor.source import VerifiedSource
from op_program.mpt.account import decode_storage_value


class SourceDB(BaseDB):
    """Local nodes and code plus the verified state source, as a key-value store."""

    def __init__(self, source: VerifiedSource) -> None:
        self.store: dict[bytes, bytes] = {}
        self.written: dict[bytes, bytes] = {}
        self.source = source
        self.code_mode = False
        self.failure: Exception | None = None

    def __getitem__(self, key: bytes) -> bytes:
        value = self.store.get(key)
        if value is None:
            try:
                value = self.source.code(key) if self.code_mode else self.source.node(key)
            except Exception as exc:
                # Any source failure (a missing node, an oracle error, even a KeyError) is
                # remembered: py-evm swallows some exceptions (EIP-7702 authorizations).
                self.failure = exc
                raise
            self.store[key] = value
        return value

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.store[key] = value
        self.written[key] = value

    def __delitem__(self, key: bytes) -> None:
        # Nothing is ever removed: the witness or later blocks may still need it.
        pass

    def _exists(self, key: bytes) -> bool:
        return key in self.store


def _storage_int(encoded: bytes) -> int:
    """A storage value as the trie holds it: a canonical RLP integer of at most 32 bytes.

    The common shapes are decoded inline (py-rlp's generic decoder dominated SLOAD);
    anything else goes through the strict decoder, which rejects non-canonical encodings.
    """
    first = encoded[0]
    size = len(encoded)
    if size == 1 and 0 < first < 0x80:
        return first
    if 0x81 <= first <= 0xA0 and size == first - 0x7F and encoded[1] and (
        first != 0x81 or encoded[1] >= 0x80
    ):
        return int.from_bytes(encoded[1:], "big")
    return decode_storage_value(encoded)
