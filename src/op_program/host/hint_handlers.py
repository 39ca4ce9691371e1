"""One handler per hint: fetch what the hint names and return the preimages it yields.

Spec: fault-proof/index.md, "Hinting" (op-program dialect, DESIGN §4) with kona's names where
their meaning and layout are unambiguous. A handler gets the decoded hint payload and returns
``(key, value)`` pairs; it stores nothing itself (the prefetcher re-checks and stores them).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from op_program.encoding.errors import JSONTextError
from op_program.encoding.hashing import keccak256
from op_program.encoding.json_text import loads_bounded
from op_program.hints import HintType
from op_program.host.dialect import ClientDialect
from op_program.host.errors import HintError
from op_program.host.precompiles import run_precompile
from op_program.host.rpc.beacon import BeaconSource, Blob
from op_program.host.rpc.eth import EthSource
from op_program.host.rpc.l2 import L2Source
from op_program.preimage.blob_roots import FIELD_ELEMENTS_PER_BLOB, blob_evaluation_points
from op_program.preimage.keys import KeyType, blob_key, keccak256_key, sha256_key

Preimages = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class Sources:
    """The nodes hints are answered from, and the boot facts some handlers check against."""

    l1: EthSource
    beacon: BeaconSource
    l2: L2Source
    l2_head: bytes
    l2_chain_id: int


Handler = Callable[[Sources, bytes], Preimages]


def _hash32(payload: bytes, what: str) -> bytes:
    if len(payload) != 32:
        raise HintError(f"invalid {what} hint: {len(payload)} bytes, want 32")
    return payload


def _l2_hash(sources: Sources, payload: bytes, what: str) -> bytes:
    """Split ``hash [‖ u64 chain id]``; only the configured chain is served."""
    if len(payload) == 40:
        chain_id = int.from_bytes(payload[32:], "big")
        if chain_id != sources.l2_chain_id:
            raise HintError(f"{what} hint for chain {chain_id}; this host serves "
                            f"{sources.l2_chain_id}")
        return payload[:32]
    return _hash32(payload, what)


def _keccak_pairs(values: list[bytes] | tuple[bytes, ...]) -> Preimages:
    return [(keccak256_key(keccak256(v)), v) for v in values]


def l1_block_header(sources: Sources, payload: bytes) -> Preimages:
    """``l1-block-header <hash>``: the RLP header."""
    block_hash = _hash32(payload, "L1 block header")
    return [(keccak256_key(block_hash), sources.l1.header(block_hash).encode())]


def l1_transactions(sources: Sources, payload: bytes) -> Preimages:
    """``l1-transactions <hash>``: the header and the transactions trie nodes."""
    data = sources.l1.transactions(_hash32(payload, "L1 transactions"))
    return [(keccak256_key(data.header.hash), data.header.encode()),
            *_keccak_pairs(data.trie_nodes)]


def l1_receipts(sources: Sources, payload: bytes) -> Preimages:
    """``l1-receipts <hash>``: the receipts trie nodes."""
    data = sources.l1.receipts(_hash32(payload, "L1 receipts"))
    return _keccak_pairs(data.trie_nodes)


def _blob(sources: Sources, payload: bytes) -> tuple[bytes, Blob]:
    if len(payload) not in (40, 48):
        raise HintError(f"invalid L1 blob hint: {len(payload)} bytes, want 48 (or 40)")
    versioned_hash = payload[:32]
    index = int.from_bytes(payload[32:40], "big") if len(payload) == 48 else None
    timestamp = int.from_bytes(payload[-8:], "big")
    return versioned_hash, sources.beacon.blob(versioned_hash, index, timestamp)


def _blob_elements(commitment: bytes, points: Iterable[bytes], data: bytes) -> Preimages:
    """``keccak256(commitment ‖ point) → commitment ‖ point`` and the blob key → element."""
    pairs: Preimages = []
    for i, point in enumerate(points):
        element_key_preimage = commitment + point
        pairs.append((keccak256_key(keccak256(element_key_preimage)), element_key_preimage))
        pairs.append((blob_key(commitment, point), data[i * 32:(i + 1) * 32]))
    return pairs


def l1_blob(sources: Sources, payload: bytes) -> Preimages:
    """``l1-blob <versioned hash ‖ u64 index ‖ u64 L1 timestamp>``: commitment and elements.

    The op-program layout has 48 bytes; the spec's 40-byte form (no index) is accepted too.
    Field element i is keyed by ``keccak256(commitment ‖ z_i)`` with z_i the bit-reversed root
    of unity (DESIGN §4), and the ``commitment ‖ z_i`` preimage is stored too.
    """
    versioned_hash, blob = _blob(sources, payload)
    return [(sha256_key(versioned_hash), blob.commitment),
            *_blob_elements(blob.commitment, blob_evaluation_points(), blob.data)]


def l1_blob_by_index(sources: Sources, payload: bytes) -> Preimages:
    """``l1-blob`` for pre-2025 op-program clients: element i keyed by its index.

    The key of element ``i`` is ``keccak256(commitment ‖ 24 zero bytes ‖ u64 i)`` (op-program
    before the 2025 fix, ``client/l1/oracle.go`` ``GetBlob``). It collides with
    :func:`l1_blob`'s key of element 0 (``z_0 = 1``), see ``host.dialect``.
    """
    versioned_hash, blob = _blob(sources, payload)
    points = (bytes(24) + i.to_bytes(8, "big") for i in range(FIELD_ELEMENTS_PER_BLOB))
    return [(sha256_key(versioned_hash), blob.commitment),
            *_blob_elements(blob.commitment, points, blob.data)]


def l1_blob_kona(sources: Sources, payload: bytes) -> Preimages:
    """``l1-blob`` for kona: the roots-of-unity elements, as for op-program.

    kona's host also stores the blob's KZG proof as a 4097th "element" keyed by index 4096, for
    ZK users; kona-client's proof never asks for it (measured: every devnet blob proof passes
    without it), so it is not stored.
    """
    return l1_blob(sources, payload)


def _precompile(payload: bytes, input_offset: int) -> Preimages:
    if len(payload) < input_offset:
        raise HintError(f"invalid precompile hint: {len(payload)} bytes")
    result = run_precompile(payload[:20], payload[input_offset:])
    input_hash = keccak256(payload)
    return [(keccak256_key(input_hash), payload),
            (bytes((KeyType.PRECOMPILE,)) + input_hash[1:], result)]


def l1_precompile(sources: Sources, payload: bytes) -> Preimages:
    """``l1-precompile <address ‖ input>`` (op-program's first accelerator layout)."""
    return _precompile(payload, 20)


def l1_precompile_v2(sources: Sources, payload: bytes) -> Preimages:
    """``l1-precompile-v2 <address ‖ u64 required gas ‖ input>``."""
    return _precompile(payload, 28)


def l2_block_header(sources: Sources, payload: bytes) -> Preimages:
    """``l2-block-header`` / ``l2-transactions <hash [‖ chain id]>``: header and tx trie."""
    data = sources.l2.blocks.transactions(_l2_hash(sources, payload, "L2 block"))
    return [(keccak256_key(data.header.hash), data.header.encode()),
            *_keccak_pairs(data.trie_nodes)]


def l2_receipts(sources: Sources, payload: bytes) -> Preimages:
    """``l2-receipts <hash [‖ chain id]>``: the receipts trie nodes."""
    data = sources.l2.blocks.receipts(_l2_hash(sources, payload, "L2 receipts"))
    return _keccak_pairs(data.trie_nodes)


def l2_code(sources: Sources, payload: bytes) -> Preimages:
    """``l2-code <code hash [‖ chain id]>``."""
    code_hash = _l2_hash(sources, payload, "L2 code")
    return [(keccak256_key(code_hash), sources.l2.code(code_hash))]


def l2_state_node(sources: Sources, payload: bytes) -> Preimages:
    """``l2-state-node <node hash [‖ chain id]>``."""
    node_hash = _l2_hash(sources, payload, "L2 state node")
    return [(keccak256_key(node_hash), sources.l2.node(node_hash))]


def l2_output(sources: Sources, payload: bytes) -> Preimages:
    """``l2-output <output root [‖ chain id]>``: the output at the agreed L2 head.

    As in the reference, only the agreed head's output is ever requested; a mismatch is an
    error, never a stored value.
    """
    root = _l2_hash(sources, payload, "L2 output")
    output = sources.l2.output_at(sources.l2_head)
    if output.root != root:
        raise HintError(f"output root 0x{output.root.hex()} of L2 head "
                        f"0x{sources.l2_head.hex()} does not match requested 0x{root.hex()}")
    return [(keccak256_key(root), output.encode())]


def l2_account_proof(sources: Sources, payload: bytes) -> Preimages:
    """``l2-account-proof``: account and slot-0 storage proof nodes.

    Layouts: op-program ``block hash ‖ address ‖ u64 chain id`` (60 bytes) or kona
    ``u64 block number ‖ address`` (28 bytes).
    """
    if len(payload) == 60:
        _l2_hash(sources, payload[:32] + payload[52:], "L2 account proof")
        block, address = "0x" + payload[:32].hex(), payload[32:52]
    elif len(payload) == 28:
        block, address = hex(int.from_bytes(payload[:8], "big")), payload[8:]
    else:
        raise HintError(f"invalid L2 account proof hint: {len(payload)} bytes")
    return _keccak_pairs(sources.l2.account_proof(address, block))


def l2_account_storage_proof(sources: Sources, payload: bytes) -> Preimages:
    """The kona hint ``l2-account-storage-proof <u64 block number ‖ address ‖ slot>``."""
    if len(payload) != 60:
        raise HintError(f"invalid L2 account storage proof hint: {len(payload)} bytes")
    block = hex(int.from_bytes(payload[:8], "big"))
    return _keccak_pairs(sources.l2.account_proof(payload[8:28], block, payload[28:]))


def l2_payload_witness(sources: Sources, payload: bytes) -> Preimages:
    """``l2-payload-witness``: the execution witness of building a payload.

    Layouts: op-program JSON ``{parentBlockHash, payloadAttributes, chainID}`` or kona
    ``parent hash ‖ attributes JSON``.
    """
    try:
        if payload[:1] == b"{":
            hint = loads_bounded(payload)
            parent = bytes.fromhex(str(hint["parentBlockHash"]).removeprefix("0x"))
            attributes = hint["payloadAttributes"]
            chain_id = hint.get("chainID")
            if chain_id is not None and int(chain_id) != sources.l2_chain_id:
                raise HintError(f"payload witness hint for chain {chain_id}")
        else:
            parent, attributes = payload[:32], loads_bounded(payload[32:])
    except (ValueError, KeyError, TypeError, JSONTextError) as exc:
        raise HintError(f"invalid L2 payload witness hint: {exc!r}") from exc
    if len(parent) != 32:
        raise HintError("invalid L2 payload witness hint: parent hash is not 32 bytes")
    return _keccak_pairs(sources.l2.payload_witness(parent, attributes))


HANDLERS: dict[str, Handler] = {
    HintType.L1_BLOCK_HEADER: l1_block_header,
    HintType.L1_TRANSACTIONS: l1_transactions,
    HintType.L1_RECEIPTS: l1_receipts,
    HintType.L1_BLOB: l1_blob,
    HintType.L1_PRECOMPILE: l1_precompile,
    HintType.L1_PRECOMPILE_V2: l1_precompile_v2,
    HintType.L2_BLOCK_HEADER: l2_block_header,
    HintType.L2_TRANSACTIONS: l2_block_header,
    HintType.L2_RECEIPTS: l2_receipts,
    HintType.L2_CODE: l2_code,
    HintType.L2_STATE_NODE: l2_state_node,
    HintType.L2_OUTPUT: l2_output,
    HintType.L2_ACCOUNT_PROOF: l2_account_proof,
    HintType.L2_PAYLOAD_WITNESS: l2_payload_witness,
    "starting-l2-output": l2_output,  # kona
    "l2-account-storage-proof": l2_account_storage_proof,  # kona
}
"""Hint type → handler of the op-program dialect (kona's ``l1-precompile`` layout differs)."""

_DIALECT_HANDLERS: dict[ClientDialect, dict[str, Handler]] = {
    ClientDialect.OP_PROGRAM: {},
    ClientDialect.OP_PROGRAM_2024: {HintType.L1_BLOB: l1_blob_by_index},
    ClientDialect.KONA: {HintType.L1_BLOB: l1_blob_kona,
                         HintType.L1_PRECOMPILE: l1_precompile_v2},
}


def handlers_for(dialect: ClientDialect) -> dict[str, Handler]:
    """Return the hint handlers of ``dialect``: :data:`HANDLERS` with its own overrides.

    kona's ``l1-precompile`` is ``address ‖ u64 gas ‖ input`` (kona host ``single/handler.rs``)
    and its blobs carry the KZG proof; pre-2025 op-program keys blob elements by index.
    """
    return {**HANDLERS, **_DIALECT_HANDLERS[dialect]}

BULK_HINTS = frozenset((HintType.L2_ACCOUNT_PROOF, HintType.L2_PAYLOAD_WITNESS,
                        "l2-account-storage-proof"))
"""Hints that prefetch many state nodes at once, used before single node/code fetches."""

KONA_BULK_HINTS = frozenset((HintType.L2_PAYLOAD_WITNESS,))
"""kona's bulk hints: its account (storage) proof hints are the source of the trie nodes it asks
for next without an ``l2-state-node`` hint (the EIP-2935 history lookup), so, as in kona's host,
they are ordinary hints that the next missing preimage is fetched by."""


def bulk_hints_for(dialect: ClientDialect) -> frozenset[str]:
    """Return the hints set aside as bulk prefetches for ``dialect``'s client."""
    return KONA_BULK_HINTS if dialect is ClientDialect.KONA else BULK_HINTS


STATE_HINTS = frozenset((HintType.L2_STATE_NODE, HintType.L2_CODE))
"""Hints a pending bulk hint may answer."""


def parse_hint(hint: str) -> tuple[str, bytes]:
    """Split ``"<type> 0x<hex>"`` into the type and payload bytes.

    Raises:
        HintError: no space, no ``0x`` prefix, or bad hex.
    """
    hint_type, sep, data = hint.partition(" ")
    if not sep or data[:2] not in ("0x", "0X"):
        raise HintError(f"unsupported hint: {hint[:80]!r}")
    try:
        return hint_type, bytes.fromhex(data[2:])
    except ValueError:
        raise HintError(f"invalid hint bytes: {data[:80]!r}") from None
