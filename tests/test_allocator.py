"""ui/server/allocator.py: glibc's malloc is limited to two arenas and trimmed regularly, unless switched off."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROBE = (
    "import threading; from ui.server import allocator; first = allocator.tune(); second = allocator.tune(); "
    "trimmers = [t for t in threading.enumerate() if t.name == 'fea-malloc-trim']; "
    "import pyarrow; arrow = pyarrow.default_memory_pool().backend_name; "
    "print(first, second, len(trimmers), all(t.daemon for t in trimmers), arrow == 'system')"
)


def _probe(**env) -> list[str]:
    # A fresh interpreter each time: the tuning is once per process, as in the server.
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, check=True,
    )
    return result.stdout.split()


def test_on_glibc_the_server_tunes_malloc_once_with_one_daemon_trimming_thread():
    assert _probe(FEA_MALLOC_TUNING="", ARROW_DEFAULT_MEMORY_POOL="") == ["True", "True", "1", "True", "True"]


def test_fea_malloc_tuning_off_leaves_malloc_alone():
    assert _probe(FEA_MALLOC_TUNING="off", ARROW_DEFAULT_MEMORY_POOL="") == ["False", "False", "0", "True", "False"]


def test_an_operators_arrow_pool_is_left_to_decide():
    # Arrow reads ARROW_DEFAULT_MEMORY_POOL itself; the tuning does not override it.
    assert _probe(FEA_MALLOC_TUNING="", ARROW_DEFAULT_MEMORY_POOL="mimalloc") == ["True", "True", "1", "True", "False"]


@pytest.mark.parametrize("entry_file", ["app.py", "serve.py"])
def test_the_entry_tunes_the_allocator_and_turns_nagle_off_before_it_builds_the_app(entry_file):
    source = (REPO / entry_file).read_text(encoding="utf-8")
    assert source.index("entry.tune_process()") < source.index("st.App(")
    tuning = (REPO / "ui" / "server" / "entry.py").read_text(encoding="utf-8")
    body = tuning.split("def tune_process", 1)[1].split("\ndef ", 1)[0]
    assert "allocator.tune()" in body and "tcp_nodelay.enable()" in body
