"""evm_backend: the only package that imports py-evm (DESIGN §6), so it can be replaced whole.

Spec: specs/protocol/exec-engine.md. ``EvmBackend`` runs one block's system calls and
transactions on py-evm over the verified state source. ``deferred_bls`` is installed before
anything here imports py-evm: it keeps the BLS12-381 precompiles (and their ~0.34 s import)
out of every proof that does not call one; ``deferred_modules`` likewise keeps out ethash
(pycryptodome and pycparser) and py-evm's alt_bn128 precompiles (py_ecc).
"""

from op_program.executor.evm_backend import deferred_bls, deferred_modules

deferred_bls.install()
deferred_modules.install()

from op_program.executor.evm_backend.backend import SYSTEM_CALL_GAS, EvmBackend  # noqa: E402

__all__ = ["SYSTEM_CALL_GAS", "EvmBackend"]
