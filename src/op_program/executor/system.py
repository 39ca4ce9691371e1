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

SYSTEM_ADDRESS = bytes.fromhex("fffffffffffffffffffffffffffffffffffffffe")
BEACON_ROOTS_ADDRESS = bytes.fromhex("000f3df6d732807ef1319fb7b8bb8522d0beac02")
HISTORY_STORAGE_ADDRESS = bytes.fromhex("0000f90827f1c53a10cb7a02335b175320002935")
CREATE2_DEPLOYER_ADDRESS = bytes.fromhex("13b0d85ccb8bf860b6b79af3029fca081ae9bef2")
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
        backend.set_code(CREATE2_DEPLOYER_ADDRESS, create2deployer_code())
    if rules.ecotone and attributes.parent_beacon_block_root is not None:
        backend.system_call(
            SYSTEM_ADDRESS, BEACON_ROOTS_ADDRESS, attributes.parent_beacon_block_root
        )
    if rules.isthmus:
        backend.system_call(SYSTEM_ADDRESS, HISTORY_STORAGE_ADDRESS, parent.hash)

