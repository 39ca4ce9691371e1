"""Errors shared by the protocol codecs: the decode-error base every protocol decoder subclasses.

Spec: DESIGN §7 (hostile input raises a typed error, never a foreign exception). Other
protocol modules (frames, batches, channels, L1-info, deposits) define their own subclasses of
``ProtocolDecodeError`` so callers can catch one family for hostile input.
"""

from op_program.errors import DecodeError


class ProtocolDecodeError(DecodeError):
    """Bytes that do not decode as the protocol structure they claim to be."""


class HeaderDecodeError(ProtocolDecodeError):
    """A block header that is not a canonical RLP header list (or a malformed RPC header)."""


class TransactionDecodeError(ProtocolDecodeError):
    """A transaction that is not a canonical EIP-2718 envelope of a known type."""


class InvalidSignatureError(ProtocolDecodeError):
    """A transaction signature whose values are out of range or that recovers no public key."""


class ReceiptDecodeError(ProtocolDecodeError):
    """A receipt that is not a canonical EIP-2718 receipt envelope of a known type."""


class OutputRootDecodeError(ProtocolDecodeError):
    """An output-root preimage of the wrong length or an unknown version."""
