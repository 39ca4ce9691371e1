"""Host-side execution of accelerated precompiles (``l1-precompile``, ``l1-precompile-v2``).

Spec: fault-proof/index.md, "Precompile Accelerators": the host runs the precompile on the
hinted input and serves ``status byte (1 success, 0 failure) ‖ output`` under the type-6 key.
Implemented here: ecrecover (0x01, EIP-2; coincurve) and the KZG point evaluation (0x0a,
EIP-4844; ckzg). Other accelerated addresses are refused with a clear error.
"""

import ckzg
import coincurve

from op_program.client.blobs import kzg_to_versioned_hash, trusted_setup
from op_program.encoding.hashing import keccak256
from op_program.host.errors import HintError
from op_program.preimage.blob_roots import BLS_MODULUS, FIELD_ELEMENTS_PER_BLOB

ECRECOVER = 0x01
KZG_POINT_EVALUATION = 0x0A
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_KZG_OK_OUTPUT = FIELD_ELEMENTS_PER_BLOB.to_bytes(32, "big") + BLS_MODULUS.to_bytes(32, "big")


def _ecrecover(data: bytes) -> bytes | None:
    data = data[:128].ljust(128, b"\x00")
    msg_hash, v_word, r_word, s_word = data[:32], data[32:64], data[64:96], data[96:128]
    v = int.from_bytes(v_word, "big")
    r = int.from_bytes(r_word, "big")
    s = int.from_bytes(s_word, "big")
    if v not in (27, 28) or not (0 < r < SECP256K1_N and 0 < s < SECP256K1_N):
        return b""  # EVM semantics: success with empty output
    try:
        public = coincurve.PublicKey.from_signature_and_message(
            r_word + s_word + bytes((v - 27,)), msg_hash, hasher=None)
    except (ValueError, TypeError):
        return b""
    return bytes(12) + keccak256(public.format(compressed=False)[1:])[12:]


def _point_evaluation(data: bytes) -> bytes | None:
    if len(data) != 192:
        return None
    versioned_hash, z, y = data[:32], data[32:64], data[64:96]
    commitment, proof = data[96:144], data[144:192]
    if kzg_to_versioned_hash(commitment) != versioned_hash:
        return None
    try:
        ok = ckzg.verify_kzg_proof(commitment, z, y, proof, trusted_setup())
    except (RuntimeError, ValueError):
        return None
    return _KZG_OK_OUTPUT if ok else None


def run_precompile(address: bytes, data: bytes) -> bytes:
    """Return ``status ‖ output`` of the precompile at ``address`` on ``data``.

    Raises:
        HintError: the address is not a precompile this host executes.
    """
    number = int.from_bytes(address, "big")
    if number == ECRECOVER:
        result = _ecrecover(data)
    elif number == KZG_POINT_EVALUATION:
        result = _point_evaluation(data)
    else:
        raise HintError(f"unsupported precompile address 0x{address.hex()}")
    return b"\x00" if result is None else b"\x01" + result
