"""A JSON-RPC 2.0 client and a beacon REST client over httpx (one attempt per call).

Spec: Ethereum execution APIs (JSON-RPC 2.0 over HTTP) and the beacon node API. Transport
failures, timeouts, HTTP errors and malformed JSON become :class:`RPCError`; error objects
become :class:`RPCResponseError` with their code. Retrying is the caller's policy (retry.py).
Nodes are untrusted: replies are streamed within ``HttpLimits`` (a total deadline and a size
cap) and parsed with bounded nesting (``encoding.json_text``), issue 11.
httpx is imported when a client is made (~0.12 s): an offline host, the common case of a proof
from a datadir, never pays for it.
"""

import itertools
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from op_program.encoding.errors import JSONTextError
from op_program.encoding.json_text import loads_bounded
from op_program.host.errors import (
    RPCDeadlineError,
    RPCError,
    RPCResponseError,
    RPCResponseTooLargeError,
)
from op_program.redact import redact_url

DEFAULT_TIMEOUT = 30.0
DEFAULT_DEADLINE = 300.0
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024

_log = logging.getLogger("op_program.host.rpc")
_DECODABLE = frozenset(("", "identity", "gzip", "deflate"))


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """Bounds on one request to a node, which may be slow or hostile (issue 11).

    ``read_timeout`` bounds each wait for bytes; ``deadline`` bounds the whole request, connect
    to last byte (a node trickling one byte per read timeout would otherwise hold it forever;
    it is checked as bytes arrive, so a request ends at most ``min(read_timeout, deadline)``
    after it). ``max_response_bytes`` caps a reply's decoded size: the largest real replies are
    a full L1 block's receipts as JSON (at 60M gas of minimal logs about 160k logs of ~400 bytes,
    ~64 MB), an L2 execution witness, and a beacon blob sidecar set (~0.26 MB of hex per blob);
    256 MiB leaves room for growth while keeping one reply's memory bounded.
    """

    read_timeout: float = DEFAULT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES


class _Http:
    """One httpx client that reads replies as streams, within ``HttpLimits``."""

    __slots__ = ("_client", "_counter_lock", "_http_error", "limits", "requests", "seconds")

    def __init__(self, limits: HttpLimits) -> None:
        self.limits = limits
        self.requests = 0
        """Requests sent (a JSON-RPC batch is one): what ``witness generate`` reports."""
        self.seconds = 0.0
        """Wall time spent in requests (overlapping ones each count in full)."""
        self._counter_lock = threading.Lock()
        timeout = min(limits.read_timeout, limits.deadline)
        # No brotli/zstd: a compressed reply is decoded as it streams, and gzip's worst ratio
        # (~1000:1) keeps one decoded chunk bounded.
        import httpx  # noqa: PLC0415 - lazy: see the module docstring

        self._client: httpx.Client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": "op-program-py", "Accept-Encoding": "gzip, deflate"},
        )
        self._http_error: type[httpx.HTTPError] = httpx.HTTPError

    def request(self, method: str, url: str, what: str,
                **kwargs: Any) -> tuple[int, str, bytearray]:
        """Send one request; return the status, reason and body read within the limits.

        Raises:
            RPCError: transport failure or a timeout.
            RPCDeadlineError: the reply was not complete within the deadline.
            RPCResponseTooLargeError: the reply is larger than ``max_response_bytes``.
            RPCResponseError: a content encoding this client did not ask for.
        """
        limits = self.limits
        started = time.monotonic()
        end = started + limits.deadline
        with self._counter_lock:
            self.requests += 1
        try:
            with self._client.stream(method, url, **kwargs) as response:
                encoding = response.headers.get("Content-Encoding", "").strip().lower()
                if encoding not in _DECODABLE:
                    raise RPCResponseError(f"{what}: unsupported content encoding {encoding!r}")
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limits.max_response_bytes:
                    raise _too_large(what, limits)
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limits.max_response_bytes:
                        raise _too_large(what, limits)
                    if time.monotonic() > end:
                        raise _late(what, limits)
                if time.monotonic() > end:
                    raise _late(what, limits)
                return response.status_code, response.reason_phrase, body
        except self._http_error as exc:
            if time.monotonic() > end:
                raise _late(what, limits) from exc
            raise RPCError(f"{what}: {type(exc).__name__}: {exc}") from exc
        finally:
            with self._counter_lock:
                self.seconds += time.monotonic() - started

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()



def _too_large(what: str, limits: HttpLimits) -> RPCResponseTooLargeError:
    return RPCResponseTooLargeError(
        f"{what}: reply larger than {limits.max_response_bytes} bytes")


def _late(what: str, limits: HttpLimits) -> RPCDeadlineError:
    return RPCDeadlineError(f"{what}: reply not complete within {limits.deadline:g} s")


def _decode_json(status: int, reason: str, body: bytearray, what: str) -> Any:
    if status >= 400:
        raise RPCError(f"{what}: HTTP {status} {reason}")
    try:
        return loads_bounded(body)
    except JSONTextError as exc:
        raise RPCResponseError(f"{what}: malformed JSON response ({exc})") from exc


class JsonRpcClient:
    """Calls methods of one JSON-RPC endpoint."""

    __slots__ = ("_http", "_ids", "url")

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT,
                 limits: HttpLimits | None = None) -> None:
        self.url = url
        self._http = _Http(limits or HttpLimits(read_timeout=timeout))
        self._ids = itertools.count(1)

    def call(self, method: str, *params: Any) -> Any:
        """Call ``method`` once and return its ``result`` (which may be None).

        Raises:
            RPCError: the request failed in transport or HTTP.
            RPCResponseError: an error object, or a response that is not JSON-RPC.
        """
        request_id = next(self._ids)
        body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": list(params)}
        _log.debug("RPC call method=%s node=%s", method, redact_url(self.url))
        reply = _decode_json(*self._http.request("POST", self.url, method, json=body), method)
        if not isinstance(reply, dict) or reply.get("id") != request_id:
            raise RPCResponseError(f"{method}: not a JSON-RPC response to request {request_id}")
        error = reply.get("error")
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            message = error.get("message") if isinstance(error, dict) else error
            raise RPCResponseError(f"{method}: RPC error {code}: {message}",
                                   code if isinstance(code, int) else None)
        if "result" not in reply:
            raise RPCResponseError(f"{method}: response without result")
        return reply["result"]

    def batch(self, method: str, params_list: list[list[Any]], size: int = 100) -> list[Any]:
        """Call ``method`` once per params entry in JSON-RPC batches; results in order.

        Raises:
            RPCError: transport or HTTP failure.
            RPCResponseError: any entry answered with an error, or a malformed batch reply.
        """
        results: list[Any] = []
        for start in range(0, len(params_list), size):
            results += self._batch(method, params_list[start:start + size])
        return results

    def _batch(self, method: str, params_list: list[list[Any]]) -> list[Any]:
        ids = [next(self._ids) for _ in params_list]
        body = [{"jsonrpc": "2.0", "id": i, "method": method, "params": p}
                for i, p in zip(ids, params_list, strict=True)]
        _log.debug("RPC batch method=%s calls=%d node=%s", method, len(body),
                   redact_url(self.url))
        what = f"{method} batch"
        reply = _decode_json(*self._http.request("POST", self.url, what, json=body), what)
        if not isinstance(reply, list):
            raise RPCResponseError(f"{method} batch: reply is not a list", _code_of(reply))
        by_id = {item.get("id"): item for item in reply if isinstance(item, dict)}
        results = []
        for request_id in ids:
            item = by_id.get(request_id)
            if item is None or ("result" not in item and "error" not in item):
                raise RPCResponseError(f"{method} batch: no reply to request {request_id}")
            if item.get("error") is not None:
                raise RPCResponseError(f"{method}: RPC error {item['error']}",
                                       _code_of(item))
            results.append(item["result"])
        return results

    @property
    def request_stats(self) -> tuple[int, float]:
        """Requests sent so far and the seconds spent in them."""
        return self._http.requests, self._http.seconds

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()


def _code_of(reply: Any) -> int | None:
    error = reply.get("error") if isinstance(reply, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None


class BeaconHttpClient:
    """GETs JSON documents from a beacon node API."""

    __slots__ = ("_base", "_http", "_query", "url")

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT,
                 limits: HttpLimits | None = None) -> None:
        self.url = url
        # A gateway's key may sit in the base URL's path or query: keep both on every request.
        parts = urlsplit(url)
        self._base = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
        self._query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self._http = _Http(limits or HttpLimits(read_timeout=timeout))

    def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET ``path`` (starting with ``/eth/``) and return the decoded JSON.

        Raises:
            RPCError: transport or HTTP failure (the status code is in the message).
            RPCResponseError: malformed JSON.
        """
        what = f"GET {path}"
        status, reason, body = self._http.request(
            "GET", self._base + path, what, params={**self._query, **(params or {})})
        if status == 404:
            raise BeaconNotFoundError(f"GET {path}: HTTP 404")
        return _decode_json(status, reason, body, what)

    @property
    def request_stats(self) -> tuple[int, float]:
        """Requests sent so far and the seconds spent in them."""
        return self._http.requests, self._http.seconds

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()


class BeaconNotFoundError(RPCResponseError):
    """The beacon node does not serve this path or has no data there (HTTP 404)."""
