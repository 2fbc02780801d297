"""The competence rated again in a forløb: the radar before and now, the change per factor, n each time.

Both the comparison and the list of earlier workshops are cached, so the shared screen's live
fragment (one run a second) reads them instead of recomputing them per viewer.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fea_core import courses, release
from fea_core.charts import before_now_colors, radar_spec
from fea_core.competence import rating_rows
from fea_core.competence_change import CompetenceChange, competence_change
from fea_core.export.common import count, number, short_date, signed_number
from fea_core.i18n import translate
from fea_core.method import load_method
from fea_core.model import Workshop
from fea_core.workshops import get_workshop
from ui.context import language, store, t

COMPARE = "compare"


@st.cache_data(ttl=20, max_entries=256, show_spinner=False)
def earlier_rated(workshop_id: int) -> tuple[tuple[int, str, str], ...]:
    """Return (id, name, held_on ISO) of the forløb's earlier workshops that have ratings, newest first.

    Cached for a few seconds: the live fragment asks every second, and a workshop joins a forløb rarely.
    """
    workshop = get_workshop(store(), workshop_id)
    if workshop is None:
        return ()
    found = [w for w in courses.earlier_workshops(store(), workshop) if len(rating_rows(store(), w.id))]
    return tuple((w.id, w.name, w.held_on.isoformat()) for w in reversed(found))


@st.cache_data(max_entries=128, show_spinner=False)
def change_at(
    workshop_id: int, revision: int, earlier_id: int, earlier_revision: int, lang: str
) -> tuple[CompetenceChange, dict | None]:
    """Return the comparison and its radar spec at these two revisions, computed once per change per process."""
    now_ws, before_ws = get_workshop(store(), workshop_id), get_workshop(store(), earlier_id)
    m = load_method(lang)
    # Released answers only, as on the main radar: a live round changes only in batches.
    before = release.released(store(), before_ws, advance=True)
    now = release.released(store(), now_ws, advance=now_ws.results_visible)
    change = competence_change(
        before.rows, now.rows, m.factors, before_decisions=before.decisions, now_decisions=now.decisions,
        before_label=translate(lang, "course.before", date=short_date(before_ws.held_on, lang)),
        now_label=translate(lang, "course.now_at", date=short_date(now_ws.held_on, lang)),
    )
    titles = {k: translate(lang, f"competence.{v}") for k, v in
              (("factor", "factor"), ("group", "group"), ("mean", "mean"), ("std", "spread"), ("n", "n"),
               ("dont_know", "dont_know"))}
    # Grey is always "before", blue always "now" (blue is the room now on the main radar), and
    # the legend stays when only one of the two may be shown.
    spec = radar_spec(change.profile, m.factors, titles=titles, legend=True,
                      group_colors=before_now_colors(change.profile["group_key"])) if len(change.profile) else None
    return change, spec


def shown_round(workshop: Workshop, options: list[int], lang: str) -> int:
    """Return the newest earlier round whose figures may be shown (the newest, if none may)."""
    for option in options:
        earlier = get_workshop(store(), option)
        if change_at(workshop.id, workshop.revision, option, earlier.revision, lang)[0].before_shown:
            return option
    return options[0]


def compare_view(workshop: Workshop, earlier: tuple[tuple[int, str, str], ...], right) -> None:
    """Draw the before/now radar in the current column and the change per factor in ``right``."""
    lang = language()
    options = [e[0] for e in earlier]
    names = {e[0]: f"{e[1]} ({short_date(pd.Timestamp(e[2]).date(), lang)})" for e in earlier}
    chosen = options[0]
    if len(options) > 1:
        chosen = st.selectbox(t("course.compare_with"), options, format_func=names.get, key="compare_with",
                              index=options.index(shown_round(workshop, options, lang)))
    before = get_workshop(store(), chosen)
    change, spec = change_at(workshop.id, workshop.revision, chosen, before.revision, lang)
    if spec is not None:
        st.vega_lite_chart(spec, width="content", theme=None, key="radar_compare")
    for shown, when in ((change.before_shown, t("course.mean_before")), (change.now_shown, t("course.mean_now"))):
        if not shown:
            st.info(t("course.compare_withheld", when=when), icon=":material/lock:")
    with right:
        st.caption(t("course.compare_caption", n_before=change.respondents_before, n_now=change.respondents_now))
        table = change.table

        st.dataframe(
            pd.DataFrame({
                t("competence.factor"): table["label"],
                t("course.mean_before"): [number(v, lang) for v in table["mean_before"]],
                t("course.mean_now"): [number(v, lang) for v in table["mean_now"]],
                t("course.change"): [signed_number(v, lang) for v in table["change"]],
                t("course.n_before"): [count(v) for v in table["n_before"]],
                t("course.n_now"): [count(v) for v in table["n_now"]],
            }),
            hide_index=True, width="stretch", key="compare_table",
        )
