"""Command line: the op-program host flags, the subcommands and logging setup (DESIGN §8).

Spec: the reference op-program host's flags (optimism ``op-program/host/flags``) and
fault-proof/index.md ("Host"). ``cli.main`` wires the ``<name>_cmd`` subcommand modules.
"""
