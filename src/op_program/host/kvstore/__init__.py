"""Preimage stores: memory, the op-program ``directory``/``file`` formats, LMDB, split.

Spec: fault-proof/index.md, "Pre-image Oracle"; DESIGN §4 for the on-disk layout.
"""

from op_program.host.kvstore.base import KV, DataFormat, IterableKV
from op_program.host.kvstore.directory import HexFileKV
from op_program.host.kvstore.disk import open_disk_kv, open_format, read_format
from op_program.host.kvstore.lmdb_store import LmdbKV
from op_program.host.kvstore.memory import MemoryKV
from op_program.host.kvstore.split import SplitKV

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
