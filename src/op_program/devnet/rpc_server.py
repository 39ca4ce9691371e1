"""Loopback HTTP servers: the devnet's L1 and L2 JSON-RPC nodes and its beacon API.

Spec: JSON-RPC 2.0 (single and batch requests) over HTTP POST; the beacon API over HTTP GET.
Servers bind 127.0.0.1 on a free port and live only inside ``serve_devnet``'s ``with`` block,
so the real host can fetch everything online from the devnet and nothing outlives the caller.
"""

import contextlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from op_program.devnet.rpc_views import (
    JsonHandler,
    RpcMethodError,
    beacon_documents,
    l1_view,
    l2_handlers,
)
from op_program.encoding.errors import HexDecodeError

GetHandler = Callable[[str, Mapping[str, str]], Any]


@dataclass(frozen=True, slots=True)
class Endpoints:
    """URLs of the running devnet nodes."""

    l1: str
    l2: str
    beacon: str


def _answer(handlers: Mapping[str, JsonHandler], request: Any) -> dict[str, Any]:
    request_id = request.get("id") if isinstance(request, dict) else None
    reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    method = request.get("method") if isinstance(request, dict) else None
    handler = handlers.get(method) if isinstance(method, str) else None
    if handler is None:
        reply["error"] = {"code": -32601, "message": f"method {method} not found"}
        return reply
    try:
        reply["result"] = handler(list(request.get("params") or []))
    except (RpcMethodError, HexDecodeError, ValueError, IndexError, KeyError) as exc:
        reply["error"] = {"code": -32000, "message": str(exc)}
    return reply


def _handler_class(rpc: Mapping[str, JsonHandler] | None, get: GetHandler | None) -> type:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            del format, args  # quiet: the host logs what it fetches

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - stdlib name
            if rpc is None:
                self._send(405, {"message": "GET only"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                request = json.loads(self.rfile.read(length))
            except ValueError:
                self._send(400, {"message": "invalid JSON"})
                return
            if isinstance(request, list):
                self._send(200, [_answer(rpc, item) for item in request])
            else:
                self._send(200, _answer(rpc, request))

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            parts = urlsplit(self.path)
            # Behind a keyed gateway the API sits under a prefix (``/KEY/eth/v1/…``): drop it.
            path = parts.path[parts.path.find("/eth/"):] if "/eth/" in parts.path else parts.path
            document = get(path, dict(parse_qsl(parts.query))) if get else None
            if document is None:
                self._send(404, {"code": 404, "message": "not found"})
            else:
                self._send(200, document)

    return Handler


@contextlib.contextmanager
def serving(handler: type) -> Iterator[str]:
    """Serve ``handler`` on a free loopback port in a thread; yield its URL, stop on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="devnet-rpc", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def serve_devnet(l1: Any, sequencer: Any, chain_id: int) -> Iterator[Endpoints]:
    """Serve the devnet's L1, L2 and beacon data on loopback for the ``with`` block.

    An L1 that is a real node (it has a ``url``, e.g. anvil) is used as the L1 endpoint.
    """
    node_url = getattr(l1, "url", None)
    with contextlib.ExitStack() as stack:
        l1_url = node_url if isinstance(node_url, str) else stack.enter_context(
            serving(_handler_class(l1_view(l1).handlers(), None)))  # fmt: skip
        l2_url = stack.enter_context(
            serving(_handler_class(l2_handlers(sequencer, chain_id), None)))
        beacon_url = stack.enter_context(serving(_handler_class(None, beacon_documents(l1))))
        yield Endpoints(l1_url, l2_url, beacon_url)
