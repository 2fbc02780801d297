"""Keep the server's memory flat under a busy room (glibc's malloc; elsewhere nothing happens).

Streamlit runs every script run in a new thread, and glibc gives threads malloc arenas of their
own (up to 8 per core), returning freed memory to the system only from the top of each. So the
process's RSS creeps up with fragmentation while the Python heap stays flat (tracemalloc over a
200-phone run: +0.3 MiB of Python objects between minutes 2 and 6, RSS +40 MiB). Two arenas and
a regular malloc_trim give the freed pages back, and Arrow allocates with malloc too instead of
keeping a pool of its own. FEA_MALLOC_TUNING=off leaves malloc and Arrow alone.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import time

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2
TRIM_EVERY_SECONDS = 30.0

log = logging.getLogger(__name__)
_started = threading.Event()


def _glibc():
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def _trim_forever(libc) -> None:
    while True:
        time.sleep(TRIM_EVERY_SECONDS)
        libc.malloc_trim(0)  # ctypes releases the GIL: script runs go on meanwhile


def tune() -> bool:
    """Limit malloc's arenas and trim freed memory regularly; return whether glibc was tuned."""
    if os.environ.get("FEA_MALLOC_TUNING", "").strip().lower() in ("off", "0", "false", "no"):
        return False
    if _started.is_set():
        return True
    libc = _glibc()
    if libc is None:
        return False
    if not libc.mallopt(M_ARENA_MAX, ARENAS):
        log.warning("mallopt(M_ARENA_MAX) refused; memory may creep up under load")
        return False
    _started.set()
    _arrow_on_malloc()
    threading.Thread(target=_trim_forever, args=(libc,), name="fea-malloc-trim", daemon=True).start()
    return True


def _arrow_on_malloc() -> None:
    # Streamlit hands every chart's and table's data over as Arrow, and Arrow allocates from its
    # own pool (mimalloc here), which keeps freed pages for itself: the arena limit and the
    # trims above never see them. Measured with bench/load.py --phones 200 --duration 180:
    # RSS +13.4 % after loading with Arrow's pool, +10.1 % with the system's malloc.
    # ARROW_DEFAULT_MEMORY_POOL, when an operator sets it, is left to decide.
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        import pyarrow
    except ImportError:  # Streamlit needs it; without it there is no Arrow memory to place
        return
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
