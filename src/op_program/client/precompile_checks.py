"""Local cross-checks of accelerated precompile results where a fast C implementation exists.

Spec: fault-proof/index.md, "Precompile Accelerators" (results must equal the EVM's). Type-6
preimages cannot be re-hashed like keccak/sha256 ones, so an altered ecrecover or KZG point
evaluation result would silently change the verdict. These two are cheap to recompute
(coincurve; arkworks through protocol.kzg, which needs no full KZG setup), so the client
recomputes them and treats a disagreement as a bad preimage (exit 2, DESIGN §5). The bn256
pairing and BLS12-381 results are trusted as in the reference client (the on-chain preimage
oracle guarantees them in a dispute).
"""

from coincurve import PublicKey

from op_program.protocol.kzg import verify_proof
from op_program.protocol.transactions.signature import public_key_address


def ecrecover_output(data: bytes) -> bytes:
    """Return the ecrecover precompile's output for a 128-byte input with valid v, r, s.

    The output is the recovered address left-padded to 32 bytes, or empty when no public key
    recovers (the EVM's answer for such a signature).
    """
    signature = data[64:128] + bytes((data[63] - 27,))
    try:
        public_key = PublicKey.from_signature_and_message(signature, data[:32], hasher=None)
    except ValueError:
        return b""
    return bytes(12) + public_key_address(public_key)


def kzg_proof_valid(data: bytes) -> bool:
    """Return whether a 192-byte point evaluation input carries a valid KZG proof."""
    commitment, z, y, proof = data[96:144], data[32:64], data[64:96], data[144:192]
    return verify_proof(commitment, z, y, proof)
