"""JSON from untrusted peers, parsed with a bound on nesting depth.

Why: py_ecc (loaded through py-evm's precompiles) raises the interpreter's recursion limit to
100,000, and CPython 3.11's C JSON decoder recurses once per nesting level up to that limit, so
a 200 KB reply of ``[`` overflowed the C stack and killed the host with SIGSEGV (issue 11). The
depth is therefore measured first, outside the decoder, in time linear in the input: strings are
skipped by one regular expression (possessive, so it never backtracks), the remaining brackets are
mapped to +1/-1 and summed with C-level ``accumulate``.
"""

import json
import re
from array import array
from itertools import accumulate
from typing import Any

from op_program.encoding.errors import JSONTextError

MAX_JSON_DEPTH = 512
"""Deepest nesting accepted. JSON-RPC and beacon replies nest fewer than 10 levels."""

# A string (to its closing quote, or to the end if unterminated) or one structural bracket.
_TOKENS = re.compile(rb'"(?:[^"\\]++|\\.)*+"?|([\[\]{}])', re.DOTALL)
_STEPS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")


def json_depth(data: bytes | bytearray) -> int:
    """Return the deepest nesting of arrays and objects in JSON text (brackets in strings aside).

    For text that is not JSON the number is only an estimate; the decoder rejects such text.
    """
    brackets = b"".join(_TOKENS.findall(data)).translate(_STEPS)
    return max(accumulate(array("b", brackets)), default=0)


def loads_bounded(data: bytes | bytearray, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text whose nesting is at most ``max_depth``.

    Raises:
        JSONTextError: malformed JSON, not UTF-8, or nested deeper than ``max_depth``.
    """
    if json.detect_encoding(data) not in ("utf-8", "utf-8-sig"):
        # RFC 8259 §8.1: JSON exchanged between systems is UTF-8; the depth scan reads bytes.
        raise JSONTextError("JSON text is not UTF-8")
    opens = data.count(b"[") + data.count(b"{")
    if opens > max_depth and json_depth(data) > max_depth:
        raise JSONTextError(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise JSONTextError(f"malformed JSON ({exc})") from exc
