"""Receipts as JSON-RPC returns them, turned into consensus encodings (hex only at the edge).

Spec: Ethereum execution APIs (``eth_getTransactionReceipt`` objects), EIP-2718 receipt
envelopes, and specs/protocol/deposits.md (``depositNonce``, ``depositReceiptVersion``).
"""

from collections.abc import Mapping
from typing import Any

from op_program.encoding.errors import HexDecodeError
from op_program.encoding.hex import hex_to_bytes, hex_to_int
from op_program.host.errors import RPCResponseError
from op_program.protocol.receipts import Log, Receipt


def _opt_int(obj: Mapping[str, Any], name: str) -> int | None:
    value = obj.get(name)
    return None if value is None else hex_to_int(value)


def receipt_from_json(obj: Any) -> Receipt:
    """Build a :class:`Receipt` from a JSON-RPC receipt object.

    Raises:
        RPCResponseError: a field is missing or malformed.
    """
    if not isinstance(obj, Mapping):
        raise RPCResponseError("receipt is not a JSON object")
    try:
        logs = tuple(
            Log(address=hex_to_bytes(log["address"], 20),
                topics=tuple(hex_to_bytes(t, 32) for t in log["topics"]),
                data=hex_to_bytes(log["data"]))
            for log in obj["logs"]
        )
        root = obj.get("root")
        post_state = hex_to_bytes(root, 32) if root not in (None, "0x") else None
        return Receipt(
            tx_type=hex_to_int(obj.get("type") or "0x0"),
            status=hex_to_int(obj["status"]) if obj.get("status") is not None else 0,
            cumulative_gas_used=hex_to_int(obj["cumulativeGasUsed"]),
            logs_bloom=hex_to_bytes(obj["logsBloom"], 256),
            logs=logs,
            deposit_nonce=_opt_int(obj, "depositNonce"),
            deposit_receipt_version=_opt_int(obj, "depositReceiptVersion"),
            post_state=post_state,
        )
    except (KeyError, TypeError, HexDecodeError) as exc:
        raise RPCResponseError(f"malformed receipt JSON: {exc!r}") from exc
