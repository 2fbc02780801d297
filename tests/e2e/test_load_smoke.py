"""A small load smoke test in the normal run: 20 real Streamlit sessions for 10 s, no errors.

The phones rate, send problems and place them while the bench moves the room through the
three steps; a simulated shared screen is logged in and ticks.

The full benchmark (bench/load.py, 100-400 phones, minutes) is run by hand; see README "Performance".
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.e2e.conftest import REPO


def test_twenty_phones_through_three_steps_for_ten_seconds_see_no_errors_and_every_answer_is_saved():
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
    # The facilitator moved the room twice (rating -> trin 1 -> trin 2): every phone followed.
    changes = re.search(r"step changes: (\d+) switches, (\d+) phone updates", run.stdout)
    assert changes and (int(changes[1]), int(changes[2])) == (2, 40), run.stdout
    steps = re.search(r"interactions by step: (.*);", run.stdout)[1]
    assert {"rate", "items", "place"} <= {part.split()[0] for part in steps.split(", ")}, run.stdout
    screen = re.search(r"shared screen: (\d+) live-fragment runs", run.stdout)
    assert screen and int(screen[1]) >= 5, run.stdout  # about one a second while logged in
