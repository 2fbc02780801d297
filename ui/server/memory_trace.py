"""A bench mode: where the server's Python heap grows during a soak (FEA_MEMORY_TRACE=<file>).

Off unless the variable is set: tracemalloc costs CPU and memory of its own, so a soak's RSS
figure is measured without it and this mode says *what* grows. When set, tracemalloc starts with
the server (10 frames per allocation); the baseline snapshot is taken FEA_MEMORY_TRACE_AFTER
seconds in (default 60), or with "loaded" when the bench says every phone has loaded (a
file beside the report, loaded_marker()), and every FEA_MEMORY_TRACE_EVERY seconds
(default 60) the file is rewritten with the traced heap's total and the 25 places whose
allocations grew most since the baseline. `bench/load.py --memory-trace FILE` sets it.
"""

from __future__ import annotations

import asyncio
import os
import time
import tracemalloc
from pathlib import Path

TOP = 25
# Allocations of the tracer and of this module's own snapshots are not the app's growth.
_FILTERS = (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>"))


def _report(baseline: tracemalloc.Snapshot, since: float) -> str:
    now = tracemalloc.take_snapshot().filter_traces(_FILTERS)
    total = sum(stat.size for stat in now.statistics("filename"))
    base_total = sum(stat.size for stat in baseline.statistics("filename"))
    lines = [f"traced heap {base_total / 2**20:.1f} MiB at the baseline -> {total / 2**20:.1f} MiB "
             f"after {time.monotonic() - since:.0f} s more; top {TOP} growth by place (traceback's last app frame):"]
    for stat in now.compare_to(baseline, "traceback")[:TOP]:
        frames = [f for f in stat.traceback if "site-packages" not in f.filename] or list(stat.traceback)
        where = f"{frames[-1].filename}:{frames[-1].lineno}"
        inner = f"{stat.traceback[-1].filename}:{stat.traceback[-1].lineno}"
        lines.append(f"{stat.size_diff / 1024:>+10.1f} KiB {stat.count_diff:>+8d} blocks  {where}  (allocated in {inner})")
    return "\n".join(lines) + "\n"


def loaded_marker(path: Path) -> Path:
    """The file whose appearance takes the baseline (FEA_MEMORY_TRACE_AFTER=loaded): the bench
    creates it the moment every phone has loaded, so the baseline is not a guess of seconds."""
    return path.with_name(path.name + ".loaded")


async def _trace(path: Path, after: float | None, every: float) -> None:
    if after is None:
        while not loaded_marker(path).exists():
            await asyncio.sleep(0.2)
    else:
        await asyncio.sleep(after)
    baseline = await asyncio.to_thread(lambda: tracemalloc.take_snapshot().filter_traces(_FILTERS))
    since = time.monotonic()
    while True:
        await asyncio.sleep(every)
        path.write_text(await asyncio.to_thread(_report, baseline, since), encoding="utf-8")


def start() -> asyncio.Task | None:
    """Start tracing when FEA_MEMORY_TRACE names a file; None (and nothing traced) otherwise."""
    target = os.environ.get("FEA_MEMORY_TRACE")
    if not target:
        return None
    tracemalloc.start(10)
    wait = os.environ.get("FEA_MEMORY_TRACE_AFTER", "60").strip()
    after = None if wait == "loaded" else float(wait)
    every = float(os.environ.get("FEA_MEMORY_TRACE_EVERY", "60"))
    return asyncio.get_running_loop().create_task(_trace(Path(target), after, every), name="fea-memory-trace")


async def stop(task: asyncio.Task | None) -> None:
    if task is None:
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    tracemalloc.stop()
