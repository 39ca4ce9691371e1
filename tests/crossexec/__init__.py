"""Cross-execution: other implementations judge blocks our executor built."""
