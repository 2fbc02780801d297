"""Pure summaries of the room's answers, for the shared screen and the exports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from fea_core.method import Factor

ALL_GROUP = "all"
# A breakdown with fewer answers than this could point at a person: it is never shown.
MIN_GROUP_SIZE = 3
# A spread (standard deviation on the 1-5 scale) this wide means the room disagrees.
DISAGREEMENT_STD = 1.0

PROFILE_COLUMNS = ["group_key", "group", "factor", "label", "mean", "std", "n", "dont_know"]


@dataclass(frozen=True)
class CompetenceSummary:
    """The competence round summed up: a profile per visible group and the talking points."""

    profile: pd.DataFrame
    respondents: int
    hidden_groups: tuple[str, ...]
    talking_points: tuple[str, ...]
    # True when every group profile was withheld because the room minus the shown groups
    # would leave 1-2 people whose answers could be worked out by subtraction.
    breakdown_withheld: bool = False


def _factor_stats(rows: pd.DataFrame, factors: Sequence[Factor]) -> pd.DataFrame:
    keys = [f.key for f in factors]
    grouped = rows.groupby("factor")["value"]
    stats = pd.DataFrame(
        {
            "mean": grouped.mean(),
            "std": grouped.std(ddof=1),  # NaN for n < 2, which is what we want
            "n": grouped.count(),
            "dont_know": grouped.size() - grouped.count(),
        }
    ).reindex(keys)
    stats["n"] = stats["n"].fillna(0).astype(int)
    stats["dont_know"] = stats["dont_know"].fillna(0).astype(int)
    stats["label"] = [f.label for f in factors]
    return stats.rename_axis("factor").reset_index()


def competence_summary(
    rows: pd.DataFrame,
    factors: Sequence[Factor],
    *,
    all_label: str,
    role_labels: Mapping[str, str],
    min_group_size: int = MIN_GROUP_SIZE,
    max_talking_points: int = 2,
) -> CompetenceSummary:
    """Summarise ratings rows (participant_id, role, factor, value; NaN = "Ved ikke").

    The whole room is always the first group. A role gets its own profile only when at
    least ``min_group_size`` participants of that role answered, and within it a factor's
    mean is shown only when at least that many gave a number. If the people outside the
    shown groups number 1 or 2, no group is shown at all: the room's mean minus the
    groups' means would reveal their answers.
    """
    frames = []
    overall = _factor_stats(rows, factors)
    overall.insert(0, "group", all_label)
    overall.insert(0, "group_key", ALL_GROUP)
    frames.append(overall)

    hidden = []
    respondents_by_role = rows.groupby("role", dropna=True)["participant_id"].nunique()
    for role_key, label in role_labels.items():
        count = int(respondents_by_role.get(role_key, 0))
        if count == 0:
            continue
        if count < min_group_size:
            hidden.append(role_key)
            continue
        stats = _factor_stats(rows[rows["role"] == role_key], factors)
        too_few = stats["n"] < min_group_size
        stats.loc[too_few, ["mean", "std"]] = float("nan")
        stats.insert(0, "group", label)
        stats.insert(0, "group_key", role_key)
        frames.append(stats)

    shown_respondents = sum(int(respondents_by_role[f["group_key"].iloc[0]]) for f in frames[1:])
    remainder = int(rows["participant_id"].nunique()) - shown_respondents
    withheld = len(frames) > 1 and 0 < remainder < min_group_size
    if withheld:
        frames = frames[:1]
    profile = pd.concat(frames, ignore_index=True)[PROFILE_COLUMNS]
    disagreement = overall[(overall["n"] >= min_group_size) & (overall["std"] >= DISAGREEMENT_STD)]
    talking = disagreement.sort_values("std", ascending=False, kind="stable")["factor"]
    return CompetenceSummary(
        profile=profile,
        respondents=int(rows["participant_id"].nunique()),
        hidden_groups=tuple(hidden),
        talking_points=tuple(talking.head(max_talking_points)),
        breakdown_withheld=withheld,
    )
