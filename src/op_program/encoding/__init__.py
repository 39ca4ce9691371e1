"""Byte encodings: RLP, hex at the edges, fixed-width binary readers and the hash functions.

Spec: Ethereum yellow paper appendix B (RLP), FIPS 202 / Keccak (keccak256), FIPS 180-4
(sha256); DESIGN §7 (``bytes`` inside, hex only at the edges). Import from the submodules.
"""
