"""host/rpc."""
