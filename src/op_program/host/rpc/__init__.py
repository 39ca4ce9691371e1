"""Node sources of the host: JSON-RPC and beacon clients, retries, L1/L2/beacon data.

Spec: fault-proof/index.md, "Hinting" (what each hint needs from which node).
"""
