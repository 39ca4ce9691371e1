"""``op-program decode``: batcher data as JSON, for people debugging a chain's batches (DESIGN §8).

Spec: derivation.md (frames, channels, batches), delta/span-batches.md, ecotone/derivation.md
(blob encoding). ``decode frames|channel|batch|batcher-tx INPUT`` where INPUT is ``0x`` hex, a
file (raw bytes or hex text) or ``-`` for stdin. Span batches get block timestamps and L1 origin
numbers when the chain is known (``--network`` or ``--genesis-time/--block-time/--chain-id``).
"""

import argparse
import json
import string
import sys
from pathlib import Path
from typing import Any

from op_program.errors import DecodeError, UsageError
from op_program.protocol.batches import Batch, RawSpanBatch, SingularBatch, decode_batch
from op_program.protocol.batches.rlp_stream import item_bounds
from op_program.protocol.blob import decode_blob
from op_program.protocol.channel import read_channel
from op_program.protocol.compression import (
    MAX_RLP_BYTES_PER_CHANNEL_BEDROCK,
    MAX_RLP_BYTES_PER_CHANNEL_FJORD,
)
from op_program.protocol.frames import Frame, parse_frames
from op_program.protocol.transactions import decode_transaction

_HEX = frozenset(string.hexdigits)


def register(subparsers: Any) -> None:
    """Add the ``decode`` subcommand."""
    parser = subparsers.add_parser(
        "decode",
        help="decode frames, channels, batches or batcher transactions to JSON",
        description="Decode OP Stack batcher data and print JSON.",
    )
    parser.add_argument("kind", choices=("frames", "channel", "batch", "batcher-tx"))
    parser.add_argument("input", help="0x-hex, a file (raw or hex text), or - for stdin")
    parser.add_argument("--network", help="known network name: span batch timestamps, chain id")
    parser.add_argument("--genesis-time", type=int, help="L2 genesis timestamp")
    parser.add_argument("--block-time", type=int, help="L2 block time in seconds")
    parser.add_argument("--chain-id", type=int, help="L2 chain id (rebuilds span batch txs)")
    parser.add_argument("--pre-fjord", action="store_true",
                        help="channel rules before Fjord (zlib only, 10 MB limit)")
    parser.add_argument("--allow-v2", action="store_true",
                        help="accept experimental span batch v2 (type 0x02)")
    parser.add_argument("--blob", action="append", default=[],
                        help="batcher-tx: a blob of the transaction (file or hex), repeatable")
    parser.set_defaults(func=run)


def read_input(value: str) -> bytes:
    """Read INPUT: ``0x`` hex text, ``-`` (stdin), or a file of raw bytes or hex text.

    Raises:
        UsageError: unreadable file or malformed hex.
    """
    if value.startswith(("0x", "0X")):
        raw = value.encode()
    elif value == "-":
        raw = sys.stdin.buffer.read()
    else:
        try:
            raw = Path(value).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {value}: {exc.strerror}") from exc
    text = raw.strip()
    body = text[2:] if text[:2] in (b"0x", b"0X") else text
    try:
        decoded = body.decode("ascii")
    except UnicodeDecodeError:
        return raw
    if body and len(body) % 2 == 0 and _HEX.issuperset(decoded):
        return bytes.fromhex(decoded)
    if text[:2] in (b"0x", b"0X"):
        raise UsageError(f"malformed hex input: {value[:40]!r}")
    return raw


class _Chain:
    """What span-batch derivation needs to know about the L2 chain (all optional)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.genesis_time: int | None = args.genesis_time
        self.block_time: int | None = args.block_time
        self.chain_id: int | None = args.chain_id
        if args.network:
            from op_program.config.registry import network_by_name

            rollup = network_by_name(args.network).rollup
            self.genesis_time = self.genesis_time or rollup.genesis.l2_time
            self.block_time = self.block_time or rollup.block_time
            self.chain_id = self.chain_id or rollup.l2_chain_id


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def frame_json(frame: Frame) -> dict[str, Any]:
    """Summarize one frame."""
    return {
        "channel_id": _hex(frame.channel_id),
        "frame_number": frame.frame_number,
        "data_length": len(frame.data),
        "is_last": frame.is_last,
    }


def _span_json(batch: RawSpanBatch, chain: _Chain) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "span" if batch.batch_type == 1 else f"span-v{batch.batch_type}",
        "rel_timestamp": batch.rel_timestamp,
        "l1_origin_num": batch.l1_origin_num,
        "parent_check": _hex(batch.parent_check),
        "l1_origin_check": _hex(batch.l1_origin_check),
        "block_count": batch.block_count,
        "block_tx_counts": list(batch.block_tx_counts),
        "tx_count": sum(batch.block_tx_counts),
    }
    origins = batch.origin_numbers()
    out["l1_origin_first"], out["l1_origin_last"] = origins[0], origins[-1]
    if chain.genesis_time is not None and chain.block_time is not None:
        stamps = batch.timestamps(chain.block_time, chain.genesis_time)
        out["timestamp_first"], out["timestamp_last"] = stamps[0], stamps[-1]
    if chain.chain_id is not None:
        try:
            batch.txs.full_transactions(chain.chain_id)
            out["transactions_valid"] = True
        except DecodeError as exc:
            out["transactions_valid"] = False
            out["transactions_error"] = str(exc)
    return out


def batch_json(batch: Batch, chain: _Chain) -> dict[str, Any]:
    """Summarize one decoded batch."""
    if isinstance(batch, SingularBatch):
        return {
            "type": "singular",
            "parent_hash": _hex(batch.parent_hash),
            "epoch_num": batch.epoch_num,
            "epoch_hash": _hex(batch.epoch_hash),
            "timestamp": batch.timestamp,
            "tx_count": len(batch.transactions),
        }
    return _span_json(batch, chain)


def channel_json(data: bytes, args: argparse.Namespace, chain: _Chain) -> dict[str, Any]:
    """Decompress and decode a channel's batches."""
    fjord = not args.pre_fjord
    limit = MAX_RLP_BYTES_PER_CHANNEL_FJORD if fjord else MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
    result = read_channel(data, limit, fjord, args.allow_v2)
    return {
        "compression": result.algo.value if result.algo else None,
        "compressed_length": len(data),
        "batch_count": len(result.batches),
        "batches": [batch_json(b, chain) for b in result.batches],
        "stopped": result.error,
    }


def _channels(frames: list[Frame], args: argparse.Namespace, chain: _Chain) -> list[Any]:
    by_id: dict[bytes, dict[int, Frame]] = {}
    for frame in frames:
        by_id.setdefault(frame.channel_id, {}).setdefault(frame.frame_number, frame)
    out = []
    for channel_id, parts in by_id.items():
        last = [f.frame_number for f in parts.values() if f.is_last]
        entry: dict[str, Any] = {"channel_id": _hex(channel_id), "frames": sorted(parts)}
        if not last or any(n not in parts for n in range(last[0] + 1)):
            entry["complete"] = False
        else:
            data = b"".join(parts[n].data for n in range(last[0] + 1))
            entry["complete"] = True
            entry.update(channel_json(data, args, chain))
        out.append(entry)
    return out


def _batcher_tx(raw: bytes, args: argparse.Namespace, chain: _Chain) -> dict[str, Any]:
    out: dict[str, Any] = {}
    payloads: list[bytes] = []
    if raw[:1] == b"\x00":
        payloads.append(raw)  # bare calldata
    else:
        tx = decode_transaction(raw)
        out["tx"] = {"hash": _hex(tx.hash), "type": tx.tx_type, "data_length": len(tx.data)}
        try:
            out["tx"]["from"] = _hex(tx.recover_sender())
        except DecodeError:
            out["tx"]["from"] = None
        if tx.data:
            payloads.append(tx.data)
    payloads.extend(decode_blob(read_input(blob)) for blob in args.blob)
    frames: list[Frame] = []
    for payload in payloads:
        frames.extend(parse_frames(payload))
    out["frames"] = [frame_json(f) for f in frames]
    out["channels"] = _channels(frames, args, chain)
    return out


def decode(kind: str, raw: bytes, args: argparse.Namespace) -> Any:
    """Decode ``raw`` as ``kind`` and return a JSON-ready value."""
    chain = _Chain(args)
    if kind == "frames":
        return [frame_json(f) for f in parse_frames(raw)]
    if kind == "channel":
        return channel_json(raw, args, chain)
    if kind == "batch":
        if raw and raw[0] >= 0x80:  # an RLP string as found in a channel: unwrap it
            bounds = item_bounds(raw, 0)
            raw = raw[bounds.payload_start : bounds.end]
        return batch_json(decode_batch(raw, args.allow_v2), chain)
    return _batcher_tx(raw, args, chain)


def run(args: argparse.Namespace) -> int:
    """Decode and print JSON; exit 0, or 2 with a message when the input does not decode."""
    raw = read_input(args.input)
    try:
        result = decode(args.kind, raw, args)
    except DecodeError as exc:
        print(json.dumps({"error": str(exc), "error_type": type(exc).__name__}))
        return 2
    print(json.dumps(result, indent=2))
    return 0
