"""A local HTTP server playing a JSON-RPC node and a beacon API, with injectable faults."""

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Method = Callable[[list[Any]], Any]


class StubNode:
    """Serves ``methods`` (JSON-RPC) and ``paths`` (GET, beacon) on 127.0.0.1.

    ``faults`` is a queue of fault names consumed one per request: "500", "timeout",
    "malformed", "error" (JSON-RPC error object), "wrongid".
    """

    def __init__(self) -> None:
        self.methods: dict[str, Method] = {}
        self.paths: dict[str, Callable[[str], Any]] = {}
        self.faults: list[str] = []
        self.calls: list[str] = []
        self.delay = 2.0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def _fault(self) -> bool:
                if not stub.faults:
                    return False
                fault = stub.faults.pop(0)
                if fault == "500":
                    self._send(500, b"oops")
                elif fault == "timeout":
                    time.sleep(stub.delay)
                    self._send(500, b"late")
                elif fault == "malformed":
                    self._send(200, b"{not json")
                elif fault == "wrongid":
                    self._send(200, b'{"jsonrpc":"2.0","id":999999,"result":null}')
                else:
                    stub.faults.insert(0, fault)
                    return False
                return True

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                requests = body if isinstance(body, list) else [body]
                stub.calls.extend(r["method"] for r in requests)
                if self._fault():
                    return
                if stub.faults and stub.faults[0] == "error":
                    stub.faults.pop(0)
                    replies = [{"jsonrpc": "2.0", "id": r["id"], "error": {
                        "code": -32000, "message": "busy"}} for r in requests]
                else:
                    replies = [stub._reply(r) for r in requests]
                out = replies if isinstance(body, list) else replies[0]
                self._send(200, json.dumps(out).encode())

            def do_GET(self) -> None:
                stub.calls.append(self.path)
                if self._fault():
                    return
                for prefix, fn in stub.paths.items():
                    if self.path.startswith(prefix):
                        self._send(200, json.dumps(fn(self.path)).encode())
                        return
                self._send(404, b'{"message":"not found"}')

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _reply(self, request: dict[str, Any]) -> dict[str, Any]:
        method = self.methods.get(request["method"])
        if method is None:
            return {"jsonrpc": "2.0", "id": request["id"],
                    "error": {"code": -32601, "message": "method not found"}}
        return {"jsonrpc": "2.0", "id": request["id"], "result": method(request["params"])}

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
