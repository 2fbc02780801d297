"""The competence rated again: the profile before and now, and the change per factor.

Pure functions from rating rows (``competence.rating_rows``) to a comparison. The anonymity
threshold applies to each time on its own: a time with fewer than ``MIN_GROUP_SIZE`` people
answering is not drawn, and a factor with fewer than that many numbers has no mean that time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from fea_core.aggregate import MIN_GROUP_SIZE, PROFILE_COLUMNS, _factor_stats
from fea_core.method import Factor

BEFORE, NOW = "before", "now"
CHANGE_COLUMNS = ["factor", "label", "mean_before", "mean_now", "change", "n_before", "n_now"]


@dataclass(frozen=True)
class CompetenceChange:
    """Two times of the same group's competence rating, side by side."""

    profile: pd.DataFrame  # PROFILE_COLUMNS, group_key "before"/"now": only times that may be shown
    table: pd.DataFrame  # CHANGE_COLUMNS, one row per factor in the model's order
    respondents_before: int
    respondents_now: int

    @property
    def before_shown(self) -> bool:
        """Return whether the earlier time had enough people answering to be shown."""
        return self.respondents_before >= MIN_GROUP_SIZE

    @property
    def now_shown(self) -> bool:
        """Return whether this time had enough people answering to be shown."""
        return self.respondents_now >= MIN_GROUP_SIZE


def _time(rows: pd.DataFrame, factors: Sequence[Factor], key: str, label: str, min_size: int) -> pd.DataFrame:
    stats = _factor_stats(rows, factors)
    stats.loc[stats["n"] < min_size, ["mean", "std"]] = float("nan")
    stats.insert(0, "group", label)
    stats.insert(0, "group_key", key)
    return stats[PROFILE_COLUMNS]


def competence_change(
    before: pd.DataFrame,
    now: pd.DataFrame,
    factors: Sequence[Factor],
    *,
    before_label: str,
    now_label: str,
    min_group_size: int = MIN_GROUP_SIZE,
) -> CompetenceChange:
    """Compare two rating rounds (rows: participant_id, role, factor, value; NaN = "Ved ikke").

    The change is now minus before, only where both times show a mean.
    """
    n_before = int(before["participant_id"].nunique())
    n_now = int(now["participant_id"].nunique())
    b = _time(before, factors, BEFORE, before_label, min_group_size)
    a = _time(now, factors, NOW, now_label, min_group_size)
    if n_before < min_group_size:
        b[["mean", "std"]] = float("nan")
    if n_now < min_group_size:
        a[["mean", "std"]] = float("nan")
    table = pd.DataFrame(
        {
            "factor": b["factor"].to_numpy(),
            "label": b["label"].to_numpy(),
            "mean_before": b["mean"].to_numpy(dtype="float64"),
            "mean_now": a["mean"].to_numpy(dtype="float64"),
            "n_before": b["n"].to_numpy(),
            "n_now": a["n"].to_numpy(),
        }
    )
    table["change"] = table["mean_now"] - table["mean_before"]
    shown = [frame for frame, n in ((b, n_before), (a, n_now)) if n >= min_group_size]
    profile = pd.concat(shown, ignore_index=True) if shown else pd.DataFrame(columns=PROFILE_COLUMNS)
    return CompetenceChange(
        profile=profile,
        table=table[CHANGE_COLUMNS],
        respondents_before=n_before,
        respondents_now=n_now,
    )
