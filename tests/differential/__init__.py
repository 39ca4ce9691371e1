"""Random-program differential testing: our executor against anvil (revm, op-revm)."""
