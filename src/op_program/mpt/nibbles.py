"""Nibble paths and the hex-prefix encoding of trie node paths.

Spec: Ethereum yellow paper appendix C (hex-prefix encoding) and D (modified Merkle Patricia
trie). A nibble path is held as ``bytes`` with one nibble (0-15) per byte.
"""

from op_program.mpt.errors import TrieDecodeError

_NIBBLE_TABLE = [bytes((b >> 4, b & 0x0F)) for b in range(256)]


def bytes_to_nibbles(key: bytes) -> bytes:
    """Split each byte of ``key`` into its high and low nibble."""
    return b"".join([_NIBBLE_TABLE[b] for b in key])


def nibbles_to_bytes(nibbles: bytes) -> bytes:
    """Join an even-length nibble path back into bytes.

    Raises:
        TrieDecodeError: the path has an odd number of nibbles.
    """
    if len(nibbles) % 2:
        raise TrieDecodeError("odd-length nibble path is not a byte key")
    return bytes((nibbles[i] << 4) | nibbles[i + 1] for i in range(0, len(nibbles), 2))


def hex_prefix_encode(nibbles: bytes, is_leaf: bool) -> bytes:
    """Hex-prefix encode a nibble path with its leaf/extension flag."""
    flag = 2 if is_leaf else 0
    if len(nibbles) % 2:
        head = bytes((((flag + 1) << 4) | nibbles[0],))
        rest = nibbles[1:]
    else:
        head = bytes((flag << 4,))
        rest = nibbles
    return head + bytes((rest[i] << 4) | rest[i + 1] for i in range(0, len(rest), 2))


def hex_prefix_decode(encoded: bytes) -> tuple[bytes, bool]:
    """Decode a hex-prefix path into (nibbles, is_leaf).

    Raises:
        TrieDecodeError: empty input, an unknown flag nibble, or non-zero padding.
    """
    if not encoded:
        raise TrieDecodeError("empty hex-prefix path")
    flag = encoded[0] >> 4
    if flag > 3:
        raise TrieDecodeError(f"invalid hex-prefix flag {flag}")
    nibbles = bytes_to_nibbles(encoded)
    if flag & 1:
        return nibbles[1:], flag >= 2
    if encoded[0] & 0x0F:
        raise TrieDecodeError("hex-prefix padding nibble is not zero")
    return nibbles[2:], flag >= 2
