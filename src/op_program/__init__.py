"""op-program in Python: the OP Stack fault proof program (client and host).

See DESIGN.md §1 and the fault-proof spec:
https://github.com/ethereum-optimism/specs/blob/main/specs/fault-proof/index.md
"""

import sys
from pathlib import Path

from op_program.compiled_guard import PURE_ENV as _PURE_ENV
from op_program.compiled_guard import install as _install_compiled_guard

__version__ = "0.1.0"

# Optional mypyc build (scripts/build_compiled): before any other submodule is imported, make a
# stale build (or OP_PROGRAM_PURE_PYTHON=1) fall back to the pure-Python sources.
_note = _install_compiled_guard(Path(__file__).parent, __name__)
if _note is not None and not _note.startswith(_PURE_ENV):
    print(f"op-program: {_note}", file=sys.stderr)
