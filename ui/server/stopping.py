"""Answer held polls at once when the server is told to stop (SIGTERM, Ctrl-C).

On a signal uvicorn stops accepting, then waits for every open request to end before it runs the
app's lifespan shutdown; a phone's poll held for ui/routes.HOLD_SECONDS made every restart wait
that long. So the lifespan's shutdown comes too late, and uvicorn has no public hook in between.
The signal itself is public: this puts a handler in front of uvicorn's that first tells the held
polls to answer (on the event loop), then calls uvicorn's handler, which does its usual work.
uvicorn puts its own handlers back when it stops, so nothing is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable

SIGNALS = (signal.SIGINT, signal.SIGTERM)  # the ones uvicorn handles
_log = logging.getLogger(__name__)


def on_stop_signal(release: Callable[[], None]) -> bool:
    """Call ``release`` on the running event loop when SIGINT or SIGTERM arrives, before the handler
    already installed; return False (and change nothing) where signals cannot be handled."""
    if threading.current_thread() is not threading.main_thread():
        return False  # Python lets only the main thread install signal handlers
    loop = asyncio.get_running_loop()
    for number in SIGNALS:
        previous = signal.getsignal(number)

        def handler(signum, frame, previous=previous):
            with contextlib.suppress(RuntimeError):  # the loop has already closed: nothing is held
                loop.call_soon_threadsafe(release)
            if callable(previous):
                previous(signum, frame)
            elif previous != signal.SIG_IGN:  # the default: do what it would have done
                signal.signal(signum, signal.SIG_DFL)
                signal.raise_signal(signum)

        signal.signal(number, handler)
    _log.debug("held polls are answered at once on SIGINT/SIGTERM")
    return True
