"""Reads every phone of a workshop shares, done once per workshop revision instead of once per phone.

A step change answers every phone's held poll with its new state within a second
(fea_core/phone_state.py): 200 phones would read the same items, decisions and handleplan 200
times. The workshop's ``revision`` moves on every write to it (fea_core/storage.py Store.write),
so a value read at one revision is the value of every read at that revision: it is kept until the
revision moves, then read again. Each phone still reads the workshop row itself (that is where
the revision comes from) and its own answers.

A hand-written memo rather than functools.lru_cache or st.cache_data: the key must follow the
workshop's revision and be dropped, not kept, once the revision moves, and fea_core never
imports streamlit.
"""

from __future__ import annotations

import threading
from typing import Callable, TypeVar
from weakref import WeakKeyDictionary

from fea_core.model import Workshop

T = TypeVar("T")
WORKSHOPS_MAX = 256  # workshops remembered per store; more and all are forgotten (read again)

_lock = threading.Lock()
# store -> workshop id -> ((revision, created_at), {what: value}). Per store: one process may
# serve several databases (the tests do), and workshop ids repeat across databases.
_kept: WeakKeyDictionary = WeakKeyDictionary()


def read_once(store, workshop: Workshop, what: tuple, read: Callable[[], T]) -> T:
    """Return ``read()`` for ``what`` at ``workshop``'s revision, reading it only once per revision.

    ``workshop`` must be fresh from the database (its revision is the key). Callers treat the
    value as read-only: it is shared by every phone of the workshop.
    """
    version = (workshop.revision, workshop.created_at)
    with _lock:
        entry = _kept.get(store, {}).get(workshop.id)
        if entry is not None and entry[0] == version and what in entry[1]:
            return entry[1][what]
    value = read()  # outside the lock: phones of other workshops need not wait for this read
    with _lock:
        workshops = _kept.setdefault(store, {})
        entry = workshops.get(workshop.id)
        if entry is not None and entry[0][1] == version[1] and entry[0][0] > version[0]:
            return value  # a phone that read an older revision: the newer one stays kept
        if entry is None or entry[0] != version:
            if entry is None and len(workshops) >= WORKSHOPS_MAX:
                workshops.clear()
            entry = workshops[workshop.id] = (version, {})
        entry[1][what] = value
    return value
