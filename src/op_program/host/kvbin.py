"""kv.bin: a flat preimage file read by the reference tools' patched kona builds.

Format (/work/shared/reference/README.md, ``to-kvbin.py``): records of a 32-byte key, a u32
big-endian value length and the value, repeated to the end of the file. kona-exec-bench reads
raw keccak256 keys (executor fixtures), kona-host-kvbin typed preimage keys (fault-proof
witnesses); this module does not care which.
"""

from collections.abc import Iterable, Iterator

from op_program.errors import DecodeError

KEY_SIZE = 32
LENGTH_SIZE = 4
MAX_VALUE = (1 << 32) - 1


class KvBinError(DecodeError):
    """A kv.bin that ends inside a record, or a record that cannot be written."""


def encode_kvbin(items: Iterable[tuple[bytes, bytes]]) -> bytes:
    """The kv.bin bytes of ``(key, value)`` pairs, in the given order.

    Raises:
        KvBinError: a key that is not 32 bytes, or a value longer than 2**32 - 1 bytes.
    """
    out = bytearray()
    for key, value in items:
        if len(key) != KEY_SIZE:
            raise KvBinError(f"kv.bin key of {len(key)} bytes")
        if len(value) > MAX_VALUE:
            raise KvBinError(f"kv.bin value of {len(value)} bytes")
        out += key + len(value).to_bytes(LENGTH_SIZE, "big") + value
    return bytes(out)


def decode_kvbin(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Yield the records of a kv.bin, in file order (linear in ``len(data)``).

    Raises:
        KvBinError: the data ends inside a record's key, length or value.
    """
    view = memoryview(data)
    position = 0
    while position < len(data):
        if position + KEY_SIZE + LENGTH_SIZE > len(data):
            raise KvBinError(f"kv.bin truncated in the record header at byte {position}")
        key = bytes(view[position:position + KEY_SIZE])
        position += KEY_SIZE
        size = int.from_bytes(view[position:position + LENGTH_SIZE], "big")
        position += LENGTH_SIZE
        if position + size > len(data):
            raise KvBinError(f"kv.bin value of {size} bytes truncated at byte {position}")
        yield key, bytes(view[position:position + size])
        position += size
