"""Payload attributes: what derivation hands the execution engine to build one L2 block.

Spec: specs/protocol/exec-engine.md#extended-payloadattributesv3 (``transactions``, ``noTxPool``,
``gasLimit``), holocene/exec-engine.md (``eip1559Params``, 8 bytes), jovian/exec-engine.md
(``minBaseFee``). Transactions are raw EIP-2718 bytes; the first is the L1-info deposit.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from op_program.encoding.errors import HexDecodeError
from op_program.encoding.hex import bytes_to_hex, hex_to_bytes, hex_to_int, int_to_hex
from op_program.protocol.errors import ProtocolDecodeError


class AttributesDecodeError(ProtocolDecodeError):
    """A JSON payload-attributes object with a missing or malformed field."""


def _empty_withdrawals(value: object) -> tuple[bytes, ...]:
    # OP Stack blocks never carry withdrawals (canyon/exec-engine.md); only [] is accepted.
    if value != []:
        raise AttributesDecodeError("withdrawals must be an empty list on the OP Stack")
    return ()


@dataclass(frozen=True, slots=True)
class PayloadAttributes:
    """Engine API ``PayloadAttributesV3`` with the OP Stack extensions.

    ``gas_limit`` is required by OP (None only for malformed input), ``eip1559_params`` from
    Holocene, ``min_base_fee`` from Jovian; ``withdrawals`` is always empty on OP (Canyon+).
    """

    timestamp: int
    prev_randao: bytes
    suggested_fee_recipient: bytes
    parent_beacon_block_root: bytes | None
    gas_limit: int | None
    transactions: tuple[bytes, ...]
    no_tx_pool: bool = True
    eip1559_params: bytes | None = None
    min_base_fee: int | None = None
    withdrawals: tuple[bytes, ...] | None = None

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "PayloadAttributes":
        """Parse the JSON-RPC form (camelCase keys, hex quantities and data).

        Raises:
            AttributesDecodeError: a required field is missing or malformed.
        """
        try:
            beacon = obj.get("parentBeaconBlockRoot")
            gas_limit = obj.get("gasLimit")
            params = obj.get("eip1559Params")
            min_base_fee = obj.get("minBaseFee")
            withdrawals = obj.get("withdrawals")
            return cls(
                timestamp=hex_to_int(obj["timestamp"]),
                prev_randao=hex_to_bytes(obj["prevRandao"], 32),
                suggested_fee_recipient=hex_to_bytes(obj["suggestedFeeRecipient"], 20),
                parent_beacon_block_root=None if beacon is None else hex_to_bytes(beacon, 32),
                gas_limit=None if gas_limit is None else hex_to_int(gas_limit),
                transactions=tuple(hex_to_bytes(tx) for tx in obj.get("transactions") or ()),
                no_tx_pool=bool(obj.get("noTxPool", True)),
                eip1559_params=None if params is None else hex_to_bytes(params, 8),
                min_base_fee=None if min_base_fee is None else hex_to_int(min_base_fee),
                withdrawals=None if withdrawals is None else _empty_withdrawals(withdrawals),
            )
        except (KeyError, TypeError, HexDecodeError) as exc:
            raise AttributesDecodeError(f"invalid payload attributes: {exc!r}") from exc

    def to_json(self) -> dict[str, Any]:
        """The JSON-RPC form (inverse of ``from_json``)."""
        out: dict[str, Any] = {
            "timestamp": int_to_hex(self.timestamp),
            "prevRandao": bytes_to_hex(self.prev_randao),
            "suggestedFeeRecipient": bytes_to_hex(self.suggested_fee_recipient),
            "transactions": [bytes_to_hex(tx) for tx in self.transactions],
            "noTxPool": self.no_tx_pool,
        }
        if self.parent_beacon_block_root is not None:
            out["parentBeaconBlockRoot"] = bytes_to_hex(self.parent_beacon_block_root)
        if self.gas_limit is not None:
            out["gasLimit"] = int_to_hex(self.gas_limit)
        if self.eip1559_params is not None:
            out["eip1559Params"] = bytes_to_hex(self.eip1559_params)
        if self.min_base_fee is not None:
            out["minBaseFee"] = int_to_hex(self.min_base_fee)
        if self.withdrawals is not None:
            out["withdrawals"] = list(self.withdrawals)
        return out
