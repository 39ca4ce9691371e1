"""L1 transactions the devnet sends: batcher calldata and blob txs, deposits, config updates.

Spec: protocol/derivation.md "Batch Submission Wire Format" (calldata to the batch inbox),
ecotone/derivation.md (blob transactions), protocol/deposits.md "Deposit Contract"
(``TransactionDeposited`` logs of the OptimismPortal), protocol/system-config.md
(``ConfigUpdate`` logs of the SystemConfig contract). Transactions are signed with real keys;
their receipts carry the logs the contracts would emit.
"""

from collections.abc import Sequence

from op_program.client.blobs import kzg_to_versioned_hash
from op_program.devnet.keys import DevAccount
from op_program.devnet.l1 import L1Chain, L1Tx
from op_program.protocol.deposits import encode_deposit_log_data
from op_program.protocol.kzg import blob_to_commitment
from op_program.protocol.receipts import Log
from op_program.protocol.system_config import CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0
from op_program.protocol.transactions import (
    BlobTransaction,
    DepositTransaction,
    DynamicFeeTransaction,
)

MAX_FEE = 100_000_000_000
PRIORITY_FEE = 1_000_000_000
MAX_BLOB_FEE = 1_000_000_000
LOG_EXECUTION_GAS = 40_000


def log_emitter_code(topics: int) -> bytes:
    """Runtime code that logs its calldata: ``topics`` 32-byte topics, then the log data.

    The devnet's stand-in for the OptimismPortal (4 topics) and SystemConfig (3 topics) on a
    real L1 node: calls to it carry the log, so the node's receipts hold exactly the
    ``TransactionDeposited`` and ``ConfigUpdate`` logs derivation reads.
    """
    code = b""
    for index in reversed(range(topics)):  # push topic_n .. topic_1 (topic_1 ends on top)
        code += bytes((0x60, index * 32, 0x35))  # calldataload(32 * index)
    header = topics * 32
    code += bytes((0x60, header, 0x36, 0x03))  # size = calldatasize - header
    code += bytes((0x80, 0x60, header, 0x5F, 0x37))  # calldatacopy(0, header, size)
    return code + bytes((0x5F, 0xA0 + topics, 0x00))  # log<n>(0, size, topics...); stop


def calldata_tx(l1: L1Chain, sender: DevAccount, to: bytes, data: bytes, value: int = 0,
                execution_gas: int = 0) -> L1Tx:  # fmt: skip
    """A signed type-2 transaction (e.g. batcher data to the inbox)."""
    gas_used = 21_000 + 16 * len(data) + execution_gas
    # Gas limit above the EIP-7623 calldata floor (Prague): 10 gas per token, 4 tokens a byte.
    gas = 21_000 + 40 * len(data) + execution_gas + 10_000
    tx = DynamicFeeTransaction(
        chain_id=l1.chain_id, nonce=l1.next_nonce(sender.address),
        max_priority_fee_per_gas=PRIORITY_FEE, max_fee_per_gas=MAX_FEE, gas=gas, to=to,
        value=value, data=data, access_list=(), y_parity=0, r=0, s=0,
    )  # fmt: skip
    return L1Tx(sender.sign(tx).encode(), gas_used=gas_used)


def blob_tx(l1: L1Chain, sender: DevAccount, to: bytes, blobs: Sequence[bytes]) -> L1Tx:
    """A signed type-3 transaction carrying ``blobs`` with their KZG commitments."""
    commitments = [blob_to_commitment(blob) for blob in blobs]
    tx = BlobTransaction(
        chain_id=l1.chain_id, nonce=l1.next_nonce(sender.address),
        max_priority_fee_per_gas=PRIORITY_FEE, max_fee_per_gas=MAX_FEE, gas=21_000, to=to,
        value=0, data=b"", access_list=(), max_fee_per_blob_gas=MAX_BLOB_FEE,
        blob_versioned_hashes=tuple(kzg_to_versioned_hash(c) for c in commitments),
        y_parity=0, r=0, s=0,
    )  # fmt: skip
    return L1Tx(sender.sign(tx).encode(), blobs=tuple(zip(commitments, blobs, strict=True)))


def deposit_tx(
    l1: L1Chain, portal: bytes, sender: DevAccount, deposit: DepositTransaction, status: int = 1
) -> L1Tx:
    """A call to the OptimismPortal whose receipt holds the ``TransactionDeposited`` log.

    ``deposit.source_hash`` is ignored (derivation computes it from the log position).
    """
    topics, data = encode_deposit_log_data(deposit)
    signed = calldata_tx(l1, sender, portal, b"".join(topics) + data, deposit.mint,
                         LOG_EXECUTION_GAS)  # fmt: skip
    logs = (Log(portal, topics, data),) if status == 1 else ()
    return L1Tx(signed.raw, logs, status, signed.gas_used)


def config_update_log(system_config: bytes, update_type: int, payload: bytes) -> Log:
    """A ``ConfigUpdate(version 0, update_type, abi.encode(bytes payload))`` log."""
    data = (32).to_bytes(32, "big") + len(payload).to_bytes(32, "big") + payload
    data += bytes(-len(data) % 32)
    topics = (CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, update_type.to_bytes(32, "big"))
    return Log(system_config, topics, data)


def config_update_tx(
    l1: L1Chain, system_config: bytes, owner: DevAccount, update_type: int, payload: bytes
) -> L1Tx:
    """The owner's call to the SystemConfig that emits one ``ConfigUpdate`` log."""
    log = config_update_log(system_config, update_type, payload)
    signed = calldata_tx(l1, owner, system_config, b"".join(log.topics) + log.data, 0,
                         LOG_EXECUTION_GAS)  # fmt: skip
    return L1Tx(signed.raw, (log,), 1, signed.gas_used)
