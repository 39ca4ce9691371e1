"""``decode channel`` streams: a tiny channel of very many batches keeps memory bounded.

A brotli channel of a few hundred bytes can decompress to 100 MB of minimal batches (1.3 million
of them). Holding all their JSON made ``decode channel`` take gigabytes; now each batch is
written as it is decoded. The channel is built here; the check is on the decoding process's peak
memory (``ru_maxrss``) against the same process decoding a one-batch channel, and on the
streamed output being complete — never on time.
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from op_program.cli.json_stream import write_json
from op_program.protocol.batches import SingularBatch
from op_program.protocol.compression import CompressionAlgo, compress_channel

pytestmark = pytest.mark.slow
BATCHES = 150_000
PEAK = '''
import resource, sys
from op_program.cli.main import main
code = main(["decode", "channel", sys.argv[1]])
sys.stdout.flush()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
'''


def minimal_batch() -> bytes:
    """A singular batch without transactions, RLP-wrapped as inside a channel (76 bytes)."""
    body = SingularBatch(b"\x01" * 32, 5, b"\x02" * 32, 1234, ()).encode()
    return bytes([0xB8, len(body)]) + body


def decode_peak_kb(channel: Path) -> tuple[int, int, dict[str, object]]:
    """Run ``decode channel`` in a child; count the streamed batch lines; return peak RSS."""
    child = subprocess.Popen([sys.executable, "-c", PEAK, str(channel)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stderr is not None
    lines, head, tail = 0, [], list[str]()
    for line in child.stdout:
        lines += 1
        if lines <= 4:
            head.append(line)
        tail = [*tail[-3:], line]
    err = child.stderr.read()
    assert child.wait() == 0, err
    summary = json.loads("".join(head[:3]) + '"batches": [],' + "".join(tail[-3:]))
    return int(err.split()[-1]), lines, summary


def test_many_batch_channel_streams_in_bounded_memory(tmp_path: Path) -> None:
    one = tmp_path / "one.bin"
    one.write_bytes(compress_channel(minimal_batch(), CompressionAlgo.BROTLI))
    many = tmp_path / "many.bin"
    many.write_bytes(compress_channel(minimal_batch() * BATCHES, CompressionAlgo.BROTLI, 5))
    assert many.stat().st_size < 400  # the amplification: hundreds of bytes in, 11 MB out
    base_kb, base_lines, _ = decode_peak_kb(one)
    peak_kb, lines, summary = decode_peak_kb(many)
    assert lines - base_lines == BATCHES - 1  # one line per batch, written as decoded
    assert summary["batch_count"] == BATCHES and summary["stopped"] is None
    assert summary["compression"] == "brotli"
    # Holding the batches' JSON cost ~2.3 KB each (over 300 MB here); streaming costs the
    # decompressed data (11 MB) and a bounded rest.
    assert peak_kb - base_kb < 100_000, (base_kb, peak_kb)


def test_write_json_matches_json_dumps_and_streams_iterators() -> None:
    import io

    value = {"a": [1, {"b": None}], "c": {}, "d": [], "e": "x\"y", "f": 1.5}
    out = io.StringIO()
    write_json(value, out)
    assert json.loads(out.getvalue()) == value
    produced: list[int] = []

    def items() -> Iterator[dict[str, int]]:
        for i in range(3):
            produced.append(i)
            yield {"i": i}

    out = io.StringIO()
    write_json({"items": items(), "count": lambda: len(produced)}, out)
    assert json.loads(out.getvalue()) == {"items": [{"i": 0}, {"i": 1}, {"i": 2}], "count": 3}


def test_batcher_tx_of_many_channel_bombs_holds_one_at_a_time(tmp_path: Path) -> None:
    """Forty channels of ~100 bytes, each decompressing to 4 MB: memory grows by one, not 40."""
    from op_program.protocol.frames import Frame, encode_frames

    size = 4_000_000
    bomb = compress_channel(b"\xba" + size.to_bytes(3, "big") + bytes(size),
                            CompressionAlgo.BROTLI)
    frames = [Frame(i.to_bytes(16, "big"), 0, bomb, True) for i in range(40)]
    calldata = tmp_path / "calldata.bin"
    calldata.write_bytes(encode_frames(frames))
    one = tmp_path / "one.bin"
    one.write_bytes(encode_frames(frames[:1]))
    peaks = []
    for path in (one, calldata):
        code = PEAK.replace('"channel"', '"batcher-tx"')
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        channels = json.loads(done.stdout)["channels"]
        assert all(c["complete"] and c["batch_count"] == 0 and c["stopped"] for c in channels)
        peaks.append(int(done.stderr.split()[-1]))
    assert len(channels) == 40
    assert peaks[1] - peaks[0] < 40_000, peaks  # all forty at once would be 160 MB more
