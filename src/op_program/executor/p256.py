"""P256VERIFY: secp256r1 signature verification, the precompile at 0x100 from Fjord.

Spec: specs/protocol/precompiles.md#p256verify and fjord/overview.md: RIP-7212, unchanged
(address, 3,450 gas) on every OP fork up to Jovian. Input ``hash ‖ r ‖ s ‖ x ‖ y`` (32 bytes
each); output the 32-byte word 1 for a valid signature, empty output otherwise (the call
itself succeeds either way). RIP-7212 rejects: an input that is not exactly 160 bytes, r or s
outside [1, n-1], a public key coordinate >= p, the point at infinity (encoded (0, 0)) and a
key not on the curve. The ECDSA check itself (``R' = (h s^-1) G + (r s^-1) Q``, valid when
``R'`` is not infinity and ``R'.x mod n == r``) is OpenSSL's, through ``cryptography``,
with the 32-byte hash given as a prehashed SHA-256 digest (RIP-7212 hashes nothing itself).
``cryptography`` is imported on the first well-formed call: its import (~20 ms) was paid by
every proof start, and only a Fjord-or-later block that calls 0x100 needs it.
"""

from functools import cache
from typing import Any

P256_ADDRESS = 0x100
P256_GAS = 3450
INPUT_LENGTH = 160
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@cache
def _algorithm() -> Any:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    return ec.ECDSA(Prehashed(hashes.SHA256()))


def verify(data: bytes) -> bool:
    """Whether ``data`` (RIP-7212 input) is a valid P-256 signature; malformed input is False."""
    if len(data) != INPUT_LENGTH:
        return False
    r, s, x, y = (int.from_bytes(data[i:i + 32], "big") for i in range(32, 160, 32))
    if not (0 < r < N and 0 < s < N and x < P and y < P) or (x, y) == (0, 0):
        return False
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    try:
        key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except ValueError:  # not a point of the curve
        return False
    try:
        key.verify(encode_dss_signature(r, s), data[:32], _algorithm())
    except InvalidSignature:
        return False
    return True
