"""Blobs from a beacon node, checked against their versioned hashes (EIP-4844).

Spec: fault-proof/index.md, "Hinting" (``l1-blob``); the beacon API's
``/eth/v1/beacon/blob_sidecars/{slot}`` and, where that is gone, ``/eth/v1/beacon/blobs/{slot}``.
The slot comes from the L1 block timestamp, the beacon genesis time and ``SECONDS_PER_SLOT``.
A blob is accepted only if its KZG commitment hashes to the versioned hash and the blob commits
to it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from op_program.client.blobs import BLOB_SIZE, kzg_to_versioned_hash, verify_blob
from op_program.encoding.errors import HexDecodeError
from op_program.encoding.hex import bytes_to_hex, hex_to_bytes
from op_program.errors import InvalidPreimageError
from op_program.host.errors import FetchedDataError, RPCError, RPCResponseError
from op_program.host.rpc.jsonrpc import BeaconHttpClient, BeaconNotFoundError
from op_program.host.rpc.retry import RetryPolicy
from op_program.protocol.kzg import KZGError, blob_to_commitment


@dataclass(frozen=True, slots=True)
class Blob:
    """A verified blob: its 48-byte commitment and 131072 bytes of data."""

    commitment: bytes
    data: bytes


class BeaconSource:
    """Fetches blobs by versioned hash, index and L1 block time."""

    __slots__ = ("_genesis", "_retry", "_slot_seconds", "http")

    def __init__(self, http: BeaconHttpClient, retry: RetryPolicy) -> None:
        self.http = http
        self._retry = retry
        self._genesis: int | None = None
        self._slot_seconds: int | None = None

    def slot_at(self, timestamp: int) -> int:
        """Return the beacon slot of an L1 block time."""
        if self._genesis is None or self._slot_seconds is None:
            genesis = _data(self.http.get("/eth/v1/beacon/genesis"))
            spec = _data(self.http.get("/eth/v1/config/spec"))
            try:
                self._genesis = int(genesis["genesis_time"])
                self._slot_seconds = int(spec["SECONDS_PER_SLOT"])
            except (KeyError, TypeError, ValueError) as exc:
                raise RPCResponseError(f"malformed beacon genesis/spec: {exc!r}") from exc
        if timestamp < self._genesis or self._slot_seconds <= 0:
            raise RPCError(f"L1 time {timestamp} is before beacon genesis {self._genesis}")
        return (timestamp - self._genesis) // self._slot_seconds

    def blob(self, versioned_hash: bytes, index: int | None, timestamp: int) -> Blob:
        """Return the verified blob ``versioned_hash``, blob ``index`` of the block at a time.

        With no index (the spec's 40-byte hint) the slot's sidecars are searched by hash.
        """
        return self._retry.run(f"blob {bytes_to_hex(versioned_hash)}",
                               lambda: self._blob(versioned_hash, index, timestamp))

    def _blob(self, versioned_hash: bytes, index: int | None, timestamp: int) -> Blob:
        slot = self.slot_at(timestamp)
        try:
            query = {} if index is None else {"indices": str(index)}
            sidecars = _data(self.http.get(f"/eth/v1/beacon/blob_sidecars/{slot}", query))
            found = _from_sidecars(sidecars, index, versioned_hash)
        except BeaconNotFoundError:
            blobs = _data(self.http.get(f"/eth/v1/beacon/blobs/{slot}",
                                        {"versioned_hashes": bytes_to_hex(versioned_hash)}))
            found = _from_blobs(blobs)
        commitment, data = found
        if commitment is None:
            commitment = _commit(data)
        if kzg_to_versioned_hash(commitment) != versioned_hash:
            raise FetchedDataError(f"blob commitment does not match {bytes_to_hex(versioned_hash)}")
        try:
            verify_blob(data, commitment)
        except InvalidPreimageError as exc:
            raise FetchedDataError(str(exc)) from exc
        return Blob(commitment, data)


def _data(reply: Any) -> Any:
    if not isinstance(reply, Mapping) or "data" not in reply:
        raise RPCResponseError("beacon response without data")
    return reply["data"]


def _hex(value: Any, what: str, length: int | None = None) -> bytes:
    try:
        return hex_to_bytes(value, length)
    except HexDecodeError as exc:
        raise RPCResponseError(f"malformed {what}: {exc}") from exc


def _from_sidecars(sidecars: Any, index: int | None,
                   versioned_hash: bytes) -> tuple[bytes | None, bytes]:
    if not isinstance(sidecars, list):
        raise RPCResponseError("blob sidecars are not a list")
    for sidecar in sidecars:
        if not isinstance(sidecar, Mapping):
            continue
        commitment = _hex(sidecar.get("kzg_commitment"), "kzg_commitment", 48)
        if index is None and kzg_to_versioned_hash(commitment) != versioned_hash:
            continue
        if index is None or str(sidecar.get("index")) == str(index):
            return commitment, _hex(sidecar.get("blob"), "blob", BLOB_SIZE)
    raise RPCError(f"beacon node has no blob sidecar for {bytes_to_hex(versioned_hash)}")


def _from_blobs(blobs: Any) -> tuple[bytes | None, bytes]:
    if not isinstance(blobs, list) or len(blobs) != 1:
        raise RPCError("beacon node did not return exactly one blob")
    return None, _hex(blobs[0], "blob", BLOB_SIZE)


def _commit(data: bytes) -> bytes:
    try:
        return blob_to_commitment(data)
    except KZGError as exc:
        raise FetchedDataError(f"blob rejected by KZG: {exc}") from exc
