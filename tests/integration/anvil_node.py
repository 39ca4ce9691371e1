"""A real Ethereum node for integration tests: anvil on a free loopback port (DESIGN §10)."""

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

ANVIL = Path(__file__).resolve().parents[2] / (
    "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rpc(url: str, method: str, *params: Any) -> Any:
    """Call ``method`` on the node at ``url``; the test fails on a JSON-RPC error."""
    reply = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                  "params": list(params)}, timeout=30).json()
    assert "error" not in reply, reply
    return reply["result"]


@contextmanager
def running_anvil(*args: str) -> Iterator[str]:
    """Start anvil with ``args`` (skip the test when it is not installed); yield its URL."""
    if not ANVIL.exists():
        pytest.skip(f"anvil not installed at {ANVIL}")
    port = free_port()
    proc = subprocess.Popen([str(ANVIL), "--port", str(port), "--silent", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                rpc(url, "eth_chainId")
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def anvil_fixture(*args: str) -> Any:
    """A module-scoped pytest fixture yielding the URL of an anvil started with ``args``.

    Use as ``anvil = anvil_fixture("--hardfork", "prague")`` in a test module.
    """

    @pytest.fixture(scope="module")
    def anvil() -> Iterator[str]:
        with running_anvil(*args) as url:
            yield url

    return anvil
