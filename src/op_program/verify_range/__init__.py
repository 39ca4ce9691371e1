"""``op-program verify-range``: prove every step of a range of L2 blocks, in parallel.

Spec: fault-proof/index.md ("Fault Proof Program": one proof judges one claimed output root
from an agreed one); issue 13. Each step's proof (output root at N from the one at N-1, or at
N from N-K with ``--span K``) is independent of the others, so the steps run as tasks on the
distributed engine (:mod:`op_program.distributed`); finished verdicts persist in a SQLite store
so a rerun does only what is left.
"""
