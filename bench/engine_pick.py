"""Pick the distributed engine: Dask (distributed) vs Ray, on this machine, two workers.

Run once per engine, each in its own fresh virtualenv holding only that engine (the install's
size and time are measured by hand, see docs/verify-range.md):

    python -m venv /tmp/vdask && /tmp/vdask/bin/pip install dask==2026.8.0 distributed==2026.8.0
    python -m venv /tmp/vray && /tmp/vray/bin/pip install ray==2.60.0
    /tmp/vdask/bin/python bench/engine_pick.py dask
    /tmp/vray/bin/python bench/engine_pick.py ray

Prints JSON: import and start-up seconds (until two warm-up tasks returned), per-task overhead
(a no-op task one at a time, and 400 at once), the speed-up of 8 CPU-bound tasks on the two
workers, the resident memory of the process tree, and the shutdown time.
"""

import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

T0 = time.perf_counter()
N = 400


def tree_rss_mb() -> tuple[float, int]:
    """Resident memory (MB) and process count of this process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    total_kb, count, stack = 0, 0, [os.getpid()]
    while stack:
        pid = stack.pop()
        count += 1
        try:
            with open(f"/proc/{pid}/status") as status:
                total_kb += sum(int(line.split()[1]) for line in status
                                if line.startswith("VmRSS:"))
        except OSError:
            pass
        stack.extend(children.get(pid, []))
    return total_kb / 1024, count


def noop(value: int) -> int:
    return value


def burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def _dask() -> tuple[float, Callable[..., list[Any]], Callable[..., list[Any]], Callable[[], None]]:
    from distributed import Client, LocalCluster  # type: ignore[import-not-found,unused-ignore]

    imported = time.perf_counter() - T0
    cluster: Any = LocalCluster(  # type: ignore[no-untyped-call,unused-ignore]
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client: Any = Client(cluster)  # type: ignore[no-untyped-call,unused-ignore]

    def batch(fn: Callable[[int], int], args: list[int]) -> list[Any]:
        return list(client.gather(client.map(fn, args, pure=False)))

    def one_by_one(fn: Callable[[int], int], args: list[int]) -> list[Any]:
        return [client.submit(fn, a, pure=False).result() for a in args]

    def stop() -> None:
        client.close()
        cluster.close()

    return imported, batch, one_by_one, stop


def _ray() -> tuple[float, Callable[..., list[Any]], Callable[..., list[Any]], Callable[[], None]]:
    import ray  # type: ignore[import-not-found,unused-ignore]

    imported = time.perf_counter() - T0
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    remote = {noop: ray.remote(noop), burn: ray.remote(burn)}

    def batch(fn: Callable[[int], int], args: list[int]) -> list[Any]:
        return list(ray.get([remote[fn].remote(a) for a in args]))

    def one_by_one(fn: Callable[[int], int], args: list[int]) -> list[Any]:
        return [ray.get(remote[fn].remote(a)) for a in args]

    return imported, batch, one_by_one, ray.shutdown


def main() -> None:
    engine = sys.argv[1]
    began = time.perf_counter()
    imported, batch, one_by_one, stop = _dask() if engine == "dask" else _ray()
    batch(noop, list(range(4)))
    out: dict[str, Any] = {"engine": engine, "import_s": imported,
                           "start_s": time.perf_counter() - began - imported}
    t = time.perf_counter()
    one_by_one(noop, list(range(N)))
    out["round_trip_ms"] = (time.perf_counter() - t) / N * 1000
    t = time.perf_counter()
    batch(noop, list(range(N)))
    out["batched_task_ms"] = (time.perf_counter() - t) / N * 1000
    t = time.perf_counter()
    burn(3_000_000)
    single = time.perf_counter() - t
    t = time.perf_counter()
    batch(burn, [3_000_000] * 8)
    out["speedup_2_workers"] = 8 * single / (time.perf_counter() - t)
    out["rss_mb"], out["processes"] = tree_rss_mb()
    t = time.perf_counter()
    stop()
    out["stop_s"] = time.perf_counter() - t
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}))


if __name__ == "__main__":
    main()
