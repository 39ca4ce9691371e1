"""Derivation stages, named as in the spec (specs/protocol/derivation.md, "Architecture").

Innermost first: L1 traversal, L1 retrieval (data sources), frame queue, channel bank or (from
Holocene) channel assembler, channel reader, batch queue or (from Holocene) batch stream and
batch validator, attributes queue.
"""
