"""A child process for the preimage wire tests: a client on fds 3-6, or a dying server.

Usage:
    preimage_peer.py client OP...   ops: get:<hex key> | hint:<text> | hintlen:<n> | fds
    preimage_peer.py server MODE    modes: partial-response | die-before-ack

The client prints one JSON line per op and exits 0, or 3 after a typed channel error.
The server uses the host ends mapped on fds 3 (hint in), 4 (ack out), 5 (keys in),
6 (responses out), and kills itself mid-message.
"""

import hashlib
import json
import os
import signal
import sys

from op_program.preimage.channel import FdChannel
from op_program.preimage.errors import ChannelClosedError
from op_program.preimage.hints import HintClient
from op_program.preimage.oracle import OracleClient
from op_program.preimage.process import client_channels_from_fds


def run_client(ops: list[str]) -> int:
    channels = client_channels_from_fds()
    oracle, hinter = OracleClient(channels.preimage), HintClient(channels.hint)
    for op in ops:
        name, _, arg = op.partition(":")
        try:
            if name == "get":
                value = oracle.get(bytes.fromhex(arg))
                out = {"op": op, "len": len(value), "sha256": hashlib.sha256(value).hexdigest()}
            elif name == "hint":
                hinter.hint(arg)
                out = {"op": op, "acked": True}
            elif name == "hintlen":
                hinter.hint("h" * int(arg))
                out = {"op": "hintlen", "acked": True}
            else:
                out = {"op": op, "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd"))}
        except ChannelClosedError as exc:
            print(json.dumps({"op": op, "error": type(exc).__name__}), flush=True)
            return 3
        print(json.dumps(out), flush=True)
    return 0


def run_server(mode: str) -> int:
    hint = FdChannel(3, 4)
    preimage = FdChannel(5, 6)
    if mode == "partial-response":
        preimage.read_exact(32)
        preimage.write_all((1000).to_bytes(8, "big"), b"p" * 10)
    else:
        length = int.from_bytes(hint.read_exact(4), "big")
        hint.read_exact(length)
    os.kill(os.getpid(), signal.SIGKILL)
    return 1


if __name__ == "__main__":
    role, *rest = sys.argv[1:]
    sys.exit(run_client(rest) if role == "client" else run_server(rest[0]))
