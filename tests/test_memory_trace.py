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


def traced_report(monkeypatch, tmp_path, after: str):
    """Ask for a trace (baseline per ``after``, a report every 0.2 s); return the report's path."""
    report = tmp_path / "trace.txt"
    monkeypatch.setenv("FEA_MEMORY_TRACE", str(report))
    monkeypatch.setenv("FEA_MEMORY_TRACE_AFTER", after)
    monkeypatch.setenv("FEA_MEMORY_TRACE_EVERY", "0.2")
    return report


async def until_reported(report, task) -> None:
    """Wait (up to 5 s) for a report naming this file's allocations; then stop the trace."""
    for _ in range(50):
        await asyncio.sleep(0.1)
        if report.exists() and "test_memory_trace.py" in report.read_text():
            break
    await memory_trace.stop(task)


def test_the_trace_names_the_line_whose_allocations_grew_after_the_baseline(monkeypatch, tmp_path):
    report = traced_report(monkeypatch, tmp_path, "0")
    leak: list[bytes] = []

    async def scenario():
        task = memory_trace.start()
        await asyncio.sleep(0.3)  # the baseline is taken
        for _ in range(2000):
            leak.append(bytes(1024) + b"x")  # about 2 MiB that stay: what a soak looks for
        await until_reported(report, task)

    asyncio.run(scenario())
    text = report.read_text()
    assert text.startswith("traced heap ")
    first = text.splitlines()[1]
    assert "test_memory_trace.py" in first, text  # the biggest growth, and where it was allocated
    assert float(first.split()[0]) > 1500  # KiB: the ~2 MiB kept
    assert not tracemalloc.is_tracing()


def test_with_after_loaded_the_baseline_waits_for_the_benchs_marker(monkeypatch, tmp_path):
    # The bench creates the marker the moment every phone has loaded: what grows from then on,
    # the first burst included, is in the report, and nothing before it.
    report = traced_report(monkeypatch, tmp_path, "loaded")
    before: list[bytes] = []
    after: list[bytes] = []

    async def scenario():
        task = memory_trace.start()
        await asyncio.sleep(0.5)
        assert not report.exists()  # no baseline without the marker
        before.extend(bytes(1024) + b"b" for _ in range(3000))  # loading: before the baseline
        memory_trace.loaded_marker(report).touch()
        await asyncio.sleep(0.6)  # the baseline is taken
        after.extend(bytes(1024) + b"a" for _ in range(1000))
        await until_reported(report, task)

    asyncio.run(scenario())
    first = report.read_text().splitlines()[1]
    assert "test_memory_trace.py" in first
    assert 700 < float(first.split()[0]) < 1500  # KiB: the ~1 MiB after the marker, not the ~3 MiB before
