"""The soak bench's memory trace (ui/server/memory_trace.py): off by default, and it names what grew."""

from __future__ import annotations

import asyncio
import tracemalloc

from ui.server import memory_trace


def test_nothing_is_traced_unless_asked(monkeypatch):
    monkeypatch.delenv("FEA_MEMORY_TRACE", raising=False)

    async def scenario():
        return memory_trace.start()

    assert asyncio.run(scenario()) is None
    assert not tracemalloc.is_tracing()


def test_the_trace_names_the_line_whose_allocations_grew_after_the_baseline(monkeypatch, tmp_path):
    report = tmp_path / "trace.txt"
    monkeypatch.setenv("FEA_MEMORY_TRACE", str(report))
    monkeypatch.setenv("FEA_MEMORY_TRACE_AFTER", "0")
    monkeypatch.setenv("FEA_MEMORY_TRACE_EVERY", "0.2")
    leak: list[bytes] = []

    async def scenario():
        task = memory_trace.start()
        await asyncio.sleep(0.3)  # the baseline is taken
        for _ in range(2000):
            leak.append(bytes(1024) + b"x")  # about 2 MiB that stay: what a soak looks for
        for _ in range(50):
            await asyncio.sleep(0.1)
            if report.exists() and "test_memory_trace.py" in report.read_text():
                break
        await memory_trace.stop(task)

    asyncio.run(scenario())
    text = report.read_text()
    assert text.startswith("traced heap ")
    first = text.splitlines()[1]
    assert "test_memory_trace.py" in first, text  # the biggest growth, and where it was allocated
    assert float(first.split()[0]) > 1500  # KiB: the ~2 MiB kept
    assert not tracemalloc.is_tracing()
