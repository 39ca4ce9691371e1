import pytest

from op_program.client.blobs import OracleBlobSource, kzg_to_versioned_hash
from op_program.client.errors import PreimageMismatchError
from op_program.client.oracle import ClientOracle
from op_program.preimage.blob_roots import blob_evaluation_points
from op_program.preimage.keys import blob_key
from op_program.protocol.kzg import lagrange_points
from tests.unit.client.witness import DictOracle, witness


def _versioned_hashes(table: dict[bytes, bytes]) -> list[bytes]:
    return sorted(b"\x01" + k[1:] for k in table if k[0] == 4)


def test_reads_and_verifies_real_blobs() -> None:
    table, _ = witness()
    hashes = _versioned_hashes(table)
    assert len(hashes) == 6
    raw = DictOracle(table)
    source = OracleBlobSource(ClientOracle(raw, raw))
    blob = source.get_blob(hashes[0], 0, 1_700_000_000)
    assert len(blob) == 131072
    assert raw.hints[0].startswith("l1-blob 0x" + hashes[0].hex())
    assert len(raw.hints) == 1
    assert kzg_to_versioned_hash(table[b"\x04" + hashes[0][1:]]) == hashes[0]


def test_altered_field_element_is_rejected() -> None:
    table, _ = witness()
    vhash = _versioned_hashes(table)[1]
    commitment = table[b"\x04" + vhash[1:]]
    key = blob_key(commitment, blob_evaluation_points()[7])
    element = bytearray(table[key])
    element[31] ^= 1
    raw = DictOracle(table, overlay={key: bytes(element)})
    with pytest.raises(PreimageMismatchError):
        OracleBlobSource(ClientOracle(raw, raw)).get_blob(vhash, 0, 0)


def test_wrong_version_byte_is_rejected() -> None:
    raw = DictOracle({})
    with pytest.raises(PreimageMismatchError):
        OracleBlobSource(ClientOracle(raw, raw)).get_blob(b"\x02" + bytes(31), 0, 0)


def test_setup_points_are_loaded_once_and_only_to_check_a_blob() -> None:
    lagrange_points.cache_clear()
    table, _ = witness()
    hashes = _versioned_hashes(table)
    raw = DictOracle(table)
    source = OracleBlobSource(ClientOracle(raw, raw))
    with pytest.raises(PreimageMismatchError):
        source.get_blob(b"\x02" + hashes[0][1:], 0, 0)
    assert lagrange_points.cache_info().currsize == 0
    source.get_blob(hashes[0], 0, 0)
    source.get_blob(hashes[1], 1, 0)
    assert (lagrange_points.cache_info().misses, source.blobs_read) == (1, 2)


def test_non_canonical_field_element_is_rejected() -> None:
    table, _ = witness()
    vhash = _versioned_hashes(table)[2]
    commitment = table[b"\x04" + vhash[1:]]
    key = blob_key(commitment, blob_evaluation_points()[100])
    raw = DictOracle(table, overlay={key: b"\xff" * 32})
    with pytest.raises(PreimageMismatchError, match="modulus"):
        OracleBlobSource(ClientOracle(raw, raw)).get_blob(vhash, 0, 0)


def test_blobs_of_one_block_are_checked_together_and_a_bad_one_is_named() -> None:
    table, _ = witness()
    hashes = _versioned_hashes(table)[:3]
    pairs = list(enumerate(hashes))
    raw = DictOracle(table)
    source = OracleBlobSource(ClientOracle(raw, raw))
    blobs = source.get_blobs(1_700_000_000, pairs)
    assert [len(b) for b in blobs] == [131072] * 3 and source.blobs_read == 3
    assert blobs[1] == OracleBlobSource(ClientOracle(raw, raw)).get_blob(hashes[1], 1, 0)
    commitment = table[b"\x04" + hashes[2][1:]]
    key = blob_key(commitment, blob_evaluation_points()[4095])
    element = bytearray(table[key])
    element[31] ^= 2
    bad = DictOracle(table, overlay={key: bytes(element)})
    with pytest.raises(PreimageMismatchError, match=commitment.hex()):
        OracleBlobSource(ClientOracle(bad, bad)).get_blobs(0, pairs)


def test_deferred_blobs_are_returned_unchecked_and_checked_together_later() -> None:
    table, _ = witness()
    hashes = _versioned_hashes(table)[:3]
    commitment = table[b"\x04" + hashes[1][1:]]
    key = blob_key(commitment, blob_evaluation_points()[9])
    element = bytearray(table[key])
    element[31] ^= 4
    bad = DictOracle(table, overlay={key: bytes(element)})
    source = OracleBlobSource(ClientOracle(bad, bad), defer_checks=True)
    blobs = source.get_blobs(0, [(0, hashes[0])]) + source.get_blobs(0, list(enumerate(hashes[1:])))
    assert len(blobs) == 3 and source.blobs_read == 3  # wrong blob returned, not yet checked
    with pytest.raises(PreimageMismatchError, match=commitment.hex()):
        source.check_pending()
    source.check_pending()  # nothing left pending


def test_deferred_checks_run_once_the_pending_bound_is_reached(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import op_program.client.blobs as blobs_module

    monkeypatch.setattr(blobs_module, "MAX_PENDING_BLOBS", 2)
    table, _ = witness()
    hashes = _versioned_hashes(table)[:2]
    commitment = table[b"\x04" + hashes[1][1:]]
    key = blob_key(commitment, blob_evaluation_points()[0])
    bad = DictOracle(table, overlay={key: bytes(32)})
    source = OracleBlobSource(ClientOracle(bad, bad), defer_checks=True)
    source.get_blobs(0, [(0, hashes[0])])
    with pytest.raises(PreimageMismatchError, match=commitment.hex()):
        source.get_blobs(0, [(1, hashes[1])])
