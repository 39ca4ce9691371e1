"""The executor's process-wide caches: which are per code (cleared for honest timing), which not.

Why: ``op-program execute-block --reps N`` times N builds of one block in one process, to be
compared with ``kona-exec-bench`` (kona's ``StatelessL2Builder::build_block``, a new builder over
the same preimage map each repetition). Each of kona's builds loads every contract's code again
and analyses it (jump destinations) again; ours would reuse the analysis of the repetition before
from the module-level caches below, and so look faster than a real proof of one block, which
never sees its contracts twice. ``clear_per_code_caches`` forgets them between repetitions.

What stays warm, in kona as here: things that depend only on the fork, never on the block:
the opcode dispatch tables per fork (``KEPT_WARM``), py-evm's state classes assembled per fork,
the KZG trusted setup and the P-256 verifier (loaded on first use; kona's are lazily initialised
statics too), and the native bn254 engine object. And what only a Python process has: imported
modules and the interpreter's specialised bytecode (the first, cold, repetition pays for those;
``--reps`` reports it apart).

tests/unit/executor/test_code_caches.py builds a block and fails if a module-level container
of the executor grows and is neither cleared here nor listed in ``KEPT_WARM``, so a cache added
later cannot silently carry work from one repetition to the next.
"""

from typing import Any

from op_program.executor.evm_backend import interpreter
from op_program.executor.evm_backend.interp import blocks, frame

KEPT_WARM: dict[str, str] = {
    "op_program.executor.evm_backend.interpreter._OP_TABLES":
        "py-evm loop's dispatch table per fork opcode table (fork, not block)",
    "op_program.executor.evm_backend.interp.table._TABLES":
        "the interpreter's dispatch table per fork (fork, not block)",
    "op_program.executor.evm_backend.backend._STATE_CLASSES":
        "py-evm state classes assembled per fork and precompile rules (fork, not block)",
}
"""Module-level containers that may grow during a build and are kept across repetitions, with
why keeping them is fair (``module.name`` -> reason)."""


def per_code_caches() -> dict[str, dict[Any, Any]]:
    """The caches keyed by contract code (``module.name`` -> the dictionary)."""
    return {
        "op_program.executor.evm_backend.interp.frame._ANALYSIS": frame._ANALYSIS,
        "op_program.executor.evm_backend.interp.blocks._BLOCKS": blocks._BLOCKS,
        "op_program.executor.evm_backend.interpreter._JUMPDESTS": interpreter._JUMPDESTS,
    }


def clear_per_code_caches() -> None:
    """Forget every contract's jump destinations and straight-line block analysis."""
    for cache in per_code_caches().values():
        cache.clear()
