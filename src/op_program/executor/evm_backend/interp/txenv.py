"""What every frame of one transaction shares: state, context, fork rules, created contracts.

Spec: Yellow Paper §6 and §9.3 (the execution environment ``I``: origin ``I_o``, gas price
``I_p``, block header ``I_H``, shared by every message call of a transaction), EIP-6780 (the
contracts created in the current transaction), EIP-716 (the RIPEMD-160 touch that survives a
revert). One object per transaction, built by the top-level frame (``computation``); child
frames only keep a reference to it, so a message call copies none of it.
"""

from collections.abc import Callable
from typing import Any, Final

from op_program.executor.evm_types import EvmRevision

RIPEMD160: Final = b"\x00" * 19 + b"\x03"
"""The precompile whose EIP-161 touch survives a failed call (Ethereum mainnet, EIP-716)."""


class TxEnv:
    """The transaction-wide environment of the project's frames.

    ``state`` is py-evm's State (journal, accounts, storage, access lists, transient storage);
    ``ctx`` its transaction context (log counter, blob hashes); ``table`` the fork's dispatch
    table; ``precompiles`` the fork's precompile table (address -> function over a
    computation-like object); ``contracts_created`` the EIP-6780 list, shared with py-evm's
    top-level computation; ``ripemd_touched`` is set once any frame touched 0x03; ``run``
    the interpreter loop (``loop.run_frame``), which child frames run their code in.
    """

    __slots__ = (
        "state", "ctx", "table", "precompiles", "revision", "origin", "gas_price",
        "contracts_created", "ripemd_touched", "shanghai", "cancun", "prague", "run",
    )

    def __init__(  # noqa: PLR0913 - the environment's parts
        self, state: Any, ctx: Any, table: list[Any], precompiles: dict[bytes, Any],
        revision: EvmRevision, contracts_created: list[bytes], run: Callable[..., None],
    ) -> None:
        self.state = state
        self.ctx = ctx
        self.table = table
        self.precompiles = precompiles
        self.revision = revision
        self.origin: bytes = ctx.origin
        self.gas_price: int = ctx.gas_price
        self.contracts_created = contracts_created
        self.ripemd_touched = False
        self.shanghai = revision is not EvmRevision.PARIS
        self.cancun = revision in (EvmRevision.CANCUN, EvmRevision.PRAGUE)
        self.prague = revision is EvmRevision.PRAGUE
        self.run = run
