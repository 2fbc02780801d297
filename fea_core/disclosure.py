"""Which rating figures may be shown: statistical disclosure control for the competence round.

One rule for every screen and export. A *cell* is the figures (mean, spread, n, "Ved ikke")
of one set of answers for one factor: the whole room, or one group. A shown cell tells its
sum, its sum of squares and its counts; any sum or difference of shown cells tells the same
about the set it adds up to. So a cell is shown only when

1. its own set has at least ``MIN_ANSWERS`` numbers and at least that many people (primary
   suppression), and
2. no combination of the cells shown with it, now or in an earlier state of the same screen,
   adds up to a set of 1 or 2 answers (complementary suppression): not the room minus a
   group, not the room before and after a late answer, not an answer before and after it was
   replaced. This is checked twice: over the numbers (their values), and over the people
   (whether they said "Ved ikke").

Shown figures are rounded to ``DECIMALS`` in the data itself, so no chart or tooltip carries
more than its label. The check treats shown figures as exact anyway: with small rooms a mean
to one decimal times n gives the sum exactly.

Written by hand: the usual SDC packages (sdcMicro, tau-Argus) are R/Java tools for tables
published once, not a few lines to call per screen refresh from Python.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

ALL = "all"  # the whole room's set key (aggregate.ALL_GROUP)
MIN_ANSWERS = 3
DECIMALS = 1

SHOWN = "shown"
FEW = "few_answers"  # the set itself has fewer than 3 numbers or people
DERIVABLE = "derivable"  # with the other shown figures it would reveal fewer than 3 answers
CHANGED = "changed"  # with what the screen showed before it would reveal the newest answers
REASONS = (FEW, DERIVABLE, CHANGED)

Var = Hashable  # one answer: (participant id, version of their answers)


@dataclass(frozen=True)
class ShownCell:
    """A cell as it was shown: its people and which of them gave a number (sets of answer ids)."""

    people: frozenset
    numbers: frozenset


@dataclass(frozen=True)
class Decisions:
    """For each (set key, factor): SHOWN or the reason it is withheld; and the cells shown."""

    status: Mapping[tuple[str, str], str]
    cells: Mapping[str, tuple[ShownCell, ...]] = field(default_factory=dict)  # factor -> shown cells

    def shown(self, key: str, factor: str) -> bool:
        """Return whether this set's figures for this factor may be shown."""
        return self.status.get((key, factor)) == SHOWN

    def reason(self, key: str, factor: str) -> str | None:
        """Return why this set's figures are withheld, or None when shown or when the set is empty."""
        value = self.status.get((key, factor))
        return None if value in (None, SHOWN) else value


def _rank(matrix: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(matrix)) if matrix.size else 0


def pins_few(cells: Sequence[frozenset], smallest: int = MIN_ANSWERS) -> bool:
    """Return whether sums and differences of these sets can isolate fewer than ``smallest`` elements.

    Knowing the sum over each set, any linear combination of the sets is known too. Elements
    in exactly the same sets can never be told apart, so the combinations live on classes of
    such elements; a combination is supported on a group of classes Q exactly when leaving Q's
    columns out lowers the rank. It is enough to try every class and every pair of classes
    whose sizes add up to less than ``smallest``.
    """
    cells = [c for c in cells if c]
    if not cells:
        return False
    signature: dict[Var, tuple[bool, ...]] = {}
    for var in set().union(*cells):
        signature[var] = tuple(var in c for c in cells)
    classes: dict[tuple[bool, ...], int] = {}
    for sig in signature.values():
        classes[sig] = classes.get(sig, 0) + 1
    sigs = list(classes)
    matrix = np.array([[1.0 if s[row] else 0.0 for s in sigs] for row in range(len(cells))])
    full = _rank(matrix)
    small = [i for i, s in enumerate(sigs) if classes[s] < smallest]
    groups = [(i,) for i in small]
    groups += [(i, j) for i, j in combinations(small, 2) if classes[sigs[i]] + classes[sigs[j]] < smallest]
    for group in groups:
        rest = np.delete(matrix, list(group), axis=1)
        if _rank(rest) < full:
            return True
    return False


def _var(row) -> Var:
    version = getattr(row, "version", None)
    return row.participant_id if version is None else (row.participant_id, version)


def _cells_by_factor(rows: pd.DataFrame, groups: Sequence[str]) -> dict[str, dict[str, ShownCell]]:
    """Return {factor: {set key: its people and numbers}} for the room and each group with answers."""
    out: dict[str, dict[str, dict[str, set]]] = {}
    for row in rows.itertuples(index=False):
        var = _var(row)
        keys = [ALL] + ([row.role] if row.role in groups else [])
        by_key = out.setdefault(row.factor, {})
        for key in keys:
            cell = by_key.setdefault(key, {"people": set(), "numbers": set()})
            cell["people"].add(var)
            if not (row.value is None or (isinstance(row.value, float) and math.isnan(row.value))):
                cell["numbers"].add(var)
    return {
        f: {k: ShownCell(frozenset(c["people"]), frozenset(c["numbers"])) for k, c in by_key.items()}
        for f, by_key in out.items()
    }


def decide(
    rows: pd.DataFrame,
    groups: Sequence[str],
    *,
    earlier: Mapping[str, Sequence[ShownCell]] | None = None,
    smallest: int = MIN_ANSWERS,
) -> Decisions:
    """Decide, per factor, which cells of these ratings rows may be shown.

    :param rows: participant_id, role, factor, value (NaN = "Ved ikke"), optionally version
        (the same participant with another version is another answer: a replaced one).
    :param groups: the group keys that get their own cell, in order of preference on ties.
    :param earlier: per factor, every cell shown before in this round (they stay known).
    The whole room goes first, then the groups from the largest down: one more cell is kept
    only while the cells kept so far still isolate no set of fewer than ``smallest`` answers.
    """
    earlier = earlier or {}
    status: dict[tuple[str, str], str] = {}
    kept: dict[str, tuple[ShownCell, ...]] = {}
    order = {g: i for i, g in enumerate(groups)}
    for factor, by_key in _cells_by_factor(rows, groups).items():
        before = list(earlier.get(factor, ()))
        chosen: list[ShownCell] = []
        candidates = [ALL] + sorted((k for k in by_key if k != ALL), key=lambda k: (-len(by_key[k].people), order[k]))
        for key in candidates:
            cell = by_key.get(key)
            if cell is None or not cell.people:
                continue
            if len(cell.people) < smallest or 0 < len(cell.numbers) < smallest:
                status[(key, factor)] = FEW
                continue
            trial = chosen + [cell]
            if _pins(trial, smallest):
                status[(key, factor)] = DERIVABLE
            elif _pins(before + trial, smallest):
                status[(key, factor)] = CHANGED
            else:
                status[(key, factor)] = SHOWN
                chosen.append(cell)
        kept[factor] = tuple(chosen)
    return Decisions(status=status, cells=kept)


def _pins(cells: Sequence[ShownCell], smallest: int) -> bool:
    return pins_few([c.people for c in cells], smallest) or pins_few([c.numbers for c in cells], smallest)


def shown_figure(value: float) -> float:
    """Return a statistic as it may leave the server: rounded to the shown precision (NaN stays NaN)."""
    return float("nan") if value is None or pd.isna(value) else round(float(value), DECIMALS)
