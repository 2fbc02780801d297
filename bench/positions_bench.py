"""Benchmark of the quadrant positions: 10,000 placements of 50 items (what the shared screen's
matrix and the export compute). Goal: under 1 s (median of the runs), on a quiet machine.

    python bench/positions_bench.py            # 7 runs
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402

from fea_core.method import load_method  # noqa: E402
from fea_core.model import Item  # noqa: E402
from fea_core.quadrants import positions, ranking  # noqa: E402

BUDGET = 1.0  # seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    now = datetime(2025, 3, 14, tzinfo=UTC)
    items = [Item(100 + n, 1, "problem", n, f"Item {n}", None, False, None, now) for n in range(1, 51)]
    rows = pd.DataFrame([(101 + (k % 50), k // 50, 1 + k % 5, 1 + (k // 5) % 5) for k in range(10_000)],
                        columns=["item_id", "participant_id", "x", "y"]).astype("float64").astype(
        {"item_id": "int64", "participant_id": "int64"})
    matrix = load_method("da").solution_matrix
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        ranked = ranking(positions(items, rows, matrix))
        timings.append(time.perf_counter() - started)
    assert ranked["n"].sum() == 10_000
    median = statistics.median(timings)
    print(f"positions + ranking, 10,000 placements: median {median * 1000:.0f} ms, "
          f"max {max(timings) * 1000:.0f} ms ({'within' if median < BUDGET else 'OVER'} the {BUDGET:.0f} s goal)")
    return 0 if median < BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
