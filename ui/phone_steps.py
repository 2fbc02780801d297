"""Problemløseren on a phone: send problems and ideas (trin 1, 3), place them (trin 2, 4),
propose answers (trin 5) and read the handleplan (trin 6)."""

from __future__ import annotations

import streamlit as st

from fea_core import handleplan, items
from fea_core.errors import FeaError
from fea_core.method import Matrix
from fea_core.model import Participant, Workshop
from fea_core.plain import escape_markdown
from ui import answer_forms
from ui.context import method, store, t
from ui.errors import show_error
from ui.handleplan_view import chosen_solution_box
from ui.problem_solver_view import chosen_problem_box



def _step_header(number: int) -> None:
    step = method().step(number)
    st.subheader(t("steps.title", number=number, title=step.title), anchor=False)


def _closed_notice(workshop: Workshop) -> bool:
    if not workshop.activity_open:
        st.info(t("steps.closed"), icon=":material/lock:")
        return True
    return False


def _attempt(outcome_key: str, action, *args) -> None:
    # Runs in on_click, before the script: the page then draws the saved state in one run,
    # and a refusal (a step closed a second ago, a stale item) is kept to be shown.
    try:
        action(*args)
    except FeaError as error:
        st.session_state[outcome_key] = error
    else:
        st.session_state[outcome_key] = True


def _show_outcome(outcome_key: str, ok_text: str) -> None:
    outcome = st.session_state.pop(outcome_key, None)
    if isinstance(outcome, FeaError):
        show_error(outcome)
    elif outcome:
        st.success(ok_text, icon=":material/check_circle:")


def item_entry(workshop: Workshop, participant: Participant, kinds: tuple[str, ...], number: int) -> None:
    """Let the phone send short texts of the given kinds (problem/keep in trin 1, idea in trin 3)."""
    _step_header(number)
    if number == 3:
        chosen_problem_box(workshop)
    _item_form(workshop, participant, kinds)


def _item_form(workshop: Workshop, participant: Participant, kinds: tuple[str, ...]) -> None:
    if workshop.activity_open:
        answer_forms.item_form(workshop, participant, kinds)
        return
    _closed_notice(workshop)
    mine = items.items_by_author(store(), participant, kinds)
    if mine:
        st.caption(t("steps.yours", n=len(mine)))
        for item in mine:
            st.text(f"• {item.text}")


def item_placement(workshop: Workshop, participant: Participant, kind: str, matrix: Matrix, number: int) -> None:
    """Show the items as a deck of cards, one at a time, each with two 1-5 scales; any may be skipped."""
    _step_header(number)
    if number == 4:
        chosen_problem_box(workshop)
    to_place = items.list_items(store(), workshop.id, kind)
    if not to_place:
        st.info(t("steps.nothing_to_place"), icon=":material/hourglass_top:")
        return
    closed = _closed_notice(workshop)
    # One card at a time: a phone draws two scales, not 2 x N, and saving is one POST, no rerun.
    answer_forms.placement_deck(workshop, participant, kind, to_place, matrix, not closed)


def _send_proposal(participant: Participant) -> None:
    _attempt(
        "proposal_outcome", handleplan.propose_answer, store(), participant,
        st.session_state.get("proposal_question", 0), st.session_state.get("proposal_text", ""),
    )


def answer_proposals(workshop: Workshop, participant: Participant) -> None:
    """Trin 5 on a phone: propose answers to the five support questions."""
    _step_header(5)
    chosen_solution_box(workshop)
    _proposal_form(workshop, participant)


@st.fragment
def _proposal_form(workshop: Workshop, participant: Participant) -> None:
    # A fragment, like the item form: a proposal reruns the form only.
    _show_outcome("proposal_outcome", t("plan.proposal_sent"))
    if _closed_notice(workshop):
        return
    questions = method().support_questions
    with st.form(f"propose_{workshop.stage}", clear_on_submit=True, border=False):
        st.selectbox(
            t("plan.which_question"), range(len(questions)), format_func=lambda i: f"{i + 1}. {questions[i]}",
            key="proposal_question",
        )
        st.text_area(t("plan.your_proposal"), max_chars=handleplan.ANSWER_MAX, height=100, key="proposal_text")
        st.form_submit_button(
            t("plan.send_proposal"), type="primary", width="stretch",
            on_click=_send_proposal, args=(participant,),
        )


def plan_overview(workshop: Workshop) -> None:
    """Trin 6 on a phone: the handleplan as agreed so far, to read along."""
    _step_header(6)
    answers = handleplan.answers(store(), workshop.id)
    for question, answer in zip(method().support_questions, answers):
        if answer:
            st.caption(question)
            st.text(answer)
    actions = handleplan.list_actions(store(), workshop.id)
    if not actions:
        st.info(t("plan.no_actions_yet"), icon=":material/hourglass_top:")
    for action in actions:
        with st.container(border=True):
            st.markdown(f"**{action.position}.** {escape_markdown(action.what)}")
            deadline = f"{action.deadline:%d.%m.%Y}" if action.deadline else "–"
            st.caption(f"{t('plan.col_owner')}: {escape_markdown(action.owner or '–')} · {t('plan.col_deadline')}: {deadline}")
