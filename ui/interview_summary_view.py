"""The facilitator's side of Arbejdsmiljøinterviewet: interviewer links, the anonymous overview,
sending points into trin 1, and (only on request) the raw notes. Plus the overview strip the
shared screen shows in trin 1, which holds nothing but counts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fea_core import interview_summary as summary
from fea_core import interviews as iv
from fea_core.errors import FeaError
from fea_core.i18n import translate
from fea_core.model import ITEM_KEEP, ITEM_PROBLEM, Workshop
from fea_core.markdown_escape import escape_markdown
from ui.auth import login_gate
from ui.context import language, method, store, t
from ui.errors import show_error
from ui.join_panel import join_url

NOT_SENT = "none"


def interviews_login() -> None:
    """The login gate at /interviews for a session that is not logged in."""
    login_gate()


def interviewer_url(token: str) -> str:
    """Return the link an interviewer opens (on the address phones use)."""
    base = join_url("").removesuffix("/?code=")
    return f"{base}/interview?i={token}"


@st.cache_data(max_entries=128, show_spinner=False)
def summary_at(workshop_id: int, version, lang: str) -> summary.InterviewSummary:
    """Return the overview at one version (a revision, or interviews.notes_version): once per change, whoever looks."""
    return summary.summarise(store(), workshop_id, lang, general_title=translate(lang, "interviews.general"))


def links_panel(workshop: Workshop, username: str) -> None:
    """Create interviewer links, show them for copying, withdraw them (notes readers only: a token reads notes)."""
    st.subheader(t("interviews.links"), anchor=False)
    st.caption(t("interviews.links_help"))
    with st.form("new_link", clear_on_submit=True, border=False):
        cols = st.columns([3, 2], vertical_alignment="bottom")
        label = cols[0].text_input(t("interviews.link_label"), max_chars=iv.LABEL_MAX,
                                   placeholder=t("interviews.link_placeholder"))
        created = cols[1].form_submit_button(t("interviews.create_link"), icon=":material/add_link:", width="stretch")
    if created:
        try:
            iv.create_link(store(), workshop.id, label, by=username)
        except FeaError as error:
            show_error(error)
    counts = iv.interview_counts(store(), workshop.id)
    for link in iv.list_links(store(), workshop.id, by=username):
        with st.container(border=True, key=f"link_{link.id}"):
            state = "" if link.is_active else f" · {t('interviews.revoked')}"
            st.markdown(
                f"**{escape_markdown(link.label)}** · {t('interviews.count', n=counts.get(link.id, 0))}{state}"
            )
            if link.is_active:
                st.code(interviewer_url(link.token), language=None, wrap_lines=True)
                if st.button(t("interviews.revoke"), key=f"revoke_{link.id}", icon=":material/link_off:",
                             type="tertiary"):
                    iv.revoke_link(store(), workshop.id, link.id, by=username)
                    st.rerun()
            elif st.button(t("interviews.restore"), key=f"restore_{link.id}", icon=":material/link:", type="tertiary"):
                iv.revoke_link(store(), workshop.id, link.id, revoked=False, by=username)
                st.rerun()


def counts_table(result: summary.InterviewSummary) -> pd.DataFrame:
    """Return the per-theme counts as a table (no words from the interviews in it)."""
    rows = [t_ for t_ in result.themes if t_.key != summary.GENERAL]
    return pd.DataFrame(
        {
            t("interviews.theme"): [r.title for r in rows],
            t("interviews.problems"): [r.problems for r in rows],
            t("interviews.works_well"): [r.works_well for r in rows],
        }
    )


def overview(workshop: Workshop) -> summary.InterviewSummary:
    """Show the anonymous overview: counts per theme and how many interviews there are."""
    result = summary_at(workshop.id, workshop.revision, language())
    st.subheader(t("interviews.overview"), anchor=False)
    cols = st.columns(3)
    cols[0].metric(t("interviews.n_interviews"), result.interviews)
    cols[1].metric(t("interviews.n_people"), result.interviewees)
    cols[2].metric(t("interviews.n_confirmed"), result.confirmed)
    if result.interviews:
        st.dataframe(counts_table(result), hide_index=True, width="stretch")
        st.caption(t("interviews.counts_help"))
    else:
        st.info(t("interviews.none"), icon=":material/record_voice_over:")
    return result


def send_panel(workshop: Workshop, result: summary.InterviewSummary) -> None:
    """The key points per theme, attributed to no one; chosen ones go to trin 1 in one action."""
    st.subheader(t("interviews.points"), anchor=False)
    st.caption(t("interviews.points_help"))
    if not result.points:
        st.caption(t("interviews.no_points"))
        return
    options = [NOT_SENT, ITEM_PROBLEM, ITEM_KEEP]
    labels = {NOT_SENT: t("interviews.send_none"), ITEM_PROBLEM: t("interviews.send_problem"),
              ITEM_KEEP: t("interviews.send_keep")}
    for theme in result.themes:
        if not theme.points:
            continue
        st.markdown(f"**{escape_markdown(theme.title)}**")
        # Identical points from several interviews: one card with a count, sent for all of them at once.
        for group in summary.same_points(theme.points):
            point = group[0]
            with st.container(border=True, key=f"point_{point.ref.replace(':', '_')}"):
                cols = st.columns([3, 2], vertical_alignment="center")
                cols[0].markdown(escape_markdown(point.text))
                if len(group) > 1:
                    cols[0].caption(t("interview_points.count", n=len(group)))
                if point.is_sent:
                    kind = t("interviews.sent_problem" if point.item_kind == ITEM_PROBLEM else "interviews.sent_keep",
                             number=point.item_number)
                    cols[1].caption(kind)
                else:
                    cols[1].radio(t("interviews.send_as"), options, format_func=labels.get, horizontal=True,
                                  key=f"send_{point.ref}", label_visibility="collapsed")
    if st.button(t("interviews.send"), type="primary", icon=":material/send:", key="send_points"):
        chosen = {
            group[0].ref: (group, st.session_state.get(f"send_{group[0].ref}"))
            for theme in result.themes for group in summary.same_points(theme.points)
            if not group[0].is_sent and st.session_state.get(f"send_{group[0].ref}", NOT_SENT) != NOT_SENT
        }
        if not chosen:
            st.warning(t("interviews.nothing_chosen"), icon=":material/info:")
            return
        choices = {p.ref: kind for group, kind in chosen.values() for p in group}
        try:
            sent = summary.send_to_trin_1(store(), workshop.id, choices)
        except FeaError as error:
            show_error(error)
            return
        for ref in chosen:
            st.session_state.pop(f"send_{ref}", None)
        # A point's twins link to the item it just became: that is one item, not "already there".
        existing = [n for n in sent.existing if n not in sent.created]
        st.session_state["interviews_sent"] = (len(sent.created), len(existing))
        st.rerun()
    done = st.session_state.pop("interviews_sent", None)
    if done:
        st.success(t("interviews.sent", created=done[0], existing=done[1]), icon=":material/check_circle:")


def raw_notes(workshop: Workshop, username: str) -> None:
    """Show every interview's raw notes to a notes reader, only after they ask, with a warning."""
    st.subheader(t("interviews.raw"), anchor=False)
    st.caption(t("interviews.raw_help"))
    if not st.toggle(t("interviews.raw_show"), key="show_raw_notes"):
        return
    links = {link.id: link.label for link in iv.list_links(store(), workshop.id, by=username)}
    m = method()
    follow_up = m.guide[1].questions
    field_labels = {"works_well": t("interview.works_well"), "problem": t("interview.problem"),
                    "how_long": follow_up[0], "sustains": follow_up[1], "could_solve": follow_up[2]}
    for interview in iv.all_interviews(store(), workshop.id, by=username):
        title = t("interviews.raw_title", number=interview.number, people=interview.group_size,
                  label=escape_markdown(links.get(interview.link_id, "–")))
        with st.expander(title + (" ✓" if interview.confirmed else "")):
            for theme in m.interview_themes:
                note = interview.note(theme.key)
                filled = [(f, getattr(note, f)) for f in iv.NOTE_FIELDS if getattr(note, f)]
                if filled:
                    st.markdown(f"**{escape_markdown(theme.title)}**")
                    for field_name, value in filled:
                        st.caption(field_labels[field_name])
                        st.text(value)
            if interview.advice:
                st.markdown(f"**{escape_markdown(m.guide[2].title)}**")
                st.text(interview.advice)
            for point in interview.points:
                st.text(f"{point.position}. {point.text}")


def screen_strip(workshop: Workshop) -> None:
    """On the shared screen in trin 1: how many interviews spoke of problems and of what works, per theme."""
    # Keyed by the interviews' own version: the room's answers in trin 1 change the revision
    # every moment, the interviews (written before the day) hardly ever.
    result = summary_at(workshop.id, iv.notes_version(store(), workshop.id), language())
    if not result.interviews:
        return
    # Folded by default: the room's own lists come first; the facilitator opens it to talk about it.
    with st.container(key="interview_strip"), st.expander(
        t("interviews.screen_title", n=result.interviews), icon=":material/record_voice_over:", key="interview_counts"
    ):
        st.dataframe(counts_table(result), hide_index=True, width="stretch")
        st.caption(t("interviews.counts_help"))
