"""The competence round on the shared screen: radar, numbers and talking points."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fea_core import release
from fea_core.aggregate import ALL_GROUP, CompetenceSummary, competence_summary
from fea_core.charts import radar_spec
from fea_core.competence import count_respondents
from fea_core.disclosure import CHANGED, DERIVABLE, FEW
from fea_core.export.common import count, number
from fea_core.method import load_method
from fea_core.model import Workshop
from fea_core.release import Release
from fea_core.workshops import get_workshop
from fea_core.i18n import translate
from ui import competence_compare
from ui.context import language, store, t
from ui.key_table import key_table


@st.cache_data(max_entries=128, show_spinner=False)
def summary_at(workshop_id: int, revision: int, lang: str) -> tuple[CompetenceSummary, dict, dict | None, Release]:
    """Return the released summary, the radar specs (whole room, by group) and the release, at one revision.

    Cached by revision: computed once per change per process, shared by every viewer. Only a
    screen that shows results moves the release on (fea_core.release); the revision changes
    when results are shown or hidden, so this is asked again then.
    """
    m = load_method(lang)
    workshop = get_workshop(store(), workshop_id)
    released = release.released(store(), workshop, advance=workshop.results_visible)
    summary = competence_summary(
        released.rows,
        m.factors,
        all_label=translate(lang, "competence.all"),
        role_labels={r.key: r.label for r in m.roles},
        decisions=released.decisions,
    )
    titles = {
        "factor": translate(lang, "competence.factor"),
        "group": translate(lang, "competence.group"),
        "mean": translate(lang, "competence.mean"),
        "std": translate(lang, "competence.spread"),
        "n": translate(lang, "competence.n"),
        "dont_know": translate(lang, "competence.dont_know"),
    }
    overall = summary.profile[summary.profile["group_key"] == ALL_GROUP]
    groups = summary.profile[summary.profile["group_key"] != ALL_GROUP]
    by_group = radar_spec(groups, m.factors, titles=titles) if len(groups) else None
    return summary, radar_spec(overall, m.factors, titles=titles), by_group, released


@st.cache_data(max_entries=128, show_spinner=False)
def respondents_at(workshop_id: int, revision: int) -> int:
    """Return how many phones have answered so far (people only, no figures: safe to show live)."""
    return count_respondents(store(), workshop_id)


def withheld_notes(summary: CompetenceSummary, released: Release, lang: str) -> list[str]:
    """Return the sentences that say why figures are missing from the screen, in the session's language."""
    notes = []
    room = summary.profile[summary.profile["group_key"] == ALL_GROUP]
    reasons = set(room["withheld"].dropna())
    if len(room) and room["mean"].isna().all() and FEW in reasons:
        notes.append(translate(lang, "disclosure.room_few"))
    elif FEW in reasons:
        notes.append(translate(lang, "disclosure.factor_few"))
    if CHANGED in reasons:
        notes.append(translate(lang, "disclosure.factor_changed"))
    if released.waiting:
        key = "disclosure.held_back" if released.held_back else "disclosure.waiting"
        notes.append(translate(lang, key, n=released.waiting))
    return notes


def breakdown_notes(summary: CompetenceSummary, lang: str) -> list[str]:
    """Return why groups are missing from the breakdown: the real reason, per group."""
    m = load_method(lang)
    derivable = [m.role(k).label for k in summary.withheld_groups if summary.withheld_reasons.get(k) == DERIVABLE]
    changed = [m.role(k).label for k in summary.withheld_groups if summary.withheld_reasons.get(k) == CHANGED]
    notes = []
    if derivable:
        notes.append(translate(lang, "disclosure.groups_derivable", groups=", ".join(derivable)))
    if changed:
        notes.append(translate(lang, "disclosure.groups_changed", groups=", ".join(changed)))
    if summary.hidden_groups:
        notes.append(translate(lang, "competence.hidden_groups",
                               groups=", ".join(m.role(k).label for k in summary.hidden_groups)))
    return notes


def radar_summary(overall: pd.DataFrame, lang: str) -> str:
    """Return the radar's text alternative: what it shows, and its highest and lowest mean."""
    rated = overall.dropna(subset=["mean"])
    if rated.empty:
        return t("a11y.radar_empty")
    high = rated.loc[rated["mean"].idxmax()]
    low = rated.loc[rated["mean"].idxmin()]
    return t("a11y.radar_summary", high=high["label"], high_mean=number(high["mean"], lang),
             low=low["label"], low_mean=number(low["mean"], lang))


def competence_panel(workshop: Workshop, joined: int, *, room: bool = False) -> None:
    """Render the live competence view for the shared screen (``room``: sized for the projector)."""
    lang = language()
    m = load_method(lang)
    answered = respondents_at(workshop.id, workshop.revision)
    state = t("competence.open") if workshop.activity_open else t("competence.closed")
    st.markdown(f"### {m.competence_model}")
    st.caption(f"{state} · {t('competence.answered', n=answered, joined=joined)}")

    if not workshop.results_visible:
        # Only the count while hidden: the figures (and their release) wait for "Vis resultater".
        st.progress(min(answered / joined, 1.0) if joined else 0.0)
        st.info(t("competence.hidden"), icon=":material/visibility_off:")
        return
    summary, radar_all, radar_groups, released = summary_at(workshop.id, workshop.revision, lang)

    earlier = competence_compare.earlier_rated(workshop.id)  # the forløb's earlier rounds, if any
    group_notes = breakdown_notes(summary, lang)
    left, right = st.columns([1, 1], gap="large")
    with left:
        view = st.segmented_control(
            t("competence.view"),
            options=["all", "groups"] + ([competence_compare.COMPARE] if earlier else []),
            format_func=lambda v: t("course.view_compare") if v == competence_compare.COMPARE else t(f"competence.view_{v}"),
            default="all",
            key="radar_view",
            label_visibility="collapsed",
        )
        if view == competence_compare.COMPARE and earlier:
            competence_compare.compare_view(workshop, earlier, right)
            st.caption(m.competence_caption)
            return
        if view == "groups" and radar_groups is None:
            with st.container(key="groups_withheld"):
                # The real reason first: a group withheld to stop a subtraction says so.
                reason = group_notes[0] if summary.withheld_groups else t("competence.no_groups")
                st.info(reason, icon=":material/group_off:")
        else:
            spec = radar_groups if view == "groups" else radar_all
            overall = summary.profile[summary.profile["group_key"] == ALL_GROUP]
            # vega-embed makes the spec's description the chart's accessible name (its text alternative).
            spec = {**spec, "description": radar_summary(overall, lang)}
            st.vega_lite_chart(spec, width="content", theme=None, key="radar")
        if not room:  # on the projector it goes beside the chart, under the table (see below)
            st.caption(m.competence_caption)
    with right:
        if summary.talking_points:
            overall = summary.profile[summary.profile["group_key"] == ALL_GROUP].set_index("factor")
            points = ", ".join(
                f"{m.factor(k).label} ({number(overall.loc[k, 'std'], lang)})" for k in summary.talking_points
            )
            st.warning(t("competence.talking_points", factors=points), icon=":material/forum:")
        table = summary.profile[summary.profile["group_key"] == ALL_GROUP]
        frame = pd.DataFrame(
            {
                t("competence.factor"): table["label"],
                t("competence.mean"): [number(v, lang) for v in table["mean"]],
                t("competence.spread"): [number(v, lang) for v in table["std"]],
                t("competence.n"): [count(v) for v in table["n"]],
                t("competence.dont_know"): [count(v) for v in table["dont_know"]],
            }
        )
        if room:
            key_table(frame, test_id="radar-key-table", caption=t("a11y.radar_data"))
        else:
            st.markdown(f"**{t('a11y.radar_data')}**")
            st.dataframe(frame, hide_index=True, width="stretch")
        with st.container(key="disclosure_notes"):
            for note in withheld_notes(summary, released, lang) + group_notes:
                st.caption(note)
        if room:
            st.caption(m.competence_caption)
