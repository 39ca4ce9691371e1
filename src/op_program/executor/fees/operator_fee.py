"""Operator fee: the Isthmus per-gas fee paid to the OperatorFeeVault.

Spec: specs/protocol/isthmus/exec-engine.md#operator-fee (``gas * scalar / 1e6 + constant``,
charged on the gas limit up front, the unused part refunded), jovian/exec-engine.md#operator-fee
(``gas * scalar * 100 + constant``). Deposits never pay it.
"""

JOVIAN_MULTIPLIER = 100


def operator_fee(gas: int, scalar: int, constant: int, jovian: bool) -> int:
    """The operator fee for ``gas`` units under the Isthmus or Jovian formula."""
    if jovian:
        return gas * scalar * JOVIAN_MULTIPLIER + constant
    return gas * scalar // 1_000_000 + constant
