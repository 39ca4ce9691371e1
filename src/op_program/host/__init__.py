"""The host: the preimage server side of the fault proof program (DESIGN §1, §2).

Spec: fault-proof/index.md, "Pre-image Oracle", "Hinting", "Bootstrapping". Entry point
``runner.run_host(HostConfig)``; the pieces: ``config`` (validated flags), ``kvstore``
(memory, op-program ``directory``/``file``, LMDB, split with the boot inputs), ``rpc`` (L1,
beacon and L2 sources with retries), ``hint_handlers`` (one function per hint),
``prefetcher`` (the last-hint loop), ``witness`` (JSON witness files).
"""
