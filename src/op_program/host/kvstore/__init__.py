"""host/kvstore."""
