"""Writing one JSON document piece by piece, so a huge array never sits in memory.

Why: a 172-byte brotli channel can hold 1.35 million minimal batches (within the 100 MB
decompression limit). Building their JSON as one list took 2.9 GB and a minute before the first
byte; writing each batch's JSON as it is decoded keeps memory bounded by the decompressed data.

:func:`write_json` writes dicts, lists and scalars like ``json.dumps`` and additionally takes
iterators (written as arrays, one element per line, as they are produced) and zero-argument
callables in dict values (called when their turn comes, e.g. a count known only after the
iterator before it has run).
"""

import json
from collections.abc import Iterator, Mapping
from typing import Any, TextIO


def write_json(value: Any, out: TextIO, indent: int = 0) -> None:
    """Write ``value`` as JSON to ``out``, streaming iterators and evaluating callables."""
    pad = "  " * (indent + 1)
    if callable(value):
        write_json(value(), out, indent)
    elif isinstance(value, Mapping):
        out.write("{")
        for index, (key, item) in enumerate(value.items()):
            out.write(("," if index else "") + f"\n{pad}{json.dumps(str(key))}: ")
            write_json(item, out, indent + 1)
        out.write(f"\n{'  ' * indent}}}" if value else "}")
    elif isinstance(value, Iterator):
        _write_stream(value, out, indent, pad)
    elif isinstance(value, list | tuple):
        _write_stream(iter(value), out, indent, pad)
    else:
        out.write(json.dumps(value))


def _write_stream(items: Iterator[Any], out: TextIO, indent: int, pad: str) -> None:
    """An array whose elements are written (one compact line each) as they arrive."""
    out.write("[")
    first = True
    for item in items:
        out.write(("" if first else ",") + f"\n{pad}")
        if isinstance(item, Mapping | list | tuple) and not _has_lazy(item):
            out.write(json.dumps(item))
        else:
            write_json(item, out, indent + 1)
        first = False
    out.write("]" if first else f"\n{'  ' * indent}]")


def _has_lazy(value: Any) -> bool:
    if isinstance(value, Iterator) or callable(value):
        return True
    if isinstance(value, Mapping):
        return any(_has_lazy(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_lazy(v) for v in value)
    return False


