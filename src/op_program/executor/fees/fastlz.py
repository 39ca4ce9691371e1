"""FastLZ compressed length: the size estimate of the Fjord L1 data fee.

Spec: specs/protocol/fjord/exec-engine.md (fees: "fastlzSize"), which names the Solady
``LibZip.flzCompress`` level-1 algorithm; only the output length is needed, never the bytes.
"""

from typing import Final

_HASH_LOG: Final = 13
_HASH_MASK: Final = (1 << _HASH_LOG) - 1
_MAX_DISTANCE: Final = 0x1FFF
_MULT: Final = 2654435769


def _literal_cost(count: int) -> int:
    """Bytes that ``count`` literals take: runs of up to 32 with a one-byte header each."""
    full, rest = divmod(count, 0x20)
    return full * 0x21 + (rest + 1 if rest else 0)


def _match_cost(length: int) -> int:
    """Bytes a back-reference of ``length`` (>= 3) takes."""
    length -= 1
    chunks, rest = divmod(length, 262)
    return 3 * chunks + (3 if rest >= 6 else 2)


def flz_compress_len(data: bytes) -> int:
    """Return the length of ``data`` compressed by FastLZ level 1 (Solady's ``flzCompress``)."""
    size = len(data)
    if size == 0:
        return 0
    table = [0] * (1 << _HASH_LOG)
    limit = size - 13 if size >= 13 else 0
    out = 0
    anchor = 0
    ip = 2
    while ip < limit:
        ref = 0
        while True:
            seq = data[ip] | (data[ip + 1] << 8) | (data[ip + 2] << 16)
            slot = ((_MULT * seq) >> 19) & _HASH_MASK
            ref = table[slot]
            table[slot] = ip
            distance = ip - ref
            if ip >= limit:
                break
            ip += 1
            if distance <= _MAX_DISTANCE and data[ref:ref + 3] == data[ip - 1:ip + 2]:
                break
        if ip >= limit:
            break
        ip -= 1
        if ip > anchor:
            out += _literal_cost(ip - anchor)
        length = _match_length(data, ref + 3, ip + 3, limit + 9)
        out += _match_cost(length)
        ip += length
        for _ in range(2):
            seq = data[ip] | (data[ip + 1] << 8) | (data[ip + 2] << 16)
            table[((_MULT * seq) >> 19) & _HASH_MASK] = ip
            ip += 1
        anchor = ip
    return out + _literal_cost(size - anchor)


def _match_length(data: bytes, ref: int, start: int, end: int) -> int:
    """Solady's match length: equal bytes from ``start`` and ``ref`` up to ``end``.

    Plus one when a mismatch ends the run (the reference loop increments past the mismatch).
    """
    span = end - start
    length = 0
    while length < span:
        if data[ref + length] != data[start + length]:
            return length + 1
        length += 1
    return length
