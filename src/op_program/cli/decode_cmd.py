"""``op-program decode``: batcher data as JSON, for people debugging a chain's batches (DESIGN §8).

Spec: derivation.md (frames, channels, batches), delta/span-batches.md, ecotone/derivation.md
(blob encoding). ``decode frames|channel|batch|batcher-tx INPUT`` where INPUT is ``0x`` hex, a
file (raw bytes or hex text) or ``-`` for stdin. Span batches get block timestamps and L1 origin
numbers when the chain is known (``--network`` or ``--genesis-time/--block-time/--chain-id``).

One convention for every kind: JSON on stdout only on success (exit 0); input that does not
decode is one line on stderr and exit 2. A channel whose reading stops after some batches is a
success that says why in ``stopped`` (derivation keeps those batches too); one that yields no
batch is an error. Batches are written as they are decoded (cli/json_stream.py), so a small
channel that decompresses to millions of batches streams instead of filling memory. The decoders
are imported when a decode runs, keeping ``op-program --help`` fast.
"""

from __future__ import annotations

import argparse
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from op_program.cli.json_stream import write_json
from op_program.errors import ConfigError, DecodeError, UsageError

if TYPE_CHECKING:
    from op_program.protocol.batches import Batch, RawSpanBatch
    from op_program.protocol.frames import Frame

_HEX = frozenset(string.hexdigits)
_INPUT = ("INPUT is 0x-prefixed hex, a file holding raw bytes or hex text, or - for stdin.")
KINDS = {
    "frames": "Decode batcher frames: the derivation version byte 0x00 followed by frames "
              "(channel id, frame number, data, is_last), as in a batcher transaction's calldata "
              "or a blob's data. Prints one JSON object per frame.",
    "channel": "Decode a complete channel: the concatenated data of its frames, compressed "
               "with zlib or (from Fjord, version byte 0x01) brotli, holding RLP-wrapped "
               "batches. Prints the compression, every batch (streamed as decoded), the count "
               "and why reading stopped early, if it did.",
    "batch": "Decode one batch: its type byte and body (0x00 singular, 0x01 span), or the RLP "
             "string wrapping it as found inside a channel.",
    "batcher-tx": "Decode a batcher transaction: a signed EIP-2718 transaction (its calldata "
                  "frames) or bare calldata starting with 0x00; a blob transaction's data is "
                  "in its blobs, given with --blob. Prints the frames and every channel they "
                  "complete.",
}


def register(subparsers: Any) -> None:
    """Add the ``decode`` subcommand with one sub-parser (and ``--help``) per kind."""
    parser = subparsers.add_parser(
        "decode",
        help="decode frames, channels, batches or batcher transactions to JSON",
        description="Decode OP Stack batcher data and print JSON (exit 0); input that does "
                    "not decode is one line on stderr (exit 2). 'decode KIND --help' tells "
                    "what each kind takes.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    chain = argparse.ArgumentParser(add_help=False)
    chain.add_argument("--network", help="known network name: span batch timestamps, chain id")
    chain.add_argument("--genesis-time", type=int, help="L2 genesis timestamp")
    chain.add_argument("--block-time", type=int, help="L2 block time in seconds")
    chain.add_argument("--chain-id", type=int, help="L2 chain id (rebuilds span batch txs)")
    chain.add_argument("--allow-v2", action="store_true",
                       help="accept experimental span batch v2 (type 0x02)")
    channel = argparse.ArgumentParser(add_help=False)
    channel.add_argument("--pre-fjord", action="store_true",
                         help="channel rules before Fjord (zlib only, 10 MB limit)")
    parents = {"frames": [], "channel": [chain, channel], "batch": [chain],
               "batcher-tx": [chain, channel]}
    for kind, text in KINDS.items():
        sub = kinds.add_parser(kind, parents=parents[kind], help=text.split(":")[0],
                               description=f"{text} {_INPUT}")
        sub.add_argument("input", metavar="INPUT", help="0x-hex, a file (raw or hex), or -")
        if kind == "batcher-tx":
            sub.add_argument("--blob", action="append", default=[],
                             help="a blob of the transaction (file or hex), repeatable")
        sub.set_defaults(func=run)


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
        self.genesis_time: int | None = getattr(args, "genesis_time", None)
        self.block_time: int | None = getattr(args, "block_time", None)
        self.chain_id: int | None = getattr(args, "chain_id", None)
        if getattr(args, "network", None):
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
    from op_program.protocol.batches import SingularBatch

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


class ChannelStream:
    """A channel's batches as JSON, decoded one at a time while they are written.

    Decompression (bounded by the channel size limit) happens here; the first batch is decoded
    at once so that a channel yielding nothing is known before any output is written.

    Raises:
        ProtocolDecodeError: unknown compression (from the constructor).
    """

    def __init__(self, data: bytes, args: argparse.Namespace, chain: _Chain) -> None:
        from op_program.protocol.channel import iter_batch_payloads
        from op_program.protocol.compression import (
            MAX_RLP_BYTES_PER_CHANNEL_BEDROCK,
            MAX_RLP_BYTES_PER_CHANNEL_FJORD,
            decompress_channel,
        )

        fjord = not getattr(args, "pre_fjord", False)
        limit = MAX_RLP_BYTES_PER_CHANNEL_FJORD if fjord else MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
        decompressed = decompress_channel(data, limit, fjord)
        self.algo = decompressed.algo
        self.compressed_length = len(data)
        self.count = 0
        self.stopped: str | None = None
        self._allow_v2 = bool(getattr(args, "allow_v2", False))
        self._chain = chain
        self._payloads = iter_batch_payloads(decompressed)
        self._next_item = self._decode_next()

    def _decode_next(self) -> dict[str, Any] | None:
        from op_program.protocol.batches import decode_batch
        from op_program.protocol.batches.errors import BatchDecodeError

        try:
            payload = next(self._payloads)
        except StopIteration:
            return None
        except DecodeError as exc:
            self.stopped = str(exc)
            return None
        try:
            return batch_json(decode_batch(payload, self._allow_v2), self._chain)
        except BatchDecodeError as exc:
            self.stopped = f"invalid batch: {exc}"
        except DecodeError as exc:
            self.stopped = str(exc)
        return None

    @property
    def empty(self) -> bool:
        """No batch at all (before streaming starts)."""
        return self.count == 0 and self._next_item is None

    def batches(self) -> Iterator[dict[str, Any]]:
        """Yield each batch's JSON as it is decoded; counts them and records why it stopped."""
        while self._next_item is not None:
            item, self._next_item = self._next_item, None
            self.count += 1
            yield item
            self._next_item = self._decode_next()
        self._payloads = iter(())  # done: let the decompressed data go

    def document(self) -> dict[str, Any]:
        """The channel's JSON object; count and stop reason are filled in after the batches."""
        return {
            "compression": self.algo.value if self.algo else None,
            "compressed_length": self.compressed_length,
            "batches": self.batches(),
            "batch_count": lambda: self.count,
            "stopped": lambda: self.stopped,
        }


class _LazyChannel:
    """A channel inside a batcher transaction, decompressed when its turn to be written comes.

    One channel's data is in memory at a time. Never an error: the problem is in ``stopped``.
    """

    def __init__(self, data: bytes, args: argparse.Namespace, chain: _Chain) -> None:
        self._data, self._args, self._chain = data, args, chain
        self._stream: ChannelStream | None = None
        self._error: str | None = None

    def _open(self) -> ChannelStream | None:
        if self._stream is None and self._error is None:
            try:
                self._stream = ChannelStream(self._data, self._args, self._chain)
            except DecodeError as exc:
                self._error = str(exc)
        return self._stream

    def compression(self) -> str | None:
        stream = self._open()
        return stream.algo.value if stream is not None and stream.algo else None

    def batches(self) -> Iterator[dict[str, Any]]:
        stream = self._open()
        return stream.batches() if stream is not None else iter(())

    def batch_count(self) -> int:
        return self._stream.count if self._stream is not None else 0

    def stopped(self) -> str | None:
        return self._stream.stopped if self._stream is not None else self._error


def channel_json(data: bytes, args: argparse.Namespace, chain: _Chain) -> dict[str, Any]:
    """The JSON of a channel inside a batcher transaction (values filled in as written)."""
    lazy = _LazyChannel(data, args, chain)
    return {"compression": lazy.compression, "compressed_length": len(data),
            "batches": lazy.batches, "batch_count": lazy.batch_count, "stopped": lazy.stopped}


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
    from op_program.protocol.blob import decode_blob
    from op_program.protocol.frames import parse_frames
    from op_program.protocol.transactions import decode_transaction

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
    """Decode ``raw`` as ``kind``; return a JSON-ready value (iterators stream when written).

    Raises:
        DecodeError: the input does not decode as ``kind`` (nothing has been written yet).
    """
    chain = _Chain(args)
    if kind == "frames":
        from op_program.protocol.frames import parse_frames

        return [frame_json(f) for f in parse_frames(raw)]
    if kind == "channel":
        stream = ChannelStream(raw, args, chain)
        if stream.empty and stream.stopped is not None:
            raise DecodeError(f"no batch in the channel: {stream.stopped}")
        return stream.document()
    if kind == "batch":
        from op_program.protocol.batches import decode_batch
        from op_program.protocol.batches.rlp_stream import item_bounds

        if raw and raw[0] >= 0x80:  # an RLP string as found in a channel: unwrap it
            bounds = item_bounds(raw, 0)
            raw = raw[bounds.payload_start : bounds.end]
        return batch_json(decode_batch(raw, args.allow_v2), chain)
    return _batcher_tx(raw, args, chain)


def run(args: argparse.Namespace) -> int:
    """Decode and write JSON (exit 0); one line on stderr and exit 2 when it does not decode."""
    try:
        raw = read_input(args.input)
        result = decode(args.kind, raw, args)
    except (DecodeError, ConfigError, UsageError) as exc:
        print(f"op-program: error: decode {args.kind}: {exc}", file=sys.stderr)
        return 2
    write_json(result, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
    return 0
