"""Preimage stores: memory, the op-program ``directory``/``file`` formats, LMDB, split.

Spec: fault-proof/index.md, "Pre-image Oracle"; DESIGN §4 for the on-disk layout. The names
below are loaded on first use (PEP 562), so reading ``kvstore.base.DataFormat`` for a command's
``--help`` does not open LMDB and the stores.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from op_program.host.kvstore.base import KV, DataFormat, IterableKV
    from op_program.host.kvstore.directory import HexFileKV
    from op_program.host.kvstore.disk import open_disk_kv, open_format, read_format
    from op_program.host.kvstore.lmdb_store import LmdbKV
    from op_program.host.kvstore.memory import MemoryKV
    from op_program.host.kvstore.split import SplitKV

_HOMES = {
    "KV": "base", "DataFormat": "base", "IterableKV": "base", "HexFileKV": "directory",
    "open_disk_kv": "disk", "open_format": "disk", "read_format": "disk",
    "LmdbKV": "lmdb_store", "MemoryKV": "memory", "SplitKV": "split",
}

__all__ = [
    "KV",
    "DataFormat",
    "HexFileKV",
    "IterableKV",
    "LmdbKV",
    "MemoryKV",
    "SplitKV",
    "open_disk_kv",
    "open_format",
    "read_format",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
