"""A small in-memory rate limiter: at most N events per key in a sliding window.

Used to slow down guessing (join codes): each process keeps its own counts, nothing is
stored, and memory stays bounded however many keys an attacker invents.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterable

from fea_core.errors import TooManyAttempts

DEFAULT_MAX_KEYS = 10_000


class Throttle:
    """At most ``max_events`` events per key within any ``per_seconds`` window; thread-safe."""

    def __init__(self, max_events: int, per_seconds: float, *, max_keys: int = DEFAULT_MAX_KEYS):
        if max_events < 1 or per_seconds <= 0 or max_keys < 1:
            raise ValueError("max_events and max_keys must be at least 1, per_seconds positive")
        self.max_events = max_events
        self.per_seconds = float(per_seconds)
        self.max_keys = max_keys
        # key -> times of its recent events, oldest first; the dict itself in least-recent order.
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Record an event for key and return True, unless the key is at its limit (then False)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._recent(key, now)
            if events is not None and len(events) >= self.max_events:
                return False
            if events is None:
                self._make_room(now)
                events = self._events[key] = deque(maxlen=self.max_events)
            events.append(now)
            self._events.move_to_end(key)
            return True

    def retry_after(self, key: str, now: float | None = None) -> float:
        """Return the seconds until key may have another event (0.0 when it may now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._recent(key, now)
            if events is None or len(events) < self.max_events:
                return 0.0
            return max(0.0, events[0] + self.per_seconds - now)

    def __len__(self) -> int:
        """Return how many keys are remembered (for tests of the memory bound)."""
        with self._lock:
            return len(self._events)

    def _recent(self, key: str, now: float) -> deque[float] | None:
        # Drop the key's events that left the window; forget the key when none is left.
        events = self._events.get(key)
        if events is None:
            return None
        cutoff = now - self.per_seconds
        while events and events[0] <= cutoff:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def _make_room(self, now: float) -> None:
        if len(self._events) < self.max_keys:
            return
        cutoff = now - self.per_seconds
        for key in [k for k, ev in self._events.items() if ev[-1] <= cutoff]:
            del self._events[key]
        while len(self._events) >= self.max_keys:
            # Still full of live keys: forget the least recently active one. A global limit
            # next to a per-caller one keeps this from being a way around the throttle.
            self._events.popitem(last=False)


class Limits:
    """Several (throttle, key) pairs that one kind of attempt counts against, e.g. per session and per process."""

    def __init__(self, pairs: Iterable[tuple[Throttle, str]]):
        self.pairs = tuple(pairs)

    def wait(self, now: float | None = None) -> float:
        """Return the seconds until another attempt is allowed by every throttle (0.0: now)."""
        return max((throttle.retry_after(key, now) for throttle, key in self.pairs), default=0.0)

    def check(self, now: float | None = None) -> None:
        """Raise TooManyAttempts (with whole seconds to wait) while any throttle is at its limit."""
        wait = self.wait(now)
        if wait > 0:
            raise TooManyAttempts(seconds=max(1, math.ceil(wait)))

    def record_failure(self, now: float | None = None) -> None:
        """Count one failed attempt against every throttle."""
        for throttle, key in self.pairs:
            throttle.allow(key, now)
