"""One precompile call as the tests compare it: success, output and gas used.

A precompile either returns its output or raises ``VMError`` (an exceptional halt that
consumes the call's gas); comparing these triples compares two implementations fully.
"""

from collections.abc import Callable
from typing import Any

from eth.exceptions import VMError

from op_program.executor.evm_backend.precompile_runner import _Call

Precompile = Callable[[Any], Any]


def outcome(precompile: Precompile, data: bytes) -> tuple[bool, bytes, int]:
    """Run ``precompile`` on ``data`` with ample gas: (succeeded, output, gas used)."""
    call = _Call(data, 10**12)
    try:
        precompile(call)
    except VMError:
        return False, b"", call.gas_used
    return True, bytes(call.output), call.gas_used
