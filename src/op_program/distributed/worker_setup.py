"""Set-up run by Dask in every local worker process as it starts (a Dask "preload" module).

Why: Ctrl-C on a terminal sends SIGINT to the whole foreground process group, worker processes
included. The driver handles it (cancels the tasks, keeps finished results, closes the cluster);
a worker that got it too would die with a KeyboardInterrupt traceback on the terminal in the
middle of that clean stop. So local workers ignore SIGINT and are stopped by their nanny.
"""

import signal
import threading


def dask_setup(worker: object) -> None:
    """Ignore SIGINT in this worker process (Dask calls this hook by name)."""
    del worker
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
