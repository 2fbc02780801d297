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


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """Return an orthonormal basis of the null space of ``matrix`` as columns."""
    if matrix.shape[0] == 0:
        return np.eye(matrix.shape[1])
    matrix = np.unique(matrix, axis=0)  # a set shown twice adds nothing
    _, singular, vt = np.linalg.svd(matrix, full_matrices=matrix.shape[0] < matrix.shape[1])
    tol = 1e-9 * max(1.0, float(singular[0]) if len(singular) else 1.0)
    rank = int((singular > tol).sum())
    return vt[rank:].T


def _isolates(null: np.ndarray, sizes: np.ndarray, smallest: int) -> bool:
    """Return whether the known sums (the null space's complement) isolate a class, or a pair of
    classes, smaller than ``smallest`` together.

    A combination supported on a group of classes Q is known exactly when the null space's rows
    for Q are linearly dependent: a zero row for one class, parallel rows for two.
    """
    norms = (null * null).sum(axis=1)
    if ((norms < 1e-12) & (sizes < smallest)).any():
        return True
    pair = np.flatnonzero(sizes < smallest)
    if len(pair) < 2:
        return False
    rows = null[pair]
    gram = rows @ rows.T
    scale = np.outer(norms[pair], norms[pair])
    small = np.add.outer(sizes[pair], sizes[pair]) < smallest
    np.fill_diagonal(small, False)
    return bool(((scale - gram * gram <= 1e-9 * scale) & small).any())


class _Knowledge:
    """What is known about one factor's answers at one level (people or numbers): the sums of
    every set shown, as a null space over classes of answers that are in exactly the same sets.

    Adding a set only narrows the null space (one small SVD), so a release with a long history
    costs a few matrix products per cell, not a decomposition of the whole history.
    """

    def __init__(self, sets: Sequence[frozenset], earlier: Sequence[frozenset]):
        every = [s for s in list(earlier) + list(sets) if s]
        universe = sorted(set().union(*every), key=repr) if every else []
        index = {v: i for i, v in enumerate(universe)}
        membership = np.zeros((len(every), len(universe)), dtype=bool)
        for r, s in enumerate(every):
            membership[r, [index[v] for v in s]] = True
        # Finer classes than a subset of the sets needs are harmless: a known combination is
        # constant over answers that the subset cannot tell apart.
        columns, inverse, counts = (np.unique(membership, axis=1, return_inverse=True, return_counts=True)
                                    if len(universe) else (np.zeros((len(every), 0), dtype=bool), [], np.zeros(0)))
        self.sizes = np.asarray(counts, dtype=int)
        self._index, self._class = index, np.asarray(inverse).reshape(-1)
        self._rows = columns.astype(float)
        n_earlier = len([s for s in earlier if s])
        self.null = _null_space(self._rows[:n_earlier])

    def row(self, cell: frozenset) -> np.ndarray:
        """Return a set as a row over the classes."""
        row = np.zeros(len(self.sizes))
        if cell:
            row[np.unique(self._class[[self._index[v] for v in cell]])] = 1.0
        return row

    def narrowed(self, null: np.ndarray, cell: frozenset) -> np.ndarray:
        """Return the null space once ``cell``'s sum is known too."""
        if not cell or null.shape[1] == 0:
            return null
        r = self.row(cell) @ null  # the new sum, in the coordinates of what is still unknown
        length = float(np.sqrt(r @ r))
        if length < 1e-9:
            return null  # already known: nothing new
        # A Householder reflection takes e1 to r/|r|; its other columns span what r leaves unknown.
        v = r / length
        v[0] -= 1.0
        vv = float(v @ v)
        if vv < 1e-18:
            return null[:, 1:]
        return null[:, 1:] - np.outer(null @ v, v[1:]) * (2.0 / vv)

    def fresh(self) -> np.ndarray:
        """Return the null space when nothing has been shown yet."""
        return np.eye(len(self.sizes))


def pins_few(cells: Sequence[frozenset], smallest: int = MIN_ANSWERS) -> bool:
    """Return whether sums and differences of these sets can isolate fewer than ``smallest`` elements.

    Tried: every class of elements in exactly the same sets, and every pair of classes, smaller
    than ``smallest`` together; for the rule's 3 that is every set of 1 or 2 elements (a larger
    threshold is checked as far as pairs of classes).
    """
    cells = [c for c in cells if c]
    if not cells:
        return False
    known = _Knowledge(cells, ())
    null = known.fresh()
    for c in cells:
        null = known.narrowed(null, c)
    return _isolates(null, known.sizes, smallest)


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
    only while the cells kept so far, with every earlier one, isolate no set of fewer than
    ``smallest`` answers, over the people and over the numbers.
    """
    earlier = earlier or {}
    status: dict[tuple[str, str], str] = {}
    kept: dict[str, tuple[ShownCell, ...]] = {}
    order = {g: i for i, g in enumerate(groups)}
    for factor, by_key in _cells_by_factor(rows, groups).items():
        before = list(earlier.get(factor, ()))
        levels = [
            _Knowledge([c.people for c in by_key.values()], [c.people for c in before]),
            _Knowledge([c.numbers for c in by_key.values()], [c.numbers for c in before]),
        ]
        with_before = [k.null for k in levels]
        alone = [k.fresh() for k in levels] if before else with_before
        chosen: list[ShownCell] = []
        candidates = [ALL] + sorted((k for k in by_key if k != ALL), key=lambda k: (-len(by_key[k].people), order[k]))
        for key in candidates:
            cell = by_key.get(key)
            if cell is None or not cell.people:
                continue
            if len(cell.people) < smallest or 0 < len(cell.numbers) < smallest:
                status[(key, factor)] = FEW
                continue
            parts = (cell.people, cell.numbers)
            tried = [k.narrowed(n, p) for k, n, p in zip(levels, with_before, parts)]
            if not any(_isolates(n, k.sizes, smallest) for k, n in zip(levels, tried)):
                status[(key, factor)] = SHOWN
                chosen.append(cell)
                with_before = tried
                alone = [k.narrowed(n, p) for k, n, p in zip(levels, alone, parts)] if before else tried
                continue
            # Withheld; say why: by itself with this round's other cells, or only against earlier ones.
            by_itself = [k.narrowed(n, p) for k, n, p in zip(levels, alone, parts)] if before else tried
            derivable = any(_isolates(n, k.sizes, smallest) for k, n in zip(levels, by_itself))
            status[(key, factor)] = DERIVABLE if derivable else CHANGED
        kept[factor] = tuple(chosen)
    return Decisions(status=status, cells=kept)


def shown_figure(value: float) -> float:
    """Return a statistic as it may leave the server: rounded to the shown precision (NaN stays NaN)."""
    return float("nan") if value is None or pd.isna(value) else round(float(value), DECIMALS)
