"""Preimage witness files: moving preimage sets between JSON(.gz) and a datadir, re-hashing.

Spec: fault-proof/index.md, "Pre-image key types" (what each key type commits to). A witness
file is a JSON object ``{"0x<32-byte key>": "0x<value>"}``, gzip-compressed when its name ends
in ``.gz`` (the form of ``tests/fixtures/fpp/*/preimages.json.gz``), or, when its name ends in
``.bin``, a kv.bin (``host.kvbin``: the flat file kona-host-kvbin reads).
"""

import gzip
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from op_program.encoding.errors import JSONTextError
from op_program.encoding.json_text import loads_bounded
from op_program.errors import OpProgramError
from op_program.host.errors import KVStoreError
from op_program.host.kvbin import KvBinError, decode_kvbin, encode_kvbin
from op_program.host.kvstore.base import KV, IterableKV
from op_program.host.kvstore.files import write_atomic
from op_program.preimage.keys import KeyType, key_type_of
from op_program.preimage.verify import verify_preimage

_BATCH = 2048
_GZIP_MAGIC = b"\x1f\x8b"


class WitnessFileError(KVStoreError):
    """A witness file that cannot be read or is not a key → value JSON object."""


def check_preimage(key: bytes, value: bytes) -> str | None:
    """Return why ``value`` cannot be the preimage of ``key``, or None when it can.

    keccak256 and sha256 values are re-hashed; blob values must be one 32-byte field element
    (or the 48-byte KZG proof kona stores at z = 4096); precompile values must start with a
    status byte (0 or 1). Local keys never belong in a shared store.
    """
    try:
        key_type = key_type_of(key)
        if key_type is KeyType.LOCAL:
            return "local key stored in a global preimage store"
        if key_type is KeyType.BLOB and len(value) not in (32, 48):
            return f"blob field element of {len(value)} bytes"
        if key_type is KeyType.PRECOMPILE and (not value or value[0] > 1):
            return "precompile result without a 0/1 status byte"
        verify_preimage(key, value)
    except OpProgramError as exc:
        return str(exc)
    return None


MAX_WITNESS_BYTES = 1 << 30
"""Largest witness JSON accepted (decompressed). The real OP Sepolia witness of 60k preimages is
~47 MB of JSON; the cap keeps a gzip bomb (1 MB can expand to 1 GB) from exhausting memory."""


def _read_object(path: str | os.PathLike[str]) -> dict[str, object]:
    try:
        with Path(path).open("rb") as file:
            gzipped = file.read(2) == _GZIP_MAGIC
        with (gzip.open(path, "rb") if gzipped else Path(path).open("rb")) as stream:
            raw = stream.read(MAX_WITNESS_BYTES + 1)
        if len(raw) > MAX_WITNESS_BYTES:
            raise WitnessFileError(
                f"cannot read witness {path}: larger than {MAX_WITNESS_BYTES} bytes of JSON")
        data = loads_bounded(raw)
    except (OSError, EOFError, ValueError, UnicodeDecodeError, JSONTextError) as exc:
        raise WitnessFileError(f"cannot read witness {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise WitnessFileError(f"witness {path} is not a JSON object")
    return data


def _read_kvbin(path: str | os.PathLike[str]) -> list[tuple[bytes, bytes]]:
    """The records of a kv.bin witness (at most ``MAX_WITNESS_BYTES``)."""
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_WITNESS_BYTES + 1)
        if len(raw) > MAX_WITNESS_BYTES:
            raise WitnessFileError(f"cannot read witness {path}: larger than "
                                   f"{MAX_WITNESS_BYTES} bytes")
        return list(decode_kvbin(raw))
    except OSError as exc:
        raise WitnessFileError(f"cannot read witness {path}: {exc}") from exc
    except KvBinError as exc:
        raise WitnessFileError(f"cannot read witness {path}: {exc}") from exc


def read_witness(path: str | os.PathLike[str]) -> Iterator[tuple[bytes, bytes]]:
    """Yield the (key, value) pairs of a witness file, in file order.

    Raises:
        WitnessFileError: unreadable file, bad JSON, or a key/value that is not 0x-hex (a
            kv.bin: a record cut short).
    """
    if is_kvbin_path(path):
        yield from _read_kvbin(path)
        return
    for key_text, value_text in _read_object(path).items():
        yield _parse_hex(key_text, 32), _parse_hex(value_text, None)


def check_witness(path: str | os.PathLike[str]) -> tuple[list[tuple[bytes, bytes]],
                                                          "WitnessReport"]:
    """Read and check a whole witness file before anything is written.

    Returns:
        The good pairs in file order, and a report counting the bad entries (malformed hex,
        or a value that is not the preimage of its key) with the first few of them.

    Raises:
        WitnessFileError: the file cannot be read or is not a JSON object.
    """
    report = WitnessReport()
    good: list[tuple[bytes, bytes]] = []
    if is_kvbin_path(path):
        for key, value in _read_kvbin(path):
            report.total += 1
            reason = check_preimage(key, value)
            if reason is None:
                good.append((key, value))
            else:
                report.note(key, reason)
        return good, report
    for key_text, value_text in _read_object(path).items():
        report.total += 1
        try:
            key, value = _parse_hex(key_text, 32), _parse_hex(value_text, None)
        except WitnessFileError as exc:
            report.note(str(key_text)[:80], str(exc))
            continue
        reason = check_preimage(key, value)
        if reason is None:
            good.append((key, value))
        else:
            report.note(f"0x{key.hex()}", reason)
    return good, report


def _parse_hex(text: object, length: int | None) -> bytes:
    if not isinstance(text, str) or text[:2] != "0x":
        raise WitnessFileError(f"witness entry is not 0x-hex: {str(text)[:40]!r}")
    try:
        data = bytes.fromhex(text[2:])
    except ValueError:
        raise WitnessFileError(f"witness entry is not 0x-hex: {text[:40]!r}") from None
    if length is not None and len(data) != length:
        raise WitnessFileError(f"witness key of {len(data)} bytes: {text[:40]!r}")
    return data


@dataclass(slots=True)
class WitnessReport:
    """What an import or verification saw: counts and the first problems."""

    total: int = 0
    bad: int = 0
    problems: list[str] = field(default_factory=list)

    def note(self, key: bytes | str, reason: str) -> None:
        """Count a bad entry and keep its description (the first 20)."""
        self.bad += 1
        if len(self.problems) < 20:
            name = key if isinstance(key, str) else f"0x{key.hex()}"
            self.problems.append(f"{name}: {reason}")


def import_witness(pairs: Iterable[tuple[bytes, bytes]], store: KV) -> WitnessReport:
    """Store every pair that checks out; count (and never store) those that do not."""
    report = WitnessReport()
    batch: list[tuple[bytes, bytes]] = []
    for key, value in pairs:
        report.total += 1
        reason = check_preimage(key, value)
        if reason is not None:
            report.note(key, reason)
            continue
        batch.append((key, value))
        if len(batch) >= _BATCH:
            store.put_many(batch)
            batch = []
    if batch:
        store.put_many(batch)
    return report


def verify_store(store: IterableKV) -> WitnessReport:
    """Re-check every preimage held by ``store``."""
    report = WitnessReport()
    for key in store.keys():
        report.total += 1
        try:
            value = store.get(key)
        except KVStoreError as exc:
            report.note(key, str(exc))
            continue
        reason = "listed but unreadable" if value is None else check_preimage(key, value)
        if reason is not None:
            report.note(key, reason)
    return report


def export_witness(store: IterableKV, path: str | os.PathLike[str]) -> int:
    """Write every preimage of ``store`` to a witness file (sorted by key); return the count.

    Raises:
        WitnessFileError: the file cannot be written.
    """
    pairs = []
    for key in store.keys():
        value = store.get(key)
        if value is not None:
            pairs.append((key, value))
    return write_witness(pairs, path)


def is_kvbin_path(path: str | os.PathLike[str]) -> bool:
    """Whether a witness named ``path`` is written as a kv.bin (name ends in ``.bin``)."""
    return Path(path).name.endswith(".bin")


def write_witness(pairs: Iterable[tuple[bytes, bytes]], path: str | os.PathLike[str]) -> int:
    """Write ``pairs`` sorted by key, atomically, as the name of ``path`` says; return the count.

    ``*.bin``: a kv.bin (:mod:`op_program.host.kvbin`, what kona-host-kvbin reads as
    ``<data-dir>/kv.bin``); ``*.gz``: gzip'd JSON; anything else: JSON. The bytes depend on
    the pairs alone (reproducible).

    Raises:
        WitnessFileError: the file cannot be written.
    """
    ordered = sorted(pairs)
    target = Path(path)
    if is_kvbin_path(target):
        data = encode_kvbin(ordered)
    else:
        entries = {"0x" + key.hex(): "0x" + value.hex() for key, value in ordered}
        text = json.dumps(entries, separators=(",", ":")).encode()
        # mtime 0: the same preimage set gives the same bytes (the gzip header would
        # otherwise hold the time of writing), whichever worker or run wrote it.
        data = gzip.compress(text, 6, mtime=0) if target.name.endswith(".gz") else text
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise WitnessFileError(f"cannot write witness {path}: {exc}") from exc
    return len(ordered)
