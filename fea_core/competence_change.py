"""The competence rated again: the profile before and now, and the change per factor.

Pure functions from rating rows (``competence.rating_rows``, or a release's rows) to a comparison.
Each time's whole-room figures go through ``fea_core.disclosure`` like every other screen: a time
with fewer than ``MIN_GROUP_SIZE`` people answering is not drawn, a factor with fewer than that
many numbers has no mean that time, and a live round shows only its released answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from fea_core.aggregate import ALL_GROUP, MIN_GROUP_SIZE, PROFILE_COLUMNS, disclosed_stats
from fea_core.disclosure import Decisions, decide
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
        """Return whether the earlier time has a figure that may be shown."""
        return bool(self.table["mean_before"].notna().any())

    @property
    def now_shown(self) -> bool:
        """Return whether this time has a figure that may be shown."""
        return bool(self.table["mean_now"].notna().any())


def _time(rows: pd.DataFrame, factors: Sequence[Factor], key: str, label: str, min_size: int,
          decisions: Decisions | None) -> pd.DataFrame:
    if decisions is None:
        decisions = decide(rows, (), smallest=min_size)
    stats = disclosed_stats(rows, factors, ALL_GROUP, decisions)
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
    before_decisions: Decisions | None = None,
    now_decisions: Decisions | None = None,
) -> CompetenceChange:
    """Compare two rating rounds (rows: participant_id, role, factor, value; NaN = "Ved ikke").

    The change is now minus before, only where both times show a mean (both already rounded).
    Pass a release's decisions for a time whose round was shown live (``fea_core.release``).
    """
    n_before = int(before["participant_id"].nunique())
    n_now = int(now["participant_id"].nunique())
    b = _time(before, factors, BEFORE, before_label, min_group_size, before_decisions)
    a = _time(now, factors, NOW, now_label, min_group_size, now_decisions)
    table = pd.DataFrame(
        {
            "factor": b["factor"].to_numpy(),
            "label": b["label"].to_numpy(),
            "mean_before": b["mean"].to_numpy(dtype="float64"),
            "mean_now": a["mean"].to_numpy(dtype="float64"),
            "n_before": b["n"].array,
            "n_now": a["n"].array,
        }
    )
    table["change"] = (table["mean_now"] - table["mean_before"]).round(1)
    shown = [frame for frame in (b, a) if frame["mean"].notna().any()]
    profile = pd.concat(shown, ignore_index=True) if shown else pd.DataFrame(columns=PROFILE_COLUMNS)
    return CompetenceChange(
        profile=profile,
        table=table[CHANGE_COLUMNS],
        respondents_before=n_before,
        respondents_now=n_now,
    )
