"""Serving one client's hint and preimage channels, and judging whether it reached a verdict.

Spec: fault-proof/index.md, "Pre-image communication" and "Hinting". Preimages are served in
the calling thread (so a signal interrupts it, see :mod:`op_program.shutdown`), hints in a
daemon thread. A client that disconnects in the middle of a request, or that could not be
served, has not judged the claim: only a client that exited 0 or 1 after being served to the
end, and after reading the claim (local key 3, which every client reads in its prologue: it
cannot judge a claim it never saw), gives a verdict the host may pass on (DESIGN §5).
"""

import contextlib
import logging
import signal
import threading

from op_program.exit_codes import ExitCode
from op_program.host.prefetcher import Prefetcher
from op_program.local_keys import LocalKey
from op_program.preimage.errors import ChannelClosedError
from op_program.preimage.keys import local_key
from op_program.preimage.process import ChannelPair
from op_program.preimage.server import HintServer, OracleServer
from op_program.shutdown import Interrupted

CLAIM_KEY = local_key(int(LocalKey.CLAIMED_OUTPUT_ROOT))
HINT_THREAD_JOIN_SECONDS = 5.0

_log = logging.getLogger("op_program.host")


class ClaimWatch:
    """The prefetcher as a client sees it, noting whether the claim (local key 3) was read."""

    __slots__ = ("_prefetcher", "claim_read")

    def __init__(self, prefetcher: Prefetcher) -> None:
        self._prefetcher = prefetcher
        self.claim_read = False

    def get(self, key: bytes) -> bytes:
        """Return the prefetcher's preimage of ``key``."""
        if key == CLAIM_KEY:
            self.claim_read = True
        return self._prefetcher.get(key)

    def hint(self, hint: str) -> None:
        """Pass ``hint`` to the prefetcher."""
        self._prefetcher.hint(hint)


class ChannelService:
    """Serves one client's channels until it closes them."""

    __slots__ = ("_channels", "_hint_thread", "oracle", "watch")

    def __init__(self, channels: ChannelPair, prefetcher: Prefetcher) -> None:
        self._channels = channels
        self.watch = ClaimWatch(prefetcher)
        self.oracle = OracleServer(channels.preimage)
        self._hint_thread = threading.Thread(
            target=self._serve_hints, name="hint-server", daemon=True)

    def _serve_hints(self) -> None:
        with contextlib.suppress(ChannelClosedError):
            HintServer(self._channels.hint).serve(self.watch.hint)

    def serve(self) -> bool:
        """Serve until the client closes; True when it closed cleanly between requests.

        Raises:
            KeyboardInterrupt: a signal arrived (``oracle.idle`` tells whether the server
                was idle); the channels are closed.
        """
        self._hint_thread.start()
        try:
            self.oracle.serve(self.watch.get)
        except ChannelClosedError as exc:
            _log.error("Client disconnected in the middle of a request err=%s", exc)
            return False
        except Exception as exc:  # noqa: BLE001 - server loop: report, close, let the client fail
            _log.error("Cannot serve preimage err=%s", exc)
            return False
        finally:
            self.close()
        self._hint_thread.join(timeout=HINT_THREAD_JOIN_SECONDS)
        return True

    def close(self) -> None:
        """Close the host's ends: the client sees end of stream (idempotent)."""
        self._channels.close()


def signal_name(exc: KeyboardInterrupt) -> str:
    """Name the signal behind ``exc`` (a bare KeyboardInterrupt is Python's SIGINT)."""
    return exc.name if isinstance(exc, Interrupted) else signal.SIGINT.name


def judge_client(code: int | None, served: bool, claim_read: bool) -> int:
    """Return the host's exit code for a client that ended with ``code``.

    Args:
        code: the client's exit code (negative: killed by that signal; None: unknown).
        served: whether every request was answered until the client closed its channels.
        claim_read: whether the client asked for the claim (local key 3).
    """
    if code is None or code < 0:
        what = "unknown" if code is None else signal.Signals(-code).name
        _log.error("Client was killed before a verdict signal=%s", what)
        return int(ExitCode.ERROR)
    if code not in (ExitCode.VALID, ExitCode.INVALID):
        _log.error("Client failed code=%d", code)
        return int(ExitCode.ERROR)
    if not served:
        _log.error("Client exited code=%d but was not served to the end: not a verdict", code)
        return int(ExitCode.ERROR)
    if not claim_read:
        _log.error("Client exited code=%d without reading the claim (local key 3): "
                   "not a verdict", code)
        return int(ExitCode.ERROR)
    return code
