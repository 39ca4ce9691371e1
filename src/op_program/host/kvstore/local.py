"""Local (type 1) preimages: the boot inputs the host serves from its config, never from disk.

Spec: fault-proof/index.md, "Bootstrapping" (op-program numbering, DESIGN §4): 1 L1 head,
2 agreed output root, 3 claim, 4 claimed block number (u64 BE), 5 L2 chain id (u64 BE; 2**64-1
for custom chains), 6 L2 chain config JSON, 7 rollup config JSON, 9 L1 chain config JSON (6, 7
and 9 only for custom chains). A kona client (``--client.dialect kona``) reads the rollup config
at 6 and the L1 chain config at 7 instead (kona-proof ``boot.rs``).
"""

from op_program.host.config import HostConfig
from op_program.host.dialect import ClientDialect
from op_program.local_keys import KonaLocalKey, LocalKey
from op_program.preimage.keys import local_key


def local_preimages(config: HostConfig) -> dict[bytes, bytes]:
    """Return every local key the host serves for ``config`` with its value."""
    chain = config.chain
    values: dict[int, bytes | None] = {
        LocalKey.L1_HEAD: config.l1_head,
        LocalKey.AGREED_OUTPUT_ROOT: config.l2_output_root,
        LocalKey.CLAIMED_OUTPUT_ROOT: config.l2_claim,
        LocalKey.CLAIMED_BLOCK_NUMBER: config.l2_claim_block_number.to_bytes(8, "big"),
        LocalKey.L2_CHAIN_ID: chain.served_chain_id.to_bytes(8, "big"),
    }
    if chain.custom and config.dialect is ClientDialect.KONA:
        values[KonaLocalKey.ROLLUP_CONFIG] = chain.rollup_config_json
        values[KonaLocalKey.L1_CHAIN_CONFIG] = chain.l1_chain_config_json
    elif chain.custom:
        values[LocalKey.L2_CHAIN_CONFIG] = chain.l2_chain_config_json
        values[LocalKey.ROLLUP_CONFIG] = chain.rollup_config_json
        values[LocalKey.L1_CHAIN_CONFIG] = chain.l1_chain_config_json
    return {local_key(int(k)): v for k, v in values.items() if v is not None}
