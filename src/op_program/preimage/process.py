"""Client fds 3–6 and the processes wired to them (fault-proof/index.md, "Pre-image communication").

This is op-program's ``--exec`` wiring. The client process talks on fds 3 (hint read), 4 (hint
write), 5 (preimage read) and 6 (preimage write). The parent creates two crossed pipe pairs and maps
the client's ends onto those numbers in the child. Helpers here also pin processes to one CPU: a
pipe round trip between two processes on the same CPU is an order of magnitude cheaper (DESIGN §12).
"""

import fcntl
import os
import select
import signal
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from op_program.preimage.channel import FdChannel, new_pipe
from op_program.preimage.errors import ChannelSetupError

HINT_CLIENT_READ_FD = 3
HINT_CLIENT_WRITE_FD = 4
PREIMAGE_CLIENT_READ_FD = 5
PREIMAGE_CLIENT_WRITE_FD = 6


@dataclass(frozen=True, slots=True)
class ChannelPair:
    """The hint channel and the preimage channel of one side of the wire."""

    hint: FdChannel
    preimage: FdChannel

    def close(self) -> None:
        """Close both channels (the peer sees end of stream)."""
        self.hint.close()
        self.preimage.close()


def client_channels_from_fds() -> ChannelPair:
    """Return the channels on the inherited fds 3–6, set to blocking mode.

    Each descriptor must be open and be a pipe or a socket: a process started without them
    (for example ``op-program --server`` run by hand) would otherwise read or write whatever
    file happens to get those numbers.

    Raises:
        ChannelSetupError: a descriptor is missing or is not a pipe or socket.
    """
    fds = (HINT_CLIENT_READ_FD, HINT_CLIENT_WRITE_FD, PREIMAGE_CLIENT_READ_FD,
           PREIMAGE_CLIENT_WRITE_FD)
    for fd in fds:
        check_channel_fd(fd)
    for fd in fds:
        os.set_blocking(fd, True)  # a parent (e.g. a Go host) may have left them non-blocking
    return ChannelPair(
        hint=FdChannel(HINT_CLIENT_READ_FD, HINT_CLIENT_WRITE_FD),
        preimage=FdChannel(PREIMAGE_CLIENT_READ_FD, PREIMAGE_CLIENT_WRITE_FD),
    )


def check_channel_fd(fd: int) -> None:
    """Raise :class:`ChannelSetupError` unless ``fd`` is an open pipe or socket."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        raise ChannelSetupError(
            f"fd {fd} is not open ({exc.strerror}): the preimage channels need fds 3-6 wired "
            "to pipes by the parent process (a VM, or op-program --exec)") from None
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        raise ChannelSetupError(
            f"fd {fd} is a {file_kind(mode)}, not a pipe: the preimage channels need fds 3-6 "
            "wired to pipes by the parent process")


def file_kind(mode: int) -> str:
    """Name the kind of file ``mode`` describes (for error messages)."""
    kinds = ((stat.S_ISREG, "regular file"), (stat.S_ISDIR, "directory"),
             (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
             (stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISLNK, "symbolic link"))
    return next((name for test, name in kinds if test(mode)), "special file")


def spawn_with_fds(
    argv: Sequence[str],
    fd_map: Mapping[int, int],
    env: Mapping[str, str] | None = None,
) -> int:
    """Start ``argv`` with ``fd_map`` (child fd → parent fd) installed; return its pid.

    No other descriptor of the parent above 2 reaches the child (close-on-exec ones never do,
    inheritable ones are closed as subprocess's ``close_fds`` would). ``fd_map`` may also remap
    0–2 to redirect the child's stdio.
    """
    floor = max([*fd_map, 2]) + 1
    high: dict[int, int] = {}
    try:
        # Copy each source above every target first, so no dup2 overwrites a later source.
        for target, src in fd_map.items():
            high[target] = fcntl.fcntl(src, fcntl.F_DUPFD_CLOEXEC, floor)
        actions: list[tuple[int, ...]] = [
            (os.POSIX_SPAWN_CLOSE, fd) for fd in _inheritable_fds() if fd > 2
        ]
        actions += [(os.POSIX_SPAWN_DUP2, src, target) for target, src in high.items()]
        return os.posix_spawnp(
            argv[0],
            list(argv),
            dict(os.environ if env is None else env),
            file_actions=actions,
            # Python ignores SIGPIPE; give the child default dispositions as subprocess does.
            setsigdef=(signal.SIGPIPE, signal.SIGXFSZ),
        )
    finally:
        for fd in high.values():
            os.close(fd)


def _inheritable_fds() -> list[int]:
    """Return this process's open descriptors that an exec would pass on.

    Descriptors this process itself inherited without close-on-exec must not leak into the
    client.
    """
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return []  # no procfs: rely on close-on-exec alone
    found = []
    for name in names:
        fd = int(name)
        try:
            if os.get_inheritable(fd):
                found.append(fd)
        except OSError:
            continue  # closed meanwhile (e.g. the listing's own descriptor)
    return found


class ClientProcess:
    """A spawned client process and the host's ends of its hint and preimage channels."""

    __slots__ = ("channels", "pid", "returncode")

    def __init__(self, pid: int, channels: ChannelPair) -> None:
        self.pid = pid
        self.channels = channels
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """Return the exit code (negative signal number if killed) or None while running."""
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for exit; return its code, or None if ``timeout`` seconds passed first."""
        if self.returncode is None and timeout is not None:
            pidfd = os.pidfd_open(self.pid)
            try:
                poller = select.poll()
                poller.register(pidfd, select.POLLIN)
                if not poller.poll(int(timeout * 1000)):
                    return None
            finally:
                os.close(pidfd)
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        """Send SIGKILL unless the process was already reaped."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Send SIGTERM unless the process was already reaped."""
        self.send_signal(signal.SIGTERM)

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` unless the process was already reaped."""
        if self.returncode is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass  # already gone


def spawn_client(
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    stdio: Mapping[int, int] | None = None,
    cpu: int | None = None,
) -> ClientProcess:
    """Start a client process wired to fresh crossed pipes on its fds 3–6.

    Args:
        argv: the command line; ``argv[0]`` is looked up on PATH.
        env: the environment (default: this process's).
        stdio: optional remapping of the child's fds 0–2 (child fd → parent fd).
        cpu: when given, pin the child to this CPU (see :func:`pin_to_cpu`).

    Returns:
        The process handle; its ``channels`` are the host's ends, to serve with
        ``HintServer``/``OracleServer``. The child's ends are closed here, so the host sees end
        of stream when the child exits and the child sees it when the host closes its ends.
    """
    hint_host_read, hint_client_write = new_pipe()
    hint_client_read, hint_host_write = new_pipe()
    pre_host_read, pre_client_write = new_pipe()
    pre_client_read, pre_host_write = new_pipe()
    child_ends = {
        HINT_CLIENT_READ_FD: hint_client_read,
        HINT_CLIENT_WRITE_FD: hint_client_write,
        PREIMAGE_CLIENT_READ_FD: pre_client_read,
        PREIMAGE_CLIENT_WRITE_FD: pre_client_write,
    }
    channels = ChannelPair(
        hint=FdChannel(hint_host_read, hint_host_write),
        preimage=FdChannel(pre_host_read, pre_host_write),
    )
    try:
        pid = spawn_with_fds(argv, {**(stdio or {}), **child_ends}, env)
    except BaseException:
        channels.close()
        raise
    finally:
        for fd in child_ends.values():
            os.close(fd)
    if cpu is not None:
        try:
            pin_to_cpu(cpu, pid)
        except ProcessLookupError:
            pass  # it already exited; wait() reports how
    return ClientProcess(pid, channels)


def pin_to_cpu(cpu: int, pid: int = 0) -> None:
    """Restrict process ``pid`` (0: this one) to one CPU; no-op where affinity is unsupported."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(pid, {cpu})


def shared_cpu() -> int:
    """Return a CPU this process may run on, to pin a client and its host together."""
    if hasattr(os, "sched_getaffinity"):
        return min(os.sched_getaffinity(0))
    return 0
