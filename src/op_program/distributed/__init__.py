"""Running independent per-block tasks on a distributed engine (Dask), behind one small API.

Why a package of its own: ``verify-range`` and ``witness generate`` fan the same kind of work
(one proof or witness per L2 block, each independent of the others) out over worker processes,
and neither should know which engine does it. docs/verify-range.md records why Dask was chosen
over Ray (measured on this machine).
"""
