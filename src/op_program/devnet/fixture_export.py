"""Export a devnet block as an executor fixture, so other executors can judge our blocks.

Format: tests/fixtures/README.md "executor/" (the kona executor test-fixture layout):
``fixture.json`` holds ``rollup_config`` (op-node ``rollup.json`` form), ``parent_header``
(JSON-RPC form), ``executing_payload`` (the payload attributes the sequencer built the block
from) and ``expected_block_hash`` (the hash our executor produced); ``preimages.json.gz`` maps
keccak256 → value for every state node, code and header the block's execution reads (the
witness of protocol/exec-engine.md block building, as ``debug_executionWitness`` gives it).
From Isthmus the set also holds the post-state path to the L2ToL1MessagePasser account: the
header's withdrawalsRoot is that account's storage root (isthmus/exec-engine.md), and kona's
builder reads it from the new state trie when the block leaves the account unchanged (its host
serves those nodes from an account proof at the new block), where op-geth and we take it from
the in-memory state. It also holds the parent-state paths to the fee vaults and the fee
recipient: op-geth and op-revm credit them after every transaction even with zero wei, which
reads the account (no state change: EIP-161 clears a touched empty account), where our
executor skips a zero credit and so never reads those nodes. And it holds the headers of the
256 blocks before: for BLOCKHASH(n) op-geth's witness carries header n itself and kona reads
it, where our executor only needs the header after it (whose parentHash is the answer). And
the code of every account whose leaf the witness holds: revm loads an account's code with the
account for some reads (EXTCODEHASH among them) where geth and we read only the code hash.
"""

import gzip
import json
from pathlib import Path
from typing import Any

from op_program.config.rollup_json import rollup_config_to_json
from op_program.devnet.errors import DevnetError
from op_program.devnet.sequencer import Sequencer
from op_program.encoding.hashing import keccak256
from op_program.encoding.hex import bytes_to_hex
from op_program.errors import OpProgramError
from op_program.mpt.account import EMPTY_CODE_HASH, Account
from op_program.mpt.lookup import trie_get
from op_program.mpt.node import LeafNode, decode_node
from op_program.protocol.header import Header
from op_program.protocol.predeploys import (
    BASE_FEE_VAULT,
    L1_FEE_VAULT,
    L2_TO_L1_MESSAGE_PASSER,
    OPERATOR_FEE_VAULT,
)

FIXTURE_FILE = "fixture.json"
PREIMAGES_FILE = "preimages.json.gz"
BLOCKHASH_WINDOW = 256


def block_fixture(sequencer: Sequencer, number: int) -> tuple[dict[str, Any], dict[bytes, bytes]]:
    """The fixture object and the preimages (hash → value) of L2 block ``number``.

    Raises:
        DevnetError: no such block (or genesis, which has no attributes).
    """
    if not 0 < number < len(sequencer.blocks):
        raise DevnetError(f"no L2 block {number} to export")
    block = sequencer.blocks[number]
    parent = sequencer.blocks[number - 1].header
    if block.attributes is None:
        raise DevnetError(f"L2 block {number} has no payload attributes")
    witness = sequencer.execution_witness(parent.hash, block.attributes)
    for account in (BASE_FEE_VAULT, L1_FEE_VAULT, OPERATOR_FEE_VAULT,
                    block.attributes.suggested_fee_recipient):  # fmt: skip
        witness += _account_path(sequencer, parent, account)
    witness += _account_codes(sequencer, witness)
    ancestors = sequencer.blocks[max(0, number - BLOCKHASH_WINDOW):number]
    witness += [ancestor.header.encode() for ancestor in ancestors]
    if sequencer.rollup.is_isthmus(block.header.timestamp):
        witness += _account_path(sequencer, block.header, L2_TO_L1_MESSAGE_PASSER)
    fixture = {
        "rollup_config": rollup_config_to_json(sequencer.rollup),
        "parent_header": parent.to_rpc(),
        "executing_payload": block.attributes.to_json(),
        "expected_block_hash": bytes_to_hex(block.header.hash),
    }
    return fixture, {keccak256(value): value for value in witness}


def _account_codes(sequencer: Sequencer, values: list[bytes]) -> list[bytes]:
    """The code of each account whose leaf node is among ``values`` (other values skipped)."""
    codes = []
    for raw in values:
        try:
            node = decode_node(raw)
            if not isinstance(node, LeafNode):
                continue
            account = Account.decode(node.value)
        except OpProgramError:
            continue  # code, a header, a storage leaf or a branch: not an account
        code = sequencer.preimage(account.code_hash)
        if account.code_hash != EMPTY_CODE_HASH and code is not None:
            codes.append(code)
    return codes


def _account_path(sequencer: Sequencer, header: Header, address: bytes) -> list[bytes]:
    """The state-trie nodes from ``header``'s state root to ``address``'s account leaf."""
    path: list[bytes] = []

    def node(digest: bytes) -> bytes:
        value = sequencer.preimage(digest)
        if value is None:
            raise DevnetError(f"state node 0x{digest.hex()} of block {header.number} unknown")
        path.append(value)
        return value

    trie_get(header.state_root, keccak256(address), node)
    return path


def write_block_fixture(sequencer: Sequencer, number: int, directory: Path) -> Path:
    """Write block ``number`` as ``directory/fixture.json`` and ``preimages.json.gz``.

    Raises:
        DevnetError: no such block.
        OSError: the directory cannot be written.
    """
    fixture, preimages = block_fixture(sequencer, number)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / FIXTURE_FILE).write_text(json.dumps(fixture, indent=1))
    table = {bytes_to_hex(k): bytes_to_hex(v) for k, v in sorted(preimages.items())}
    with gzip.open(directory / PREIMAGES_FILE, "wt") as out:
        json.dump(table, out)
    return directory
