"""The handleplan on the shared screen: trin 5's answers, trin 6's actions, and the exports."""

from __future__ import annotations

from datetime import date
from html import escape as escape_html

import pandas as pd
import streamlit as st

from fea_core import decisions, handleplan, items
from fea_core.errors import FeaError
from fea_core.export import to_docx, to_markdown_zip, to_pdf, to_xlsx
from fea_core.export.common import safe_file_name, status_label
from fea_core.plain import escape_markdown
from fea_core.model import Workshop
from fea_core.report import ACTION_STATUSES, build_report
from ui.context import language, method, store, t
from ui.errors import show_error

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",  # the Markdown file with its chart images
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def chosen_solution_box(workshop: Workshop) -> None:
    """Show the chosen solution, the subject of trin 5 and 6."""
    chosen = decisions.get_decisions(store(), workshop.id)
    idea = next((i for i in items.list_items(store(), workshop.id, "idea") if i.id == chosen.chosen_idea_id), None)
    if idea is None:
        st.warning(t("plan.no_solution_chosen"), icon=":material/flag:")
        return
    with st.container(border=True, key="chosen_solution"):
        st.caption(t("plan.chosen_solution"))
        st.markdown(f"#### {escape_markdown(idea.text)}")


def _save_answer(workshop_id: int, index: int) -> None:
    try:
        handleplan.save_answer(store(), workshop_id, index, st.session_state.get(f"ans_{index}", ""))
    except FeaError as error:
        st.session_state["plan_error"] = error


def answers_editor(workshop: Workshop) -> None:
    """Let the facilitator answer the five support questions; each answer saves as it is typed."""
    if error := st.session_state.pop("plan_error", None):
        show_error(error)
    saved = handleplan.answers(store(), workshop.id)
    for index, question in enumerate(method().support_questions):
        key = f"ans_{index}"
        if key not in st.session_state:
            st.session_state[key] = saved[index]
        st.text_area(
            f"{index + 1}. {question}", key=key, max_chars=handleplan.ANSWER_MAX, height=90,
            on_change=_save_answer, args=(workshop.id, index),
        )


def proposals_panel(workshop: Workshop) -> None:
    """Show the phones' proposals per question, each with a button to take it over (live)."""
    pending = [p for p in handleplan.proposals(store(), workshop.id) if not p.adopted]
    st.markdown(f"#### {t('plan.proposals')} ({len(pending)})")
    if not pending:
        st.caption(t("plan.no_proposals"))
    questions = method().support_questions
    for proposal in pending:
        with st.container(border=True, key=f"proposal_{proposal.id}"):
            st.caption(questions[proposal.question_index])
            st.text(proposal.text)
            if st.button(t("plan.adopt"), key=f"adopt_{proposal.id}", icon=":material/add_task:"):
                try:
                    handleplan.adopt_proposal(store(), workshop.id, proposal.id)
                except FeaError as error:
                    show_error(error)
                else:
                    # The editor's widget holds the old text: give it the new one, then redraw all.
                    st.session_state[f"ans_{proposal.question_index}"] = handleplan.answers(store(), workshop.id)[
                        proposal.question_index
                    ]
                    st.rerun(scope="app")


def _actions_frame(actions) -> pd.DataFrame:
    # Explicit dtypes: an empty plan must still give the editor text and date columns.
    return pd.DataFrame(
        {
            "id": pd.Series([a.id for a in actions], dtype="Int64"),
            "what": pd.Series([a.what for a in actions], dtype="string"),
            "owner": pd.Series([a.owner for a in actions], dtype="string"),
            "deadline": pd.Series([pd.Timestamp(a.deadline) if a.deadline else pd.NaT for a in actions], dtype="datetime64[ns]"),
            "follow_up": pd.Series([a.follow_up for a in actions], dtype="string"),
            "status": pd.Series([a.status for a in actions], dtype="string"),
        }
    )


def _rows(frame: pd.DataFrame) -> list[dict]:
    # Plain Python values, so an unchanged table compares equal to the saved one.
    rows = []
    for record in frame.to_dict("records"):
        rows.append({k: (None if pd.isna(v) else v) for k, v in record.items()})
    return rows


def actions_editor(workshop: Workshop) -> None:
    """Edit the action plan in a table; every change is saved at once, with warnings not errors."""
    actions = handleplan.list_actions(store(), workshop.id)
    frame = _actions_frame(actions)
    # A new key after each save: the editor's pending edits were relative to the old rows.
    version = hash(tuple(actions))
    edited = st.data_editor(
        frame,
        key=f"actions_{version}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_order=["what", "owner", "deadline", "follow_up", "status"],
        column_config={
            "what": st.column_config.TextColumn(t("plan.col_what"), max_chars=handleplan.ACTION_TEXT_MAX, width="large"),
            "owner": st.column_config.TextColumn(t("plan.col_owner"), max_chars=handleplan.OWNER_MAX),
            "deadline": st.column_config.DateColumn(t("plan.col_deadline"), format="DD.MM.YYYY"),
            "follow_up": st.column_config.TextColumn(t("plan.col_follow_up"), max_chars=handleplan.ACTION_TEXT_MAX, width="medium"),
            "status": st.column_config.SelectboxColumn(
                t("plan.col_status"), options=list(ACTION_STATUSES), format_func=lambda k: status_label(language(), k), default="not_started"
            ),
        },
    )
    rows = _rows(edited)
    if rows != _rows(frame):
        try:
            handleplan.save_actions(store(), workshop.id, rows)
        except FeaError as error:
            show_error(error)
        else:
            st.rerun()
    today = date.today()
    for action in actions:
        for warning in handleplan.action_warnings(action, today):
            st.warning(t(f"plan.warning_{warning}", n=action.position, what=escape_markdown(action.what)), icon=":material/warning:")


def _save_follow_up(workshop_id: int) -> None:
    try:
        handleplan.set_follow_up(
            store(), workshop_id, st.session_state.get("follow_up_process") or "", st.session_state.get("next_follow_up")
        )
    except FeaError as error:
        st.session_state["plan_error"] = error


def follow_up_editor(workshop: Workshop) -> None:
    """How the group follows up on what works and adjusts, and the next follow-up date."""
    process, next_date = handleplan.follow_up(store(), workshop.id)
    st.session_state.setdefault("follow_up_process", process or "")
    st.session_state.setdefault("next_follow_up", next_date)
    st.text_area(
        t("plan.follow_up_process"), key="follow_up_process", height=90, max_chars=handleplan.ANSWER_MAX,
        on_change=_save_follow_up, args=(workshop.id,), placeholder=t("plan.follow_up_placeholder"),
    )
    st.date_input(
        t("plan.next_follow_up"), key="next_follow_up", format="DD.MM.YYYY",
        on_change=_save_follow_up, args=(workshop.id,),
    )


def export_buttons(workshop: Workshop) -> None:
    """Offer the handleplan as Word, PDF, Markdown and Excel, built only when clicked."""
    lang = workshop.language  # the document is the workshop's, whatever this screen shows

    def build(extension: str):
        def make():
            report = build_report(store(), workshop.id, lang)
            return {"docx": to_docx, "pdf": to_pdf, "zip": to_markdown_zip, "xlsx": to_xlsx}[extension](report)

        return make

    st.markdown(f"#### {t('plan.export')}")
    cols = st.columns(4)
    for col, extension in zip(cols, ("docx", "pdf", "zip", "xlsx")):
        with col:
            st.download_button(
                t(f"plan.export_{extension}"),
                data=build(extension),
                file_name=safe_file_name(workshop.name, workshop.held_on, extension, lang),
                mime=MIME[extension],
                key=f"export_{extension}",
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )


# Room view: placeholders until h-trin6 is merged
def answers_for_room(workshop: Workshop) -> None:
    """Trin 5 on the room view: the five support questions and the answers so far, read-only."""
    answers = handleplan.answers(store(), workshop.id)
    rows = []
    for index, (question, answer) in enumerate(zip(method().support_questions, answers), 1):
        shown = escape_html(answer) if answer else f"<span class='fea-muted'>{escape_html(t('room.no_answer'))}</span>"
        rows.append(f"<div class='fea-item'><b>{index}. {escape_html(question)}</b><br>{shown}</div>")
    st.html(f"<div class='fea-items fea-room-answers' data-testid='room-answers'>{''.join(rows)}</div>")


def actions_for_room(workshop: Workshop) -> None:
    """Trin 6 on the room view: the agreements so far as readable cards, read-only."""
    actions = handleplan.list_actions(store(), workshop.id)
    if not actions:
        st.html(f"<div class='fea-muted' data-testid='room-actions'>{escape_html(t('room.no_actions'))}</div>")
        return
    lang = language()
    cards = []
    for action in actions:
        deadline = f"{action.deadline:%d.%m.%Y}" if action.deadline else "–"
        details = " · ".join((
            f"{t('plan.col_owner')}: {escape_html(action.owner or '–')}",
            f"{t('plan.col_deadline')}: {deadline}",
            escape_html(status_label(lang, action.status)),
        ))
        follow = f"<div class='fea-merged'>{escape_html(t('plan.col_follow_up'))}: {escape_html(action.follow_up)}</div>" if action.follow_up else ""
        cards.append(f"<div class='fea-item'><b>{action.position}. {escape_html(action.what)}</b>"
                     f"<div class='fea-merged'>{details}</div>{follow}</div>")
    st.html(f"<div class='fea-items fea-room-actions' data-testid='room-actions'>{''.join(cards)}</div>")
