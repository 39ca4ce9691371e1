"""Devnet: a local OP Stack chain (L1, L2 genesis, sequencer, batcher) for demos and e2e proofs.

Spec: specs/protocol/overview.md (the roles of sequencer, batcher and L1); DESIGN §3 ``devnet/``.
"""
