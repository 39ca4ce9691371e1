"""op-program in Python: the OP Stack fault proof program (client and host).

See DESIGN.md §1 and the fault-proof spec:
https://github.com/ethereum-optimism/specs/blob/main/specs/fault-proof/index.md
"""

__version__ = "0.1.0"
