"""Client dialects: how the fault proof clients this host can serve differ on the wire.

Spec: fault-proof/index.md, "Bootstrapping" (local keys), "Type 5: Global EIP-4844
Point-evaluation key" and "Precompile Accelerators". Three clients speak the same preimage
protocol but read different local keys and blob keys:

- ``op-program`` (this project's client and the current Go op-program): local keys 6 = L2
  chain config, 7 = rollup config, 9 = L1 chain config; blob field element ``i`` keyed by
  ``keccak256(commitment ‖ z_i)`` with ``z_i`` the bit-reversed root of unity.
- ``op-program-2024`` (the Go op-program client before the 2025 fix, e.g. v0.10.14): the same
  local keys, but field element ``i`` keyed by ``keccak256(commitment ‖ 24 zero bytes ‖ u64 i)``.
- ``kona`` (op-rs/kona's single-chain client): local keys 6 = rollup config, 7 = L1 chain config
  (kona-proof boot.rs ``L2_ROLLUP_CONFIG_KEY``/``L1_CONFIG_KEY``); roots-of-unity blob keys plus
  the blob's KZG proof at the key of index 4096; its ``l1-precompile`` hint is
  ``address ‖ u64 gas ‖ input`` (op-program's ``l1-precompile-v2`` layout).

The two blob schemes collide: ``z_0 = 1`` is the 32-byte value of index 1, so the key of the
first element under one scheme is the key of the second under the other, with a different value.
One store therefore cannot serve both schemes for the same blob; the host must be told which one
its client uses. A wrong choice never yields a verdict: a client that checks blobs against their
KZG commitment (ours does) fails on the mismatching element, and a missing key fails the run.
"""

from enum import StrEnum


class ClientDialect(StrEnum):
    """The wire dialect of the client the host serves (``--client.dialect``)."""

    OP_PROGRAM = "op-program"
    OP_PROGRAM_2024 = "op-program-2024"
    KONA = "kona"

    @property
    def blob_keys_by_index(self) -> bool:
        """Whether blob field elements are keyed by their index (pre-2025 op-program)."""
        return self is ClientDialect.OP_PROGRAM_2024


DIALECT_HELP = (
    "Wire dialect of the client being served: 'op-program' (default; this project's client and "
    "the current Go client: local keys 6 L2 chain config, 7 rollup config, 9 L1 chain config; "
    "blob elements keyed by root of unity), 'op-program-2024' (Go op-program client before "
    "2025: blob elements keyed by index), 'kona' (kona-client: local keys 6 rollup config, "
    "7 L1 chain config; l1-precompile hints carry the gas). Blob keys of the two schemes "
    "collide, so the host must know which one the client uses; a wrong choice ends in an "
    "error (exit 2), never in a verdict"
)
