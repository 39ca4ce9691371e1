"""The process-wide settings the executor needs, made once by an explicit start-up hook.

Why a hook: both settings reach beyond the executor (the recursion limit binds every thread of
the process; an environment variable is inherited by every child process), so they are made
where a process starts, not as a side effect of importing a module: ``op-program``
(``cli.main.main``) and ``op-program-client`` (``client.entrypoint.main``) call
``prepare_process`` first. Library use needs no call: ``EvmBackend``, through which every
block build (``executor.builder.build_block``), test and bench runs the EVM, calls it before
it executes anything, and a second call does nothing. The module imports only ``os`` and
``sys`` and lives outside the executor package, so the entry points' ``--help`` and
``--version`` still import no executor (tests/unit/cli/test_startup.py).

The settings:

- ``ETH_HASH_BACKEND=pysha3`` (unless the environment already chose one). py-evm hashes
  through eth_hash (``generate_contract_address``, its SHA3 opcode), whose ``auto`` back-end
  is chosen on the first hash: pycryptodome, when installed, before pysha3. pycryptodome's
  keccak loads through cffi, which parses C declarations with pycparser: ~0.14 s of start-up
  (``deferred_modules`` keeps the same import out of py-evm's ethash). pysha3 (safe-pysha3)
  is what ``op_program.encoding.hashing`` uses already; both give the same Keccak-256. The
  variable is eth_hash's own setting; a child process that hashes with eth_hash inherits it.
- The recursion limit, raised to at least ``RECURSION_LIMIT`` (100,000). Each nested message
  call or creation (Yellow Paper §8: up to 1024 levels) adds Python frames; py-evm's
  ``eth/__init__`` sets 12,288 for that (its estimate, 12 frames per level). Measured on this
  code (the least limit that still gives the 100,000 result, bisected to 100): 1023 nested
  self-CALLs need ~4,200 with the project's loop and ~8,300 with py-evm's computation, 1024
  nested CREATEs ~4,200 and ~11,300; py-evm's 12,288 leaves little room for the py-evm
  engine and for the frames of whatever called the executor (host, derivation, tests). The
  100,000 is the limit the executor has always run with: py_ecc 8.0.0's ``py_ecc/__init__``
  sets ``max(100000, limit)`` on import, and py-evm's precompiles imported py_ecc until
  ``deferred_modules`` and ``deferred_bls`` deferred them. RLP and tries do not need it: the
  RLP decoder stops at ``MAX_RLP_DEPTH`` (256) and a trie path is at most 64 nibbles.
"""

import os
import sys

RECURSION_LIMIT = 100_000
"""The lowest recursion limit the executor runs with (py_ecc's, see above)."""

ETH_HASH_BACKEND = "pysha3"
"""eth_hash's back-end when the environment names none."""

_prepared = False


def prepare_process() -> None:
    """Make the process-wide settings above; idempotent (later calls return at once)."""
    global _prepared
    if _prepared:
        return
    os.environ.setdefault("ETH_HASH_BACKEND", ETH_HASH_BACKEND)
    sys.setrecursionlimit(max(RECURSION_LIMIT, sys.getrecursionlimit()))
    _prepared = True
