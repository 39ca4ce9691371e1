"""Witnesses for a range of L2 blocks: the steps, and their boot inputs from a rollup node.

Spec: fault-proof/index.md, "Bootstrapping" (agreed output root and L2 head, claimed output
root and block number, L1 head) and specs/protocol/proposals.md (output root v0). A range
``--from N --to M --span K``
claims blocks N..M: it is cut into steps ``(N-1, N-1+K), (N-1+K, N-1+2K), …`` whose last one ends
at M; each step is one proof, agreed on its first block and claiming its last. The agreed and
claimed output roots and the agreed block hash come from op-node's ``optimism_outputAtBlock``;
each answer is re-hashed (v0 root = keccak256(version ‖ state root ‖ message-passer storage root
‖ block hash)) so a node's garbled reply is refused, not turned into a wrong claim.

The L1 head: every step of a range uses the same one, ``--l1.head`` or else the L1 node's
``finalized`` block read once before the first step. One L1 head at or beyond the batches of the
range's last block is right for every step (the client stops deriving once the claimed block is
safe); a finalized block cannot be reorged away, so the witnesses stay valid; one value makes the
run reproducible. Its cost: an early step walks L1 back from that head to its own L1 origin, a
few headers per step more than a per-step head would need (op-node exposes no L1 block at which
each L2 block became safe that all nodes serve). With the finalized head, a range that ends past
the rollup node's finalized L2 block (``optimism_syncStatus``, read before the L1 head so the
head is at least as recent) is refused before any step: its last batches may be after the head
(``check_range_reach``, also ``verify-range``'s check against the safe L2 block).
"""

import logging
from dataclasses import dataclass
from typing import Any

from op_program.encoding.errors import HexDecodeError
from op_program.encoding.hex import hex_to_bytes
from op_program.host.errors import HostConfigError, RPCError, RPCResponseError
from op_program.host.rpc.jsonrpc import JsonRpcClient
from op_program.protocol.output_root import OutputV0

_log = logging.getLogger("op_program.host.witness")

METHOD_NOT_FOUND = -32601
"""JSON-RPC 2.0 "method not found"."""
SAFE_L2 = "safe_l2"
"""The sync-status head derived from the rollup node's current L1 view (for the latest L1 head)."""
FINALIZED_L2 = "finalized_l2"
"""The sync-status head derived from finalized L1 data (for the finalized L1 head)."""
MAX_STEPS = 100_000
"""Most steps one range command plans (a bound on a typo such as --span 1 over 10^9 blocks)."""


def plan_steps(first: int, last: int, span: int) -> list[tuple[int, int]]:
    """Cut the claims ``first..last`` into ``(agreed, claimed)`` steps of ``span`` blocks.

    ``first`` is the first *claimed* block (issue 13: block N is proven from the output root at
    N-1), so the steps cover ``(first - 1, last]``; the last step may be shorter. The same
    meaning in ``verify-range`` and ``witness generate``.

    Raises:
        HostConfigError: ``first < 1`` (block 0 has no parent), ``first > last``, ``span < 1``,
            or too many steps.
    """
    if first < 1 or last < first:
        raise HostConfigError(f"invalid range: --from {first} --to {last} is not a range of "
                              "blocks above 0 (--from is the first block proven)")
    if span < 1:
        raise HostConfigError(f"invalid --span {span}: must be at least 1")
    start = first - 1
    count = -(-(last - start) // span)
    if count > MAX_STEPS:
        raise HostConfigError(f"range of {count} steps is more than {MAX_STEPS}")
    return [(agreed, min(agreed + span, last)) for agreed in range(start, last, span)]


@dataclass(frozen=True, slots=True)
class BlockOutput:
    """One L2 block's output root and hash, as a rollup node reported and we re-hashed them."""

    number: int
    block_hash: bytes
    output_root: bytes


def parse_output_at_block(number: int, reply: Any) -> BlockOutput:
    """Check an ``optimism_outputAtBlock`` reply for block ``number``.

    Raises:
        RPCResponseError: not an object, a field missing or malformed, another block, or an
            output root that is not the hash of its parts.
    """
    what = f"optimism_outputAtBlock {number}"
    try:
        if not isinstance(reply, dict) or not isinstance(reply.get("blockRef"), dict):
            raise RPCResponseError(f"{what}: no output object with a blockRef")
        ref = reply["blockRef"]
        reported = ref.get("number")
        reported_number = int(reported, 16) if isinstance(reported, str) else reported
        if reported_number != number or isinstance(reported_number, bool):
            raise RPCResponseError(f"{what}: answered for block {reported!r}")
        version = _hash(reply.get("version", "0x" + "00" * 32))
        if any(version):
            raise RPCResponseError(f"{what}: output version 0x{version.hex()} is not v0")
        output = OutputV0(_hash(reply.get("stateRoot")), _hash(reply.get("withdrawalStorageRoot")),
                          _hash(ref.get("hash")))
        root = _hash(reply.get("outputRoot"))
    except (HexDecodeError, ValueError, TypeError) as exc:
        raise RPCResponseError(f"{what}: malformed reply ({exc})") from exc
    if output.root != root:
        raise RPCResponseError(f"{what}: outputRoot 0x{root.hex()} is not the hash of the "
                               "reported state root, storage root and block hash")
    return BlockOutput(number, output.block_hash, root)


def parse_sync_l2(reply: Any, field: str) -> int:
    """The number of L2 block reference ``field`` of an ``optimism_syncStatus`` reply.

    Raises:
        RPCResponseError: not an object with that block reference and a u64 number.
    """
    ref = reply.get(field) if isinstance(reply, dict) else None
    number = ref.get("number") if isinstance(ref, dict) else None
    try:
        value = int(number, 16) if isinstance(number, str) else number
    except ValueError:
        value = None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 1 << 64:
        what = field.replace("_l2", "")
        raise RPCResponseError(f"optimism_syncStatus: no {what} L2 block number "
                               f"({str(number)[:40]!r})")
    return value


def parse_finalized_l2(reply: Any) -> int:
    """The ``finalized_l2.number`` of an ``optimism_syncStatus`` reply (``parse_sync_l2``)."""
    return parse_sync_l2(reply, FINALIZED_L2)


def _hash(value: Any) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{value!r:.40} is not a hex string")
    return hex_to_bytes(value, 32)


class RollupNode:
    """An op-node's ``optimism`` namespace, for output roots of L2 blocks."""

    __slots__ = ("_rpc",)

    def __init__(self, url: str) -> None:
        self._rpc = JsonRpcClient(url)

    def output_at(self, number: int) -> BlockOutput:
        """The checked output of L2 block ``number``.

        Raises:
            RPCError: the request failed or the reply is not a valid output.
        """
        return parse_output_at_block(number, self._rpc.call("optimism_outputAtBlock",
                                                            hex(number)))

    def sync_l2(self, field: str) -> int | None:
        """The number of the node's ``field`` L2 block (``optimism_syncStatus``).

        None when the node does not serve the method (JSON-RPC -32601): the check it feeds is a
        courtesy, each step's proof judges derivability anyway.

        Raises:
            RPCError: the request failed or the reply has no such L2 block number.
        """
        try:
            reply = self._rpc.call("optimism_syncStatus")
        except RPCResponseError as exc:
            if exc.code == METHOD_NOT_FOUND:
                return None
            raise
        return parse_sync_l2(reply, field)

    def finalized_l2(self) -> int | None:
        """The node's finalized L2 block number (``sync_l2(FINALIZED_L2)``)."""
        return self.sync_l2(FINALIZED_L2)

    def close(self) -> None:
        """Close the HTTP client."""
        self._rpc.close()


def finalized_l1_head(l1_url: str) -> bytes:
    """The hash of the L1 node's ``finalized`` block (the default L1 head of a range).

    Raises:
        RPCError: the request failed or the reply has no 32-byte hash.
    """
    client = JsonRpcClient(l1_url)
    try:
        block = client.call("eth_getBlockByNumber", "finalized", False)
    finally:
        client.close()
    try:
        if not isinstance(block, dict):
            raise RPCError("eth_getBlockByNumber finalized: no block")
        return _hash(block.get("hash"))
    except (HexDecodeError, TypeError) as exc:
        raise RPCResponseError(f"eth_getBlockByNumber finalized: malformed hash ({exc})"
                               ) from exc


class RangeBeyondHeadError(HostConfigError):
    """A range ends past the L2 block the rollup node has derived from the chosen L1 head."""


def check_range_reach(node: RollupNode, last: int, field: str, l1_head_name: str) -> None:
    """Refuse a range whose last block is past the rollup node's ``field`` L2 block.

    Why: a claim whose batch is not yet on L1 up to the L1 head is judged invalid by the
    client (fault-proof/index.md, "Fault Proof Program": the claim is checked at the safe head
    the derivation reaches), so the chain's own valid claim would read as a fault. With the
    latest L1 head the reach is ``safe_l2`` (derived from the node's current L1 view), with the
    finalized one ``finalized_l2``. Read this *before* the L1 head, so the head is at least as
    recent as the status. One shared check for ``verify-range`` and ``witness generate``;
    skipped with a warning when the node does not serve ``optimism_syncStatus``.

    Raises:
        RangeBeyondHeadError: ``last`` is past the node's ``field`` block (one line naming both).
        RPCError: the status request failed or the reply is malformed.
    """
    reach = node.sync_l2(field)
    what = field.replace("_l2", "")
    if reach is None:
        _log.warning("The rollup node does not serve optimism_syncStatus: not checking that "
                     "block %d is %s under the %s L1 head", last, what, l1_head_name)
        return
    if last > reach:
        raise RangeBeyondHeadError(
            f"L2 block {last} is not {what} yet (the rollup node's {what} L2 block is {reach}): "
            f"its batch may be after the {l1_head_name} L1 head and its claim would prove "
            f"invalid; use --to {reach} or lower, or give --l1.head")
