"""The output root of an L2 block, computed from its header and the oracle-backed state trie.

Spec: protocol/proposals.md ("L2 Output Commitment Construction"): version 0 commits to the
state root, the storage root of the L2ToL1MessagePasser predeploy and the block hash.
isthmus/exec-engine.md: from Isthmus the header's ``withdrawalsRoot`` holds that storage root,
so no state read is needed (the reference client uses it the same way).
"""

from collections.abc import Callable

from op_program.client.errors import PreimageFormatError
from op_program.encoding.hashing import keccak256
from op_program.errors import DecodeError
from op_program.mpt.account import Account
from op_program.mpt.lookup import EMPTY_ROOT, trie_get
from op_program.protocol.header import Header
from op_program.protocol.output_root import output_root_v0
from op_program.protocol.predeploys import L2_TO_L1_MESSAGE_PASSER


def message_passer_storage_root(
    header: Header, node_by_hash: Callable[[bytes], bytes], isthmus: bool
) -> bytes:
    """Return the L2ToL1MessagePasser storage root in the state of ``header``.

    ``isthmus`` says whether Isthmus is active at the block's timestamp.

    Raises:
        PreimageFormatError: a malformed state trie node or account.
    """
    if isthmus and header.withdrawals_root is not None:
        return header.withdrawals_root
    try:
        raw = trie_get(header.state_root, keccak256(L2_TO_L1_MESSAGE_PASSER), node_by_hash)
        if raw is None:
            return EMPTY_ROOT
        return Account.decode(raw).storage_root
    except DecodeError as exc:
        raise PreimageFormatError(f"invalid state trie of block {header.number}: {exc}") from exc


def output_root_of(header: Header, node_by_hash: Callable[[bytes], bytes], isthmus: bool) -> bytes:
    """Return the version-0 output root of the block with ``header``."""
    storage_root = message_passer_storage_root(header, node_by_hash, isthmus)
    return output_root_v0(header.state_root, storage_root, header.hash)
