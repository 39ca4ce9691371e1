"""Block building for the driver: the executor over the oracle-backed state, with acceleration.

Spec: fault-proof/index.md ("Main content": derived attributes are executed on the L2 state the
oracle provides; "Precompile Accelerators"); protocol/exec-engine.md. Trie nodes a block writes
are kept in memory for the blocks after it; the executor's verdict on invalid attributes becomes
the driver's ``InvalidPayloadError`` (which the driver handles per fork).
"""

import logging

from op_program.client.driver import InvalidPayloadError
from op_program.client.l2 import OracleL2Source
from op_program.client.precompiles import PrecompileAccelerator
from op_program.client.state import OracleStateSource
from op_program.config.rollup import RollupConfig
from op_program.executor.builder import build_block
from op_program.executor.errors import InvalidAttributesError
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import Header

log = logging.getLogger("op_program.client")


class OracleBlockBuilder:
    """Builds L2 blocks with the executor on the state the oracle serves."""

    __slots__ = ("_accelerator", "_l2", "_rollup", "_state", "gas_used")

    def __init__(
        self, rollup: RollupConfig, l2: OracleL2Source, accelerator: PrecompileAccelerator
    ) -> None:
        self._rollup = rollup
        self._l2 = l2
        self._state = OracleStateSource(l2)
        self._accelerator = accelerator
        self.gas_used = 0

    def build(self, parent: Header, attributes: PayloadAttributes) -> Header:
        """Build the block on ``parent`` from ``attributes`` and keep its new trie nodes.

        Raises:
            InvalidPayloadError: the attributes do not make a valid block.
        """
        try:
            result = build_block(self._rollup, parent, attributes, self._state, self._accelerator)
        except InvalidAttributesError as exc:
            raise InvalidPayloadError(str(exc)) from exc
        self._l2.remember_nodes(result.new_nodes)
        self.gas_used += result.header.gas_used
        return result.header
