"""Where the room put each item in a 2x2 matrix, and which quadrant that is. Pure; pandas only.

Placements are raw axis values from 1 (the axis's ``low`` word) to 5 (its ``high`` word). The
quadrants are named as DRAWN on screen, so for Ressourceforbrug (drawn with Høj on the left,
``matrix.x.reversed``) a low value lies to the right: top_right is high effect at low cost.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from fea_core.method import Matrix
from fea_core.model import Item

# The table's order: the priority quadrant first, the "Ikke relevant" one last.
QUADRANT_ORDER = ("top_right", "top_left", "bottom_right", "bottom_left")
POSITION_COLUMNS = [
    "item_id", "number", "text", "x_mean", "y_mean", "x_std", "y_std", "n", "quadrant", "quadrant_label", "score",
]
# Means of whole numbers are fractions; treat a float a hair off the mid-line as on it.
ON_LINE = 1e-9


def classify(x: float, y: float, matrix: Matrix, low: int = 1, high: int = 5) -> str:
    """Return the quadrant a position lies in as drawn: top_right, top_left, bottom_right or bottom_left.

    ``y`` above the mid-line is top. ``x`` above the mid-line is right on a normal axis and
    left on a reversed one (``matrix.x.reversed``), as the axis is drawn mirrored.

    A value exactly ON a mid-line counts to the less favourable side, bottom or left: an item
    is in the priority quadrant (top_right) only when the room put it clearly there, and the
    centre point (3, 3) is bottom_left ("Ikke relevant").
    """
    mid = (low + high) / 2
    top = y - mid > ON_LINE
    right = (mid - x if matrix.x.reversed else x - mid) > ON_LINE
    return f"{'top' if top else 'bottom'}_{'right' if right else 'left'}"


def favourability(x: float, y: float, matrix: Matrix, low: int = 1, high: int = 5) -> float:
    """Return the distance from the least favourable (bottom-left as drawn) corner; larger is better."""
    across = (high - x) if matrix.x.reversed else (x - low)
    return math.hypot(across, y - low)


def positions(
    items: Sequence[Item], placements: pd.DataFrame, matrix: Matrix, *, low: int = 1, high: int = 5
) -> pd.DataFrame:
    """Return one row per item, by number: mean and spread of its placements and its quadrant.

    ``placements`` has columns item_id, participant_id, x, y (``placement.placement_rows``);
    placements of items not in ``items`` are ignored. An item nobody placed yet has n = 0, NaN
    means, quadrant None and quadrant_label "". The spread (standard deviation) is NaN for
    n < 2. ``score`` is ``favourability`` of the mean, which ``ranking`` sorts by.
    """
    ordered = sorted(items, key=lambda i: i.number)
    base = pd.DataFrame(
        {
            "item_id": pd.Series([i.id for i in ordered], dtype="int64"),
            "number": pd.Series([i.number for i in ordered], dtype="int64"),
            "text": pd.Series([i.text for i in ordered], dtype="object"),
        }
    )
    rows = placements[placements["item_id"].isin(base["item_id"])]
    grouped = rows.groupby("item_id")
    stats = pd.DataFrame(
        {
            "x_mean": grouped["x"].mean(),
            "y_mean": grouped["y"].mean(),
            "x_std": grouped["x"].std(ddof=1),  # NaN for n < 2: one phone has no spread
            "y_std": grouped["y"].std(ddof=1),
            "n": grouped["x"].count(),
        }
    )
    frame = base.join(stats, on="item_id")
    frame["item_id"] = frame["item_id"].astype("int64")
    for column in ("x_mean", "y_mean", "x_std", "y_std"):
        frame[column] = frame[column].astype("float64")
    frame["n"] = frame["n"].fillna(0).astype("int64")
    placed = frame["n"] > 0
    quadrant = [
        classify(x, y, matrix, low, high) if ok else None
        for x, y, ok in zip(frame["x_mean"], frame["y_mean"], placed)
    ]
    frame["quadrant"] = pd.Series(quadrant, index=frame.index, dtype="object")
    frame["quadrant_label"] = pd.Series(
        [matrix.quadrants.get(q, "") if q else "" for q in quadrant], index=frame.index, dtype="object"
    )
    frame["score"] = pd.Series(
        [favourability(x, y, matrix, low, high) if ok else math.nan
         for x, y, ok in zip(frame["x_mean"], frame["y_mean"], placed)],
        index=frame.index,
        dtype="float64",
    )
    return frame[POSITION_COLUMNS]


def ranking(positions: pd.DataFrame) -> pd.DataFrame:
    """Return the positions sorted for the table: by quadrant, most favourable first, unplaced last.

    Quadrants go top_right, top_left, bottom_right, bottom_left; within one, the item farthest
    from the least favourable corner comes first (problem matrix: many affected and large
    consequences; solution matrix: high effect and low resource use). Ties go by number.
    """
    order = {q: i for i, q in enumerate(QUADRANT_ORDER)}
    keyed = positions.assign(
        _quadrant=positions["quadrant"].map(lambda q: order.get(q, len(order))).astype("int64"),
        _score=positions["score"].fillna(-1.0),
    )
    ranked = keyed.sort_values(["_quadrant", "_score", "number"], ascending=[True, False, True], kind="stable")
    return ranked.drop(columns=["_quadrant", "_score"]).reset_index(drop=True)
