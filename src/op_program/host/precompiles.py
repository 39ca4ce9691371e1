"""Host-side execution of accelerated precompiles (``l1-precompile``, ``l1-precompile-v2``).

Spec: fault-proof/index.md, "Precompile Accelerators": the host runs the precompile on the
hinted input with L1 semantics and serves ``status byte (1 success, 0 failure) ‖ output``
under the type-6 key. Every accelerated address is served (ecrecover, bn256 pairing, KZG point
evaluation, the BLS12-381 precompiles of EIP-2537); anything else is refused, as the reference
host does "for extra safety". The precompile runs unmetered, as op-program's prefetcher runs
geth's ``Run`` without gas: the hinted required gas is only part of the key (kona meters with
it instead; for the EVM's own required gas both give the same result).
"""

from op_program.executor.evm_backend.precompile_runner import run_precompile as run_l1_precompile
from op_program.executor.precompiles import ACCELERATABLE
from op_program.host.errors import HintError

UNMETERED = 2**63 - 1
"""Gas limit that no precompile input reaches: the result does not depend on the hinted gas."""


def run_precompile(address: bytes, data: bytes) -> bytes:
    """Return ``status ‖ output`` of the accelerated precompile at ``address`` on ``data``.

    Raises:
        HintError: the address is not an accelerated precompile.
    """
    if len(address) != 20 or int.from_bytes(address, "big") not in ACCELERATABLE:
        raise HintError(f"unsupported precompile address 0x{address.hex()}")
    result = run_l1_precompile(address, data, UNMETERED)
    return (b"\x01" + result.output) if result.success else b"\x00"
