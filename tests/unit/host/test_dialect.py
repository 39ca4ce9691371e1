"""Client dialects: local keys, blob keys and precompile layouts per client (host.dialect)."""

from pathlib import Path

from op_program.client.blobs import BLOB_SIZE
from op_program.host.config import ChainSetup, HostConfig
from op_program.host.dialect import ClientDialect
from op_program.host.hint_handlers import (
    Sources,
    bulk_hints_for,
    handlers_for,
    l1_blob,
    l1_blob_by_index,
)
from op_program.host.kvstore.local import local_preimages
from op_program.host.rpc.beacon import Blob
from op_program.preimage.blob_roots import blob_evaluation_point
from op_program.preimage.keys import blob_key, local_key

ROLLUP, L2_CONFIG, L1_CONFIG = b'{"rollup":1}', b'{"l2":1}', b'{"l1":1}'


def _config(dialect: ClientDialect) -> HostConfig:
    chain = ChainSetup(rollup=None, l2_chain_id=901, custom=True,  # type: ignore[arg-type]
                       l2_chain_config_json=L2_CONFIG, rollup_config_json=ROLLUP,
                       l1_chain_config_json=L1_CONFIG)
    return HostConfig(chain, b"\x01" * 32, b"\x02" * 32, b"\x03" * 32, b"\x04" * 32, 5,
                      datadir=Path("unused"), dialect=dialect)


def test_local_keys_per_dialect() -> None:
    """op-program: 6 L2 config, 7 rollup, 9 L1; kona: 6 rollup, 7 L1 (kona-proof boot.rs)."""
    for dialect in (ClientDialect.OP_PROGRAM, ClientDialect.OP_PROGRAM_2024):
        served = local_preimages(_config(dialect))
        assert (served[local_key(6)], served[local_key(7)], served[local_key(9)]) == (
            L2_CONFIG, ROLLUP, L1_CONFIG)
    kona = local_preimages(_config(ClientDialect.KONA))
    assert (kona[local_key(6)], kona[local_key(7)]) == (ROLLUP, L1_CONFIG)
    assert local_key(9) not in kona
    assert kona[local_key(5)] == (2**64 - 1).to_bytes(8, "big")


class _Beacon:
    def __init__(self, blob: Blob) -> None:
        self._blob = blob

    def blob(self, versioned_hash: bytes, index: int | None, timestamp: int) -> Blob:
        return self._blob


def _blob_sources() -> Sources:
    data = bytes(range(256)) * (BLOB_SIZE // 256)
    data = b"".join(b"\x00" + data[i + 1:i + 32] for i in range(0, BLOB_SIZE, 32))
    commitment = b"\xc0" + bytes(47)  # not checked here: the beacon source verifies blobs
    return Sources(l1=None, beacon=_Beacon(Blob(commitment, data)), l2=None,  # type: ignore[arg-type]
                   l2_head=bytes(32), l2_chain_id=1)


def test_blob_schemes_collide_at_one_key_with_different_values() -> None:
    """z_0 = 1 is index 1: the two schemes give that key different elements (0 vs 1)."""
    sources = _blob_sources()
    payload = bytes(32) + (0).to_bytes(8, "big") + (12).to_bytes(8, "big")
    roots = dict(l1_blob(sources, payload))
    by_index = dict(l1_blob_by_index(sources, payload))
    commitment = sources.beacon.blob(b"", None, 0).commitment
    data = sources.beacon.blob(b"", None, 0).data
    collision = blob_key(commitment, blob_evaluation_point(0))
    assert collision == blob_key(commitment, (1).to_bytes(32, "big"))
    assert roots[collision] == data[:32] and by_index[collision] == data[32:64]
    shared_blob_keys = {k for k in set(roots) & set(by_index) if k[0] == 5}
    assert shared_blob_keys == {collision}
    index_7 = blob_key(commitment, (7).to_bytes(32, "big"))
    assert by_index[index_7] == data[7 * 32:8 * 32] and index_7 not in roots


def test_kona_blob_adds_proof_and_precompile_layout() -> None:
    kona = handlers_for(ClientDialect.KONA)
    assert kona["l1-precompile"] is handlers_for(ClientDialect.OP_PROGRAM)["l1-precompile-v2"]
    assert handlers_for(ClientDialect.OP_PROGRAM_2024)["l1-blob"] is l1_blob_by_index
    assert "l2-account-storage-proof" not in bulk_hints_for(ClientDialect.KONA)
    assert "l2-account-storage-proof" in bulk_hints_for(ClientDialect.OP_PROGRAM)
