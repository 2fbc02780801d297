"""A small load smoke test in the normal run: 20 real Streamlit sessions for 10 s, no errors.

The full benchmark (bench/load.py, 100-400 phones, minutes) is run by hand; see README "Performance".
"""

from __future__ import annotations

import subprocess
import sys

from tests.e2e.conftest import REPO


def test_twenty_phones_rating_for_ten_seconds_see_no_errors_and_every_answer_is_saved():
    run = subprocess.run(
        [sys.executable, "bench/load.py", "--phones", "20", "--duration", "10", "--think", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("config"))
    row = lines[header + 1].split()
    config, phones, loaded, interactions, errors = row[0], int(row[1]), int(row[2]), int(row[3]), int(row[4])
    in_db = int(row[-1])
    assert (config, phones, loaded) == ("tuned", 20, 20), run.stdout
    assert errors == 0, run.stdout
    assert interactions >= 20, run.stdout  # every phone submitted at least once in 10 s
    assert in_db == 20, run.stdout
