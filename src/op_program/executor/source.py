"""State source: where the executor gets trie nodes, code and ancestor headers (by keccak hash).

Spec: fault-proof/index.md (the client fetches L2 state by hash through the preimage oracle,
hints ``l2-state-node``, ``l2-code``, ``l2-block-header``). Every value is re-hashed on receipt
by ``VerifiedSource``; a wrong value is a ``WrongPreimageError``, an absent one a
``MissingStateError``. ``MappingStateSource`` serves a preimage dictionary (fixtures, witnesses).
"""

from collections.abc import Mapping
from typing import Protocol

from op_program.encoding.hashing import keccak256
from op_program.executor.errors import MissingStateError, WrongPreimageError


class StateSource(Protocol):
    """Preimages by keccak256 hash; each method raises ``MissingStateError`` when it has none."""

    def node_by_hash(self, node_hash: bytes) -> bytes:
        """Return the state or storage trie node whose keccak256 is ``node_hash``."""

    def code_by_hash(self, code_hash: bytes) -> bytes:
        """Return the contract code whose keccak256 is ``code_hash``."""

    def header_by_hash(self, block_hash: bytes) -> bytes:
        """Return the RLP-encoded L2 block header whose keccak256 is ``block_hash``."""


class MappingStateSource:
    """A ``StateSource`` over a ``{keccak256(value): value}`` mapping (fixtures, witnesses)."""

    __slots__ = ("_preimages",)

    def __init__(self, preimages: Mapping[bytes, bytes]) -> None:
        self._preimages = preimages

    def _get(self, kind: str, key: bytes) -> bytes:
        value = self._preimages.get(key)
        if value is None:
            raise MissingStateError(kind, key)
        return value

    def node_by_hash(self, node_hash: bytes) -> bytes:
        """Return the trie node with this hash."""
        return self._get("trie node", node_hash)

    def code_by_hash(self, code_hash: bytes) -> bytes:
        """Return the code with this hash."""
        return self._get("code", code_hash)

    def header_by_hash(self, block_hash: bytes) -> bytes:
        """Return the header with this hash."""
        return self._get("header", block_hash)


class VerifiedSource:
    """Wraps a ``StateSource``: checks every value's hash and records what was fetched."""

    __slots__ = ("_source", "fetched")

    def __init__(self, source: StateSource) -> None:
        self._source = source
        self.fetched: dict[bytes, bytes] = {}
        """Every preimage fetched so far (the block's witness), by hash."""

    def _check(self, kind: str, key: bytes, value: bytes) -> bytes:
        if not isinstance(value, bytes) or keccak256(value) != key:
            raise WrongPreimageError(kind, key)
        self.fetched[key] = value
        return value

    def node(self, node_hash: bytes) -> bytes:
        """The verified trie node with this hash."""
        return self._check("trie node", node_hash, self._source.node_by_hash(node_hash))

    def code(self, code_hash: bytes) -> bytes:
        """The verified code with this hash."""
        return self._check("code", code_hash, self._source.code_by_hash(code_hash))

    def header(self, block_hash: bytes) -> bytes:
        """The verified RLP header with this hash."""
        return self._check("header", block_hash, self._source.header_by_hash(block_hash))
