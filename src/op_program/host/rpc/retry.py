"""Retrying RPC work with exponential backoff (the reference host's retrying sources).

Spec: fault-proof/index.md, "Host" (the host fetches on demand). Unlike the reference, which
retries forever, attempts are bounded so a dead or lying node ends in a clear error. Every
failed attempt is logged at warn level with the delay before the next one. Each source has its
own policy whose ``endpoint`` names it (``L1 https://host``, scheme and host only, see
op_program.redact), so a failure says which node failed without showing its key.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from op_program.host.errors import (
    FetchedDataError,
    RPCDeadlineError,
    RPCError,
    RPCResponseError,
    RPCResponseTooLargeError,
)
from op_program.redact import redact_urls_in

T = TypeVar("T")

NOT_RETRYABLE_CODES = frozenset((-32601, -32602))
"""JSON-RPC "method not found" and "invalid params": asking again cannot help."""

_log = logging.getLogger("op_program.host.rpc")


def is_retryable(exc: Exception) -> bool:
    """Whether a failed attempt may succeed when repeated."""
    if isinstance(exc, RPCResponseError) and exc.code in NOT_RETRYABLE_CODES:
        return False
    if isinstance(exc, RPCResponseTooLargeError | RPCDeadlineError):
        # The same reply again, as large or as slow: only more memory and time (issue 11).
        # Stalls shorter than the deadline end as read timeouts, which are retried.
        return False
    return isinstance(exc, RPCError | FetchedDataError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to repeat a failing fetch."""

    max_attempts: int = 8
    base_delay: float = 0.1
    max_delay: float = 10.0
    sleep: Callable[[float], None] = time.sleep
    endpoint: str = ""
    """Which node this policy fetches from, already redacted (e.g. ``L1 https://host``)."""

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))

    def run(self, what: str, fn: Callable[[], T]) -> T:
        """Call ``fn`` until it succeeds, a non-retryable error occurs or attempts run out.

        Raises:
            RPCError: the last error, wrapped with ``what`` and the attempt count.
            FetchedDataError: when the node kept answering with data that fails its check.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except (RPCError, FetchedDataError) as exc:
                if not is_retryable(exc) or attempt >= self.max_attempts:
                    raise _final(self.endpoint, what, attempt, exc) from exc
                wait = self.delay(attempt)
                _log.warning("Fetch failed, retrying endpoint=%s what=%s attempt=%d/%d "
                             "delay=%.2fs err=%s", self.endpoint or "-", what, attempt,
                             self.max_attempts, wait, redact_urls_in(str(exc)))
                self.sleep(wait)


def _final(endpoint: str, what: str, attempts: int, exc: Exception) -> Exception:
    where = f"{endpoint}: " if endpoint else ""
    message = f"{where}{what} failed after {attempts} attempt(s): {redact_urls_in(str(exc))}"
    if isinstance(exc, FetchedDataError):
        return FetchedDataError(message)
    if isinstance(exc, RPCResponseError):
        return RPCResponseError(message, exc.code)
    if isinstance(exc, RPCResponseTooLargeError | RPCDeadlineError):
        return type(exc)(message)
    return RPCError(message)
