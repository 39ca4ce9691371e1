"""OP blob encoding: batcher data packed into an EIP-4844 blob (ecotone/derivation.md).

A blob is 4096 field elements of 32 bytes. Each element's first byte carries only 6 bits (its top
two bits must be zero); four such 6-bit chunks make three extra bytes per round of four
elements, so a round carries ``4 * 31 + 3 = 127`` bytes. The first element starts with
``version (0) ++ 3-byte big-endian length``. Spec:
https://specs.optimism.io/protocol/ecotone/derivation.html#blob-encoding
Decoding follows op-node's ``Blob.ToData`` exactly, including its error order and the fact that
the first byte of the first field element is not range-checked.
"""

from typing import Final

from op_program.protocol.errors import ProtocolDecodeError

BLOB_SIZE: Final = 4096 * 32
MAX_BLOB_DATA_SIZE: Final = (4 * 31 + 3) * 1024 - 4
ENCODING_VERSION: Final = 0
VERSION_OFFSET: Final = 1
ROUNDS: Final = 1024


class BlobDecodeError(ProtocolDecodeError):
    """A blob that does not hold OP-encoded data."""


class BlobInvalidFieldElementError(BlobDecodeError):
    """A field element whose first byte has one of its two top bits set."""


class BlobInvalidEncodingVersionError(BlobDecodeError):
    """A blob whose version byte is not 0."""


class BlobInvalidLengthError(BlobDecodeError):
    """A declared length above ``MAX_BLOB_DATA_SIZE`` (or a blob of the wrong size)."""


class BlobExtraneousDataFieldElementError(BlobDecodeError):
    """Non-zero bytes inside the used field elements after the declared length."""


class BlobExtraneousDataError(BlobDecodeError):
    """Non-zero bytes in field elements after the last one the data needs."""


class BlobInputTooLargeError(ValueError):
    """Data longer than ``MAX_BLOB_DATA_SIZE`` given to the encoder (a caller error)."""


def encode_blob(data: bytes) -> bytes:
    """Encode up to ``MAX_BLOB_DATA_SIZE`` bytes into a 131072-byte blob.

    Raises:
        BlobInputTooLargeError: ``data`` does not fit.
    """
    if len(data) > MAX_BLOB_DATA_SIZE:
        raise BlobInputTooLargeError(f"too much data to encode in one blob: {len(data)}")
    blob = bytearray(BLOB_SIZE)
    # Pad the input so every round can read its 127 bytes; position 0..3 hold the header.
    padded = bytes([ENCODING_VERSION]) + len(data).to_bytes(3, "big") + data
    rounds = max(1, -(-len(padded) // 127)) if data else 0
    padded += bytes(rounds * 127 - len(padded)) if rounds else b""
    for rnd in range(rounds):
        chunk = padded[rnd * 127 : (rnd + 1) * 127]
        # chunk layout: 31 bytes FE0, x, 31 bytes FE1, y, 31 bytes FE2, z, 31 bytes FE3
        x, y, z = chunk[31], chunk[63], chunk[95]
        tops = (
            x & 0b0011_1111,
            (y & 0b0000_1111) | ((x & 0b1100_0000) >> 2),
            z & 0b0011_1111,
            ((z & 0b1100_0000) >> 2) | ((y & 0b1111_0000) >> 4),
        )
        bodies = (chunk[0:31], chunk[32:63], chunk[64:95], chunk[96:127])
        base = rnd * 128
        for index in range(4):
            offset = base + index * 32
            blob[offset] = tops[index]
            blob[offset + 1 : offset + 32] = bodies[index]
    return bytes(blob)


def _declared_length(blob: bytes) -> int:
    if len(blob) != BLOB_SIZE:
        raise BlobInvalidLengthError(f"blob must be {BLOB_SIZE} bytes, got {len(blob)}")
    if blob[VERSION_OFFSET] != ENCODING_VERSION:
        raise BlobInvalidEncodingVersionError(
            f"expected version {ENCODING_VERSION}, got {blob[VERSION_OFFSET]}"
        )
    length = int.from_bytes(blob[2:5], "big")
    if length > MAX_BLOB_DATA_SIZE:
        raise BlobInvalidLengthError(f"invalid length for blob: {length}")
    return length


def decode_blob(blob: bytes) -> bytes:
    """Decode the data an OP blob holds.

    Raises:
        BlobInvalidLengthError: the blob is not 131072 bytes, or declares too much data.
        BlobInvalidEncodingVersionError: the version byte is not 0.
        BlobInvalidFieldElementError: a used field element has a top bit set.
        BlobExtraneousDataFieldElementError: non-zero padding inside the used elements.
        BlobExtraneousDataError: non-zero bytes after the used elements.
    """
    length = _declared_length(blob)
    out = bytearray()
    # Round 0: the first element's bytes 5..31 hold data bytes 0..26; byte 27 comes from chunks.
    out += blob[5:32]
    ipos = 32
    rnd = 0
    while True:
        first = rnd == 0
        tops = [blob[0]] if first else []
        for _ in range(3 if first else 4):
            top = blob[ipos]
            if top & 0b1100_0000:
                raise BlobInvalidFieldElementError(f"invalid field element at byte {ipos}")
            tops.append(top)
            ipos += 32
        x = (tops[0] & 0b0011_1111) | ((tops[1] & 0b0011_0000) << 2)
        y = (tops[1] & 0b0000_1111) | ((tops[3] & 0b0000_1111) << 4)
        z = (tops[2] & 0b0011_1111) | ((tops[3] & 0b0011_0000) << 2)
        start = ipos - 128
        if first:
            out.append(x)
        else:
            out += blob[start + 1 : start + 32]
            out.append(x)
        out += blob[start + 33 : start + 64]
        out.append(y)
        out += blob[start + 65 : start + 96]
        out.append(z)
        out += blob[start + 97 : start + 128]
        rnd += 1
        if rnd >= ROUNDS or len(out) >= length:
            break
    if any(out[length:]):
        raise BlobExtraneousDataFieldElementError(
            f"non-zero data encountered where field element should be empty (fe={ipos // 32})"
        )
    if any(blob[ipos:]):
        raise BlobExtraneousDataError("non-zero data encountered where blob should be empty")
    return bytes(out[:length])
