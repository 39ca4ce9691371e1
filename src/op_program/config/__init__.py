"""Configuration: hardforks, rollup config, chain configs and the known-network registry.

Spec: specs/protocol/configurability.md. Import from the submodules (``config.rollup``,
``config.rollup_json``, ``config.chain_config``, ``config.registry``, ``config.hardforks``).
"""
