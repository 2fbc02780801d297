"""Batched release of the competence round: what the screen and the exports may show of it.

While the round is open, the answers shown change only in steps of at least ``STEP`` phones
that answered or changed their answer since the last release; then, and when the round is
closed, everything passes through ``fea_core.disclosure`` with every cell shown earlier in the
round still counted as known, so neither a late answer nor a replaced one can be read off the
difference. With 1-2 changes after a release, closing the round keeps the last release: those
answers are held back (reopen the round for more answers to count them).

The release is kept in the database (table ``settings``, one row per workshop, deleted with
it), so every process and every export shows the same state. It is advanced only by a viewer
that shows results (``advance=True``); answers nobody has been shown are released at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, select, update

from fea_core import schema
from fea_core.competence import rating_rows
from fea_core.disclosure import ALL, SHOWN, Decisions, ShownCell, decide
from fea_core.method import load_method
from fea_core.model import ACTIVITY_COMPETENCE, Workshop
from fea_core.storage import Store

STEP = 3
ROW_COLUMNS = ["participant_id", "role", "factor", "value", "version"]
_S = schema.settings


def setting_key(workshop_id: int) -> str:
    """Return the settings key that holds a workshop's release."""
    return f"competence_release:{int(workshop_id)}"


@dataclass(frozen=True)
class Release:
    """The answers that may be summarised now, and what the disclosure rule decided for them."""

    rows: pd.DataFrame  # ROW_COLUMNS: the released answers
    decisions: Decisions
    waiting: int = 0  # phones that answered or changed since the release, not yet shown
    held_back: bool = False  # the round is closed and ``waiting`` answers stay out for good


def round_open(workshop: Workshop) -> bool:
    """Return whether phones can still answer the competence round."""
    return workshop.activity == ACTIVITY_COMPETENCE and workshop.activity_open and not workshop.is_ended


def _versions(rows: pd.DataFrame) -> dict[str, str]:
    if not len(rows):
        return {}
    latest = rows.groupby("participant_id")["version"].max()
    return {str(pid): str(v) for pid, v in latest.items()}


def changed(before: dict[str, str], now: dict[str, str]) -> int:
    """Return how many phones answered, changed their answer or left between two states."""
    return sum(1 for pid in before.keys() | now.keys() if before.get(pid) != now.get(pid))


def _var(pid, version) -> str:
    return f"{pid}|{version}"


def _encode(rows: pd.DataFrame, decisions: Decisions, history: dict, factors: Sequence[str]) -> str:
    """Return the release as text: its answers, its decisions, and the round's history of shown cells.

    The history keeps, per release, which answers were in it and which cells were shown, and per
    answer its group and which factors it gave a number for (never a replaced answer's values):
    enough to rebuild every cell the room has seen (``_earlier``).
    """
    ids = _ids(rows)
    known = history.setdefault("answers", {})
    for answer, part in ids.groupby("participant_id", sort=False):
        numeric = dict(zip(part["factor"], part["value"].notna()))
        role = part["role"].iloc[0]
        known[answer] = [None if pd.isna(role) else str(role), "".join("1" if numeric.get(f) else "0" for f in factors)]
    shown: dict[str, list[str]] = {}
    for (key, factor), state in decisions.status.items():
        if state == SHOWN:
            shown.setdefault(factor, []).append(key)
    history.setdefault("releases", []).append({"present": sorted(set(ids["participant_id"])), "shown": shown})
    history["factors"] = list(factors)
    data = {
        "rows": [[_json(v) for v in r] for r in rows[ROW_COLUMNS].itertuples(index=False, name=None)],
        "status": [[k, f, s] for (k, f), s in decisions.status.items()],
        "history": history,
    }
    return json.dumps(data, separators=(",", ":"))


def _json(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _decode(text: str) -> tuple[pd.DataFrame, Decisions, dict]:
    data = json.loads(text)
    rows = pd.DataFrame(data["rows"], columns=ROW_COLUMNS)
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce").astype("float64")
    status = {(k, f): s for k, f, s in data["status"]}
    return rows, Decisions(status=status), data.get("history", {})


def _earlier(history: dict) -> dict[str, list[ShownCell]]:
    """Rebuild every cell shown in the round so far, per factor, as sets of answer ids."""
    answers, factors = history.get("answers", {}), history.get("factors", [])
    column = {f: i for i, f in enumerate(factors)}
    out: dict[str, list[ShownCell]] = {}
    for release in history.get("releases", []):
        present = release["present"]
        for factor, keys in release["shown"].items():
            i = column.get(factor)
            for key in keys:
                people = frozenset(a for a in present if key == ALL or answers[a][0] == key)
                numbers = frozenset(a for a in people if i is not None and answers[a][1][i] == "1")
                out.setdefault(factor, []).append(ShownCell(people, numbers))
    return out


def _ids(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows whose answer ids are text "participant|version", as kept in the release."""
    ids = [_var(p, v) for p, v in zip(rows["participant_id"], rows["version"])]
    return rows.drop(columns="version").assign(participant_id=ids)


def _load(conn, workshop_id: int):
    text = conn.execute(select(_S.c.value).where(_S.c.key == setting_key(workshop_id))).scalar()
    return None if text is None else _decode(text)


def _save(conn, workshop_id: int, text: str, existed: bool) -> None:
    key = setting_key(workshop_id)
    if existed:
        conn.execute(update(_S).where(_S.c.key == key).values(value=text))
    else:
        conn.execute(_S.insert().values(key=key, value=text))


def _groups() -> list[str]:
    return [r.key for r in load_method().roles]


def _factors() -> list[str]:
    return [f.key for f in load_method().factors]


def _release(rows: pd.DataFrame, history: dict, groups: Sequence[str]) -> tuple[pd.DataFrame, Decisions]:
    decisions = decide(_ids(rows), groups, earlier=_earlier(history))
    return rows[ROW_COLUMNS].reset_index(drop=True), decisions


def released(store: Store, workshop: Workshop, *, advance: bool) -> Release:
    """Return the competence answers that may be shown now, releasing a new batch when one is due.

    :param advance: this caller shows results (a screen with results visible, an export); only
        such a caller moves the release on. Others get the last release as it stands.
    """
    groups = _groups()
    current = rating_rows(store, workshop.id)
    now = _versions(current)
    with store.read() as conn:
        stored = _load(conn, workshop.id)
    if stored is not None:
        rows, decisions, history = stored
        waiting = changed(_versions(rows), now)
        if waiting == 0:
            return Release(rows, decisions)
        due = waiting >= STEP
        if not due:
            return Release(rows, decisions, waiting=waiting, held_back=not round_open(workshop))
        if not advance:
            return Release(rows, decisions, waiting=waiting)
    elif not advance:
        empty = pd.DataFrame(columns=ROW_COLUMNS)
        return Release(empty, decide(empty, groups), waiting=len(now))
    if not now:
        empty = pd.DataFrame(columns=ROW_COLUMNS)
        return Release(empty, decide(empty, groups))
    # Due: release under the write lock, from what is stored then (another process may have been first).
    with store.write() as conn:
        stored = _load(conn, workshop.id)
        current = rating_rows_in(conn, workshop.id)
        history = stored[2] if stored is not None else {}
        if stored is not None:
            waiting = changed(_versions(stored[0]), _versions(current))
            if waiting < STEP:
                return Release(stored[0], stored[1], waiting=waiting, held_back=waiting > 0 and not round_open(workshop))
        rows, decisions = _release(current, history, groups)
        _save(conn, workshop.id, _encode(rows, decisions, history, _factors()), stored is not None)
    return Release(rows, decisions)


def rating_rows_in(conn, workshop_id: int) -> pd.DataFrame:
    """Return ``competence.rating_rows`` read on this connection (inside a transaction)."""
    return rating_rows(_OneConnection(conn), workshop_id)


class _OneConnection:
    """A store-like wrapper whose reads use one open connection (the release's write transaction)."""

    def __init__(self, conn):
        self._conn = conn

    def read(self):
        import contextlib

        return contextlib.nullcontext(self._conn)


def forget(conn, workshop_id: int) -> int:
    """Delete a workshop's release (its answers' copy); return the rows removed."""
    return conn.execute(delete(_S).where(_S.c.key == setting_key(workshop_id))).rowcount
