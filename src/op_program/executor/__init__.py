"""executor: OP Stack block building on py-evm (DESIGN §6, specs/protocol/exec-engine.md).

The entry point is ``op_program.executor.builder.build_block``.
"""
