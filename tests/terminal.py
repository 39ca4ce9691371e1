"""Running a command on a pseudo-terminal, as a person at a terminal would (progress tests)."""

import os
import pty
import select
import subprocess
from collections.abc import Sequence


def run_on_terminal(argv: Sequence[str], timeout: float = 300) -> tuple[int, str]:
    """Run ``argv`` with stdin, stdout and stderr on one pty; return its exit code and output."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "160"}
    child = subprocess.Popen(list(argv), stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif child.poll() is not None:
                break
        code = child.wait(timeout=timeout)
    finally:
        os.close(master)
        if child.poll() is None:
            child.kill()
    return code, b"".join(chunks).decode("utf-8", errors="replace")
