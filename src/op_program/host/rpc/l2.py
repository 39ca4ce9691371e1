"""L2 state from an op-geth node: trie nodes, code, outputs, account proofs, witnesses.

Spec: fault-proof/index.md, "Hinting" (``l2-state-node``, ``l2-code``, ``l2-output``,
``l2-account-proof``, ``l2-payload-witness``) and specs/protocol/proposals.md (output root v0).
Nodes and code come from ``debug_dbGet`` (code under geth's ``c``-prefixed key first, the
legacy unprefixed key second); outputs from ``eth_getProof`` of the L2ToL1MessagePasser;
every value is checked against the hash it was asked for.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from op_program.encoding.errors import HexDecodeError
from op_program.encoding.hashing import keccak256
from op_program.encoding.hex import bytes_to_hex, hex_to_bytes
from op_program.host.errors import FetchedDataError, RPCError, RPCResponseError
from op_program.host.rpc.eth import EthSource
from op_program.host.rpc.jsonrpc import JsonRpcClient
from op_program.host.rpc.retry import RetryPolicy
from op_program.protocol.output_root import OutputV0
from op_program.protocol.predeploys import L2_TO_L1_MESSAGE_PASSER

CODE_PREFIX = b"c"
"""geth's rawdb prefix of contract code keys."""


class L2Source:
    """Fetches and verifies L2 data; ``experimental`` serves proofs and witnesses when set."""

    __slots__ = ("_retry", "blocks", "experimental", "rpc")

    def __init__(self, rpc: JsonRpcClient, retry: RetryPolicy,
                 experimental: JsonRpcClient | None = None) -> None:
        self.rpc = rpc
        self.experimental = experimental
        self._retry = retry
        self.blocks = EthSource(rpc, retry)

    def _db_get(self, key: bytes) -> bytes:
        value = self.rpc.call("debug_dbGet", bytes_to_hex(key))
        if value is None:
            raise RPCError(f"debug_dbGet 0x{key.hex()}: not found")
        return _decode(value, "debug_dbGet value")

    def node(self, node_hash: bytes) -> bytes:
        """Return the state or storage trie node whose keccak256 is ``node_hash``."""
        def fetch() -> bytes:
            return _checked(self._db_get(node_hash), node_hash, "state node")

        return self._retry.run(f"state node 0x{node_hash.hex()}", fetch)

    def code(self, code_hash: bytes) -> bytes:
        """Return the contract code whose keccak256 is ``code_hash``."""
        def fetch() -> bytes:
            try:
                code = self._db_get(CODE_PREFIX + code_hash)
            except (RPCError, FetchedDataError):
                code = self._db_get(code_hash)  # legacy unprefixed key
            return _checked(code, code_hash, "code")

        return self._retry.run(f"code 0x{code_hash.hex()}", fetch)

    def _proof(self, address: bytes, slots: Sequence[bytes], block: str) -> Mapping[str, Any]:
        client = self.experimental or self.rpc
        result = client.call("eth_getProof", bytes_to_hex(address),
                             [bytes_to_hex(s) for s in slots], block)
        if not isinstance(result, Mapping):
            raise RPCError(f"eth_getProof {bytes_to_hex(address)} at {block}: no result")
        return result

    def output_at(self, block_hash: bytes) -> OutputV0:
        """Return the v0 output of the block ``block_hash`` (header checked by hash)."""
        def fetch() -> OutputV0:
            header = self.blocks._block(block_hash)[0]
            proof = self._proof(L2_TO_L1_MESSAGE_PASSER, [], bytes_to_hex(block_hash))
            storage_root = _decode(proof.get("storageHash"), "storageHash", 32)
            _check_account_proof(proof, header.state_root)
            return OutputV0(header.state_root, storage_root, block_hash)

        return self._retry.run(f"output at 0x{block_hash.hex()}", fetch)

    def account_proof(self, address: bytes, block: str, slot: bytes = bytes(32)) -> list[bytes]:
        """Return the account proof and one storage proof of ``address`` at ``block``.

        The default slot 0 is enough: its proof starts with the storage root node.
        """
        def fetch() -> list[bytes]:
            proof = self._proof(address, [slot], block)
            nodes = _node_list(proof.get("accountProof"), "accountProof")
            storage = proof.get("storageProof")
            if not isinstance(storage, list) or not storage or not isinstance(storage[0], Mapping):
                raise RPCResponseError(f"no storage proof for {bytes_to_hex(address)}")
            return nodes + _node_list(storage[0].get("proof"), "storageProof")

        return self._retry.run(f"account proof {bytes_to_hex(address)}", fetch)

    def payload_witness(self, parent_hash: bytes, attributes: Any) -> list[bytes]:
        """Return the state nodes and codes of executing ``attributes`` on ``parent_hash``."""
        client = self.experimental
        if client is None:
            raise RPCError("payload witnesses need --l2.experimental")

        def fetch() -> list[bytes]:
            result = client.call("debug_executePayload", bytes_to_hex(parent_hash), attributes)
            if not isinstance(result, Mapping):
                raise RPCError("debug_executePayload: no witness")
            values: list[bytes] = []
            for name in ("state", "codes"):
                part = result.get(name) or []
                items = part.values() if isinstance(part, Mapping) else part
                values += [_decode(v, f"witness {name}") for v in items]
            return values

        return self._retry.run(f"payload witness on 0x{parent_hash.hex()}", fetch)


def _decode(value: Any, what: str, length: int | None = None) -> bytes:
    try:
        return hex_to_bytes(value, length)
    except HexDecodeError as exc:
        raise RPCResponseError(f"malformed {what}: {exc}") from exc


def _checked(value: bytes, expected_hash: bytes, what: str) -> bytes:
    if keccak256(value) != expected_hash:
        raise FetchedDataError(f"{what} from node does not hash to 0x{expected_hash.hex()}")
    return value


def _node_list(value: Any, what: str) -> list[bytes]:
    if not isinstance(value, list):
        raise RPCResponseError(f"malformed {what}")
    return [_decode(v, what) for v in value]


def _check_account_proof(proof: Mapping[str, Any], state_root: bytes) -> None:
    nodes = _node_list(proof.get("accountProof"), "accountProof")
    if nodes and keccak256(nodes[0]) != state_root:
        raise FetchedDataError("account proof does not start at the block's state root")
