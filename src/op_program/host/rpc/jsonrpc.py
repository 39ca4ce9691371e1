"""A JSON-RPC 2.0 client and a beacon REST client over httpx (one attempt per call).

Spec: Ethereum execution APIs (JSON-RPC 2.0 over HTTP) and the beacon node API. Transport
failures, timeouts, HTTP errors and malformed JSON become :class:`RPCError`; error objects
become :class:`RPCResponseError` with their code. Retrying is the caller's policy (retry.py).
httpx is imported when a client is made (~0.12 s): an offline host, the common case of a proof
from a datadir, never pays for it.
"""

import itertools
import json
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

from op_program.host.errors import RPCError, RPCResponseError

DEFAULT_TIMEOUT = 30.0

_log = logging.getLogger("op_program.host.rpc")


def _http_client(timeout: float) -> "httpx.Client":
    import httpx

    return httpx.Client(timeout=httpx.Timeout(timeout), headers={"User-Agent": "op-program-py"})


def _decode_json(response: "httpx.Response", what: str) -> Any:
    if response.status_code >= 400:
        raise RPCError(f"{what}: HTTP {response.status_code} {response.reason_phrase}")
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RPCResponseError(f"{what}: malformed JSON response ({exc})") from exc


class JsonRpcClient:
    """Calls methods of one JSON-RPC endpoint."""

    __slots__ = ("_http", "_ids", "url")

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url
        self._http = _http_client(timeout)
        self._ids = itertools.count(1)

    def call(self, method: str, *params: Any) -> Any:
        """Call ``method`` once and return its ``result`` (which may be None).

        Raises:
            RPCError: the request failed in transport or HTTP.
            RPCResponseError: an error object, or a response that is not JSON-RPC.
        """
        request_id = next(self._ids)
        body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": list(params)}
        _log.debug("RPC call method=%s url=%s", method, self.url)
        import httpx

        try:
            response = self._http.post(self.url, json=body)
        except httpx.HTTPError as exc:
            raise RPCError(f"{method}: {type(exc).__name__}: {exc}") from exc
        reply = _decode_json(response, method)
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
        _log.debug("RPC batch method=%s calls=%d url=%s", method, len(body), self.url)
        import httpx

        try:
            response = self._http.post(self.url, json=body)
        except httpx.HTTPError as exc:
            raise RPCError(f"{method} batch: {type(exc).__name__}: {exc}") from exc
        reply = _decode_json(response, f"{method} batch")
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

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()


def _code_of(reply: Any) -> int | None:
    error = reply.get("error") if isinstance(reply, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None


class BeaconHttpClient:
    """GETs JSON documents from a beacon node API."""

    __slots__ = ("_http", "url")

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url.rstrip("/")
        self._http = _http_client(timeout)

    def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET ``path`` (starting with ``/eth/``) and return the decoded JSON.

        Raises:
            RPCError: transport or HTTP failure (the status code is in the message).
            RPCResponseError: malformed JSON.
        """
        import httpx

        try:
            response = self._http.get(self.url + path, params=params)
        except httpx.HTTPError as exc:
            raise RPCError(f"GET {path}: {type(exc).__name__}: {exc}") from exc
        if response.status_code == 404:
            raise BeaconNotFoundError(f"GET {path}: HTTP 404")
        return _decode_json(response, f"GET {path}")

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()


class BeaconNotFoundError(RPCResponseError):
    """The beacon node does not serve this path or has no data there (HTTP 404)."""
