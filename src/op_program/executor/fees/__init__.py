"""fees: the OP Stack fees on top of EIP-1559 (L1 data fee, operator fee; exec-engine.md#fees)."""
