"""client: the fault proof program (spec: fault-proof/index.md, "Fault Proof Program").

Entry points: ``op_program.client.program.run(oracle, hinter) -> exit code`` (in process) and
``op_program.client.entrypoint.main`` (the ``op-program-client`` process on fds 3-6).
"""
