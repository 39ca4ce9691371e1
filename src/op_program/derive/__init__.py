"""Derivation: the op-node pipeline from L1 data to L2 payload attributes.

Spec: specs/protocol/derivation.md and each fork's ``derivation.md``. Entry point:
``derive.pipeline.DerivationPipeline`` (driven by ``client/driver.py``), fed by the provider
Protocols of ``derive.providers``; stages live in ``derive.stages`` under their spec names and
report by raising the typed errors of ``derive.errors``.
"""
