"""OP data types and codecs: frames, channels, batches, deposits, L1 info, upgrades, headers.

Spec: specs/protocol/derivation.md, deposits.md, system-config.md, predeploys.md and each
fork's ``derivation.md``; pure functions over bytes, no I/O. Import from the submodules.
"""
