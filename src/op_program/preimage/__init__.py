"""preimage."""
