"""``python -m op_program``: the ``op-program`` command without its console script.

The same entry point as the installed ``op-program`` script (DESIGN §8), for environments where
only the interpreter is on the PATH (a bare checkout with ``PYTHONPATH=src``, a container).
"""

import sys

from op_program.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
