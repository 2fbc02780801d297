"""Pure summaries of the room's answers, for the shared screen and the exports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from fea_core.disclosure import CHANGED, DERIVABLE, MIN_ANSWERS, Decisions, decide, shown_figure
from fea_core.method import Factor

ALL_GROUP = "all"
# A set with fewer answers than this could point at a person: it is never shown (fea_core.disclosure).
MIN_GROUP_SIZE = MIN_ANSWERS
# A spread (standard deviation on the 1-5 scale) this wide means the room disagrees.
DISAGREEMENT_STD = 1.0

PROFILE_COLUMNS = ["group_key", "group", "factor", "label", "mean", "std", "n", "dont_know", "withheld"]


@dataclass(frozen=True)
class CompetenceSummary:
    """The competence round summed up: only figures the disclosure rule lets out, and the talking points.

    ``profile`` has the whole room first (every factor), then each group with at least one shown
    factor. A withheld cell has no mean, spread or counts (NaN / NA) and says why in ``withheld``
    (``disclosure.FEW``, ``DERIVABLE`` or ``CHANGED``; None when shown).
    """

    profile: pd.DataFrame
    respondents: int
    hidden_groups: tuple[str, ...]  # groups with 1-2 people: never shown
    talking_points: tuple[str, ...]
    # Groups with enough people that are withheld for at least one factor because, with the other
    # figures (or the screen's earlier state), they would reveal someone's answers.
    withheld_groups: tuple[str, ...] = ()
    # Why each of them is withheld: disclosure.DERIVABLE (room minus group) or CHANGED (against
    # what the screen showed before); DERIVABLE wins when both apply.
    withheld_reasons: Mapping[str, str] = field(default_factory=dict)

    @property
    def breakdown_withheld(self) -> bool:
        """Return whether some group had enough people but was withheld to stop a subtraction."""
        return bool(self.withheld_groups)

    @property
    def groups_shown(self) -> bool:
        """Return whether any group has a shown figure."""
        return bool((self.profile["group_key"] != ALL_GROUP).any()) if len(self.profile) else False


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


def disclosed_stats(rows: pd.DataFrame, factors: Sequence[Factor], key: str, decisions: Decisions) -> pd.DataFrame:
    """Return one set's per-factor figures as they may be shown: rounded, withheld cells emptied.

    A factor nobody in the set answered keeps n = 0 and no mean; it reveals nothing.
    """
    stats = _factor_stats(rows, factors)
    reasons = [decisions.reason(key, f) for f in stats["factor"]]
    shown = [decisions.shown(key, f) for f in stats["factor"]]
    stats["mean"] = [shown_figure(v) if ok else float("nan") for v, ok in zip(stats["mean"], shown)]
    stats["std"] = [shown_figure(v) if ok else float("nan") for v, ok in zip(stats["std"], shown)]
    stats["n"] = pd.array([int(v) if ok or r is None else None for v, ok, r in zip(stats["n"], shown, reasons)],
                          dtype="Int64")
    stats["dont_know"] = pd.array(
        [int(v) if ok or r is None else None for v, ok, r in zip(stats["dont_know"], shown, reasons)], dtype="Int64")
    stats["withheld"] = pd.array(reasons, dtype="object")
    return stats


def competence_summary(
    rows: pd.DataFrame,
    factors: Sequence[Factor],
    *,
    all_label: str,
    role_labels: Mapping[str, str],
    min_group_size: int = MIN_GROUP_SIZE,
    max_talking_points: int = 2,
    decisions: Decisions | None = None,
) -> CompetenceSummary:
    """Summarise ratings rows (participant_id, role, factor, value; NaN = "Ved ikke") as they may be shown.

    Which figures are shown is ``fea_core.disclosure``'s decision (pass ``decisions`` when it was
    made earlier, e.g. by a release of a live round); the whole room is always the first set.
    """
    if decisions is None:
        decisions = decide(rows, list(role_labels), smallest=min_group_size)
    overall = disclosed_stats(rows, factors, ALL_GROUP, decisions)
    overall.insert(0, "group", all_label)
    overall.insert(0, "group_key", ALL_GROUP)
    frames = [overall]

    hidden, withheld, why = [], [], {}
    respondents_by_role = rows.groupby("role", dropna=True)["participant_id"].nunique()
    for role_key, label in role_labels.items():
        count = int(respondents_by_role.get(role_key, 0))
        if count == 0:
            continue
        if count < min_group_size:
            hidden.append(role_key)
            continue
        stats = disclosed_stats(rows[rows["role"] == role_key], factors, role_key, decisions)
        reasons = set(stats["withheld"].dropna())
        if reasons & {DERIVABLE, CHANGED}:
            withheld.append(role_key)
            why[role_key] = DERIVABLE if DERIVABLE in reasons else CHANGED
        if not any(decisions.shown(role_key, f.key) for f in factors):
            continue
        stats.insert(0, "group", label)
        stats.insert(0, "group_key", role_key)
        frames.append(stats)

    profile = pd.concat(frames, ignore_index=True)[PROFILE_COLUMNS]
    shown_room = overall[overall["withheld"].isna() & (overall["n"].fillna(0) >= min_group_size)]
    disagreement = shown_room[shown_room["std"] >= DISAGREEMENT_STD]
    talking = disagreement.sort_values("std", ascending=False, kind="stable")["factor"]
    return CompetenceSummary(
        profile=profile,
        respondents=int(rows["participant_id"].nunique()),
        hidden_groups=tuple(hidden),
        talking_points=tuple(talking.head(max_talking_points)),
        withheld_groups=tuple(withheld),
        withheld_reasons=why,
    )
