"""System behaviour at the start of a block: irregular state changes and system calls.

Spec: specs/protocol/canyon/overview.md (create2deployer installed at the Canyon activation
block), ecotone/exec-engine.md (EIP-4788 beacon block root contract call), isthmus
(EIP-2935 block hash history contract call). The calls come from the system address, are free,
and do not count towards the block's gas.
"""

from importlib import resources

from op_program.encoding.hashing import keccak256
from op_program.executor.errors import ExecutorError
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.rules import BlockRules
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import Header
from op_program.protocol.predeploys import (
    BEACON_ROOTS,
    CREATE2_DEPLOYER,
    HISTORY_STORAGE,
    SYSTEM_ADDRESS,
)

CREATE2_DEPLOYER_CODE_HASH = bytes.fromhex(
    "b0550b5b431e30d38000efb7107aaa0ade03d48a7198a140edda9d27134468b2"
)


def create2deployer_code() -> bytes:
    """The create2deployer runtime code (package data, checked against its code hash).

    The bytes are the superchain-registry contract op-geth installs at Canyon
    (``EnsureCreate2Deployer``); its code hash is the protocol fact.

    Raises:
        ExecutorError: the package data is missing.
    """
    try:
        text = resources.files("op_program.executor").joinpath("create2deployer.hex").read_text()
        code = bytes.fromhex(text.strip().removeprefix("0x"))
    except (OSError, ValueError) as exc:
        raise ExecutorError("create2deployer bytecode is not packaged") from exc
    if keccak256(code) != CREATE2_DEPLOYER_CODE_HASH:
        raise ExecutorError("packaged create2deployer bytecode has the wrong code hash")
    return code


def apply_system_calls(
    backend: EvmBackend, rules: BlockRules, parent: Header, attributes: PayloadAttributes
) -> None:
    """Run the pre-transaction system behaviour of the block."""
    if rules.canyon_activation:
        backend.set_code(CREATE2_DEPLOYER, create2deployer_code())
    if rules.ecotone and attributes.parent_beacon_block_root is not None:
        backend.system_call(SYSTEM_ADDRESS, BEACON_ROOTS, attributes.parent_beacon_block_root)
    if rules.isthmus:
        backend.system_call(SYSTEM_ADDRESS, HISTORY_STORAGE, parent.hash)

