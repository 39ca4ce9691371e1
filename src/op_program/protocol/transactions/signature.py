"""secp256k1 signature checks and public-key recovery for transactions (coincurve, C-backed).

Spec: Ethereum yellow paper appendix F (ECDSA, the low-s rule of EIP-2); EIP-155 (chain id in
``v``). The value checks match go-ethereum's ``ValidateSignatureValues`` with the Homestead rule,
which it applies to every transaction type.
"""

from coincurve import PublicKey

from op_program.encoding.hashing import keccak256
from op_program.protocol.errors import InvalidSignatureError

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
"""The order of the secp256k1 group."""

SECP256K1_HALF_N = SECP256K1_N // 2


def signature_values_valid(y_parity: int, r: int, s: int) -> bool:
    """Return whether (y_parity, r, s) is a well-formed low-s signature (EIP-2)."""
    return y_parity in (0, 1) and 0 < r < SECP256K1_N and 0 < s <= SECP256K1_HALF_N


def public_key_address(public_key: PublicKey) -> bytes:
    """Return the 20-byte address of a public key: keccak256(uncompressed x ‖ y)[12:]."""
    return keccak256(public_key.format(compressed=False)[1:])[12:]


def recover_address(msg_hash: bytes, y_parity: int, r: int, s: int) -> bytes:
    """Recover the 20-byte address that signed the 32-byte ``msg_hash``.

    Raises:
        InvalidSignatureError: the values are out of range or no public key recovers.
    """
    if not signature_values_valid(y_parity, r, s):
        raise InvalidSignatureError("signature values out of range")
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes((y_parity,))
    try:
        public_key = PublicKey.from_signature_and_message(signature, msg_hash, hasher=None)
    except ValueError as exc:
        raise InvalidSignatureError(f"signature does not recover a public key: {exc}") from exc
    return public_key_address(public_key)
