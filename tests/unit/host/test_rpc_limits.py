"""Hostile nodes: deep JSON, trickled and oversized replies end in typed errors (issue 11).

Each test runs a raw HTTP stub on 127.0.0.1 that writes a bounded amount of data, and uses short
configured limits so that it is fast.
"""

import gzip
import json
import socket
import socketserver
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from op_program.encoding.errors import JSONTextError
from op_program.encoding.json_text import json_depth, loads_bounded
from op_program.host.errors import (
    RPCDeadlineError,
    RPCError,
    RPCResponseError,
    RPCResponseTooLargeError,
)
from op_program.host.rpc.jsonrpc import BeaconHttpClient, HttpLimits, JsonRpcClient
from op_program.host.rpc.retry import RetryPolicy

Responder = Callable[[socket.socket], None]
SRC = Path(__file__).resolve().parents[3] / "src"


class RawStub:
    """An HTTP/1.0 server whose replies ``respond`` writes byte by byte; counts requests."""

    def __init__(self, respond: Responder) -> None:
        self.requests = 0
        stub = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                stub.requests += 1
                conn: socket.socket = self.request
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                while len(rest) < length:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    rest += chunk
                try:
                    respond(conn)
                except OSError:
                    pass  # the client hung up: what the limits are for

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub_factory() -> Iterator[Callable[[Responder], RawStub]]:
    stubs: list[RawStub] = []

    def make(respond: Responder) -> RawStub:
        stubs.append(RawStub(respond))
        return stubs[-1]

    yield make
    for stub in stubs:
        stub.close()


def _headers(length: int | None, extra: str = "") -> bytes:
    size = "" if length is None else f"Content-Length: {length}\r\n"
    return f"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n{size}{extra}\r\n".encode()


def _no_sleep(_: float) -> None:
    pass


def test_deep_json_reply_is_a_typed_error_not_a_crash(
    stub_factory: Callable[[Responder], RawStub],
) -> None:
    """py_ecc raises the recursion limit to 100,000; 200 KB of ``[`` must not kill the host."""
    body = b"[" * 200_000
    stub = stub_factory(lambda conn: conn.sendall(_headers(len(body)) + body))
    script = textwrap.dedent(f"""
        import sys
        import py_ecc.bn128  # noqa: F401  (what py-evm's precompiles load)
        assert sys.getrecursionlimit() >= 100_000, sys.getrecursionlimit()
        from op_program.host.errors import RPCResponseError
        from op_program.host.rpc.jsonrpc import JsonRpcClient
        try:
            JsonRpcClient({stub.url!r}, 5.0).call("eth_chainId")
        except RPCResponseError as exc:
            print(type(exc).__name__, exc)
            sys.exit(2)
        sys.exit(0)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "nested deeper" in done.stdout


def test_trickling_node_hits_the_deadline_and_is_not_retried(
    stub_factory: Callable[[Responder], RawStub],
) -> None:
    def trickle(conn: socket.socket) -> None:
        conn.sendall(_headers(1000))
        for _ in range(100):  # bounded: at most 100 bytes over 10 s
            conn.sendall(b" ")
            time.sleep(0.1)

    stub = stub_factory(trickle)
    limits = HttpLimits(read_timeout=2.0, deadline=0.5, max_response_bytes=1 << 20)
    client = JsonRpcClient(stub.url, limits=limits)
    with pytest.raises(RPCDeadlineError) as caught:
        RetryPolicy(max_attempts=8, sleep=_no_sleep).run("chain id",
                                                         lambda: client.call("eth_chainId"))
    assert "1 attempt" in str(caught.value)
    assert stub.requests == 1
    client.close()


def test_silent_node_times_out_within_the_deadline(
    stub_factory: Callable[[Responder], RawStub],
) -> None:
    """A node that sends nothing is bounded by min(read timeout, deadline)."""
    stub = stub_factory(lambda conn: time.sleep(3))
    client = BeaconHttpClient(stub.url, limits=HttpLimits(read_timeout=30.0, deadline=0.3))
    with pytest.raises(RPCError):
        client.get("/eth/v1/beacon/genesis")
    client.close()


@pytest.mark.parametrize("declared", [True, False])
def test_oversized_reply_is_cut_off_and_not_retried(
    stub_factory: Callable[[Responder], RawStub], declared: bool,
) -> None:
    cap = 1 << 20
    total = 4 * cap

    def flood(conn: socket.socket) -> None:
        conn.sendall(_headers(total if declared else None) + b'{"result":"0x')
        chunk = b"00" * 32768
        for _ in range(total // len(chunk)):  # bounded: stops at 4 MiB or when cut off
            conn.sendall(chunk)

    stub = stub_factory(flood)
    client = JsonRpcClient(stub.url, limits=HttpLimits(max_response_bytes=cap))
    with pytest.raises(RPCResponseTooLargeError) as caught:
        RetryPolicy(max_attempts=8, sleep=_no_sleep).run(
            "dbGet", lambda: client.call("debug_dbGet", "0x00"))
    assert "1 attempt" in str(caught.value)
    assert stub.requests == 1
    client.close()


def test_replies_within_the_limits_are_read(
    stub_factory: Callable[[Responder], RawStub],
) -> None:
    reply = json.dumps({"jsonrpc": "2.0", "id": 1, "result": "0x" + "ab" * 5000}).encode()
    packed = gzip.compress(reply)
    stub = stub_factory(
        lambda conn: conn.sendall(_headers(len(packed), "Content-Encoding: gzip\r\n") + packed))
    client = JsonRpcClient(stub.url, limits=HttpLimits(max_response_bytes=len(reply),
                                                       deadline=10.0))
    assert client.call("debug_dbGet", "0x00") == "0x" + "ab" * 5000
    client.close()


def test_unrequested_content_encoding_is_refused(
    stub_factory: Callable[[Responder], RawStub],
) -> None:
    stub = stub_factory(
        lambda conn: conn.sendall(_headers(4, "Content-Encoding: br\r\n") + b"xxxx"))
    client = JsonRpcClient(stub.url)
    with pytest.raises(RPCResponseError, match="content encoding"):
        client.call("eth_chainId")
    client.close()


def test_json_depth_skips_strings_and_is_exact() -> None:
    assert json_depth(b'[[1,[2]],{"a":"]]]]"}]') == 3
    assert json_depth(b'{"a":["[[[["]}') == 2
    assert json_depth(b'"\\"[[[["') == 0
    assert json_depth(b'"unterminated [[[[') == 0
    assert json_depth(b"[" * 1000) == 1000


def test_loads_bounded() -> None:
    assert loads_bounded(b'{"a": [1, [2, [3]]]}') == {"a": [1, [2, [3]]]}
    assert loads_bounded(b"[" * 20 + b"]" * 20, max_depth=20) is not None
    for bad in (b"[" * 21 + b"]" * 21, b"{not json", "[1]".encode("utf-16"), b"[" * 200_000):
        with pytest.raises(JSONTextError):
            loads_bounded(bad, max_depth=20)
    # brackets inside strings do not count; a string full of "]" does not hide real depth
    assert loads_bounded(b'["' + b"[" * 100 + b'"]', max_depth=2) == ["[" * 100]
    with pytest.raises(JSONTextError):
        loads_bounded(b'["' + b"]" * 100 + b'",' + b"[" * 30 + b"]" * 31, max_depth=20)


def test_node_urls_are_redacted_for_logs() -> None:
    from op_program.redact import redact_url

    assert redact_url("https://user:pw@eth.example.com/v2/SECRET?key=K") == "https://eth.example.com"
    assert redact_url("http://127.0.0.1:8545/") == "http://127.0.0.1:8545"


def test_host_config_limits_reach_the_clients() -> None:
    from dataclasses import replace

    from op_program.config.registry import network_by_name, rollup_config_by_chain_id
    from op_program.host.config import ChainSetup, HostConfig
    from op_program.host.errors import HostConfigError
    from op_program.host.sources import open_sources

    chain_id = network_by_name("op-sepolia").chain_id
    chain = ChainSetup(rollup_config_by_chain_id(chain_id), chain_id)
    base = HostConfig(chain, b"\x01" * 32, b"\x02" * 32, b"\x03" * 32,
                      bytes(32), 1, l1_url="http://127.0.0.1:1", l2_url="http://127.0.0.1:1",
                      l1_beacon_url="http://127.0.0.1:1", rpc_deadline=7.0,
                      rpc_max_response_bytes=1234)
    opened = open_sources(base.check())
    try:
        for client in opened.clients:
            assert client._http.limits.deadline == 7.0
            assert client._http.limits.max_response_bytes == 1234
    finally:
        opened.close()
    with pytest.raises(HostConfigError):
        replace(base, rpc_deadline=0.0).check()
