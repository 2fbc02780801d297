"""Problemløseren on a phone: send problems and ideas (trin 1, 3), place them (trin 2, 4),
propose answers (trin 5) and read the handleplan (trin 6)."""

from __future__ import annotations

import streamlit as st

from fea_core import handleplan, items, placement
from fea_core.errors import FeaError
from fea_core.method import Matrix
from fea_core.model import Participant, Workshop
from fea_core.plain import escape_markdown
from fea_core.quadrants import classify
from ui.context import method, store, t
from ui.errors import show_error
from ui.handleplan_view import chosen_solution_box
from ui.problem_solver_view import chosen_problem_box

SCALE = list(range(placement.PLACEMENT_MIN, placement.PLACEMENT_MAX + 1))


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


def _send_item(participant: Participant, default_kind: str) -> None:
    kind = st.session_state.get("item_kind") or default_kind
    _attempt("item_outcome", items.submit_item, store(), participant, kind, st.session_state.get("item_text", ""))


def item_entry(workshop: Workshop, participant: Participant, kinds: tuple[str, ...], number: int) -> None:
    """Let the phone send short texts of the given kinds (problem/keep in trin 1, idea in trin 3)."""
    _step_header(number)
    if number == 3:
        chosen_problem_box(workshop)
    _item_form(workshop, participant, kinds)


@st.fragment
def _item_form(workshop: Workshop, participant: Participant, kinds: tuple[str, ...]) -> None:
    # A fragment: sending reruns only the form and the phone's own list, not the whole page,
    # which halves the server's work per send in a room of 200 phones.
    _show_outcome("item_outcome", t("steps.sent"))
    if not _closed_notice(workshop):
        with st.form(f"items_{workshop.stage}", clear_on_submit=True, border=False):
            if len(kinds) > 1:
                st.segmented_control(
                    t("steps.kind"), kinds, format_func=lambda k: t(f"steps.kind_{k}"), default=kinds[0],
                    key="item_kind", width="stretch",
                )
            st.text_area(
                t(f"steps.text_{kinds[0]}"), max_chars=items.ITEM_TEXT_MAX, height=100, key="item_text",
                placeholder=t(f"steps.placeholder_{kinds[0]}"),
            )
            st.form_submit_button(
                t("steps.send"), type="primary", width="stretch",
                on_click=_send_item, args=(participant, kinds[0]),
            )
    mine = items.items_by_author(store(), participant, kinds)
    if mine:
        st.caption(t("steps.yours", n=len(mine)))
        for item in mine:
            st.text(f"• {item.text}")


def _scale(axis, key: str, default):
    # A reversed axis (Ressourceforbrug) runs Høj -> Lav from left to right, as on the paper form.
    options = list(reversed(SCALE)) if axis.reversed else SCALE
    left, right = (axis.high, axis.low) if axis.reversed else (axis.low, axis.high)
    value = st.segmented_control(
        f"{axis.label}: {left} → {right}", options, default=default, key=key, width="stretch"
    )
    return value


def _save_placement(participant: Participant, item_id: int, deck_key: str, order: list[int]) -> None:
    x, y = st.session_state.get(f"x_{item_id}"), st.session_state.get(f"y_{item_id}")
    if x is None or y is None:
        st.session_state[f"place_both_{item_id}"] = True
        return
    _attempt(f"place_outcome_{item_id}", placement.place_item, store(), participant, item_id, x, y)
    if st.session_state.get(f"place_outcome_{item_id}") is True:
        # The deck reruns alone (a fragment): it shows this, not the page's older reading.
        st.session_state[f"placed_{item_id}"] = (x, y)
        st.session_state["place_saved"] = item_id
        _advance(deck_key, order, item_id)


def _advance(deck_key: str, order: list[int], item_id: int) -> None:
    # On to the next card not placed yet (after this one, then from the top); stay if all are.
    here = order.index(item_id)
    for other in order[here + 1:] + order[:here]:
        if f"placed_{other}" not in st.session_state:
            st.session_state[deck_key] = other
            return


def _step_deck(deck_key: str, order: list[int], current: int, step: int) -> None:
    st.session_state[deck_key] = order[(order.index(current) + step) % len(order)]


def item_placement(workshop: Workshop, participant: Participant, kind: str, matrix: Matrix, number: int) -> None:
    """Show the items as a deck of cards, one at a time, each with two 1-5 scales; any may be skipped."""
    _step_header(number)
    if number == 4:
        chosen_problem_box(workshop)
    to_place = items.list_items(store(), workshop.id, kind)
    if not to_place:
        st.info(t("steps.nothing_to_place"), icon=":material/hourglass_top:")
        return
    # A refusal for an item that has no card any more (merged or hidden meanwhile) shows here.
    listed = {f"place_outcome_{i.id}" for i in to_place}
    for key in [k for k in st.session_state if str(k).startswith("place_outcome_") and k not in listed]:
        outcome = st.session_state.pop(key)
        if isinstance(outcome, FeaError):
            show_error(outcome)
    closed = _closed_notice(workshop)
    # What the database says this phone placed: the deck keeps it current between full runs.
    for item_id, saved in placement.my_placements(store(), participant, kind).items():
        st.session_state[f"placed_{item_id}"] = saved
    _placement_deck(workshop, participant, kind, to_place, matrix, closed)


@st.fragment
def _placement_deck(workshop: Workshop, participant: Participant, kind: str, to_place, matrix: Matrix, closed: bool):
    # One card at a time, in a fragment: a phone draws two scales, not 2 x N, and saving reruns
    # only this deck. That keeps a room of 200 phones fast when the step starts (all at once).
    order = [i.id for i in to_place]
    deck_key = f"deck_{kind}"
    if st.session_state.get(deck_key) not in order:
        # Start at the first card still to place; a closed step reads from the top.
        unplaced = [] if closed else [i for i in order if f"placed_{i}" not in st.session_state]
        st.session_state[deck_key] = (unplaced or order)[0]
    current = st.session_state[deck_key]
    item = to_place[order.index(current)]
    done = sum(f"placed_{i}" in st.session_state for i in order)
    st.progress(done / len(order), text=t("steps.place_progress", done=done, total=len(order)))

    just_saved = st.session_state.pop("place_saved", None)
    if just_saved is not None and just_saved in order:
        saved_item = to_place[order.index(just_saved)]
        x, y = st.session_state[f"placed_{just_saved}"]
        quadrant = matrix.quadrants[classify(x, y, matrix)]
        st.success(t("steps.placed", number=saved_item.number, quadrant=quadrant), icon=":material/check_circle:")
        if done == len(order):
            st.info(t("steps.all_placed", total=len(order)), icon=":material/done_all:")

    outcome = st.session_state.pop(f"place_outcome_{item.id}", None)
    needs_both = st.session_state.pop(f"place_both_{item.id}", False)
    saved = st.session_state.get(f"placed_{item.id}")
    with st.container(border=True, key=f"card_{item.id}"):
        st.caption(t("steps.card_of", position=order.index(current) + 1, total=len(order)))
        st.markdown(f"**{item.number}.** {escape_markdown(item.text)}")
        if isinstance(outcome, FeaError):
            show_error(outcome)
        if not closed:
            with st.form(f"place_{item.id}_{workshop.stage}", border=False):
                _scale(matrix.y, f"y_{item.id}", saved[1] if saved else None)
                _scale(matrix.x, f"x_{item.id}", saved[0] if saved else None)
                st.form_submit_button(
                    t("steps.place_update" if saved else "steps.place_save"),
                    width="stretch",
                    type="secondary" if saved else "primary",
                    on_click=_save_placement,
                    args=(participant, item.id, deck_key, order),
                )
        if needs_both:
            st.warning(t("steps.place_both"), icon=":material/touch_app:")
        if saved:
            st.caption(t("steps.lands_in", quadrant=matrix.quadrants[classify(saved[0], saved[1], matrix)]))
    if len(order) > 1:
        # Side by side on a phone too (columns would stack below 640 px).
        nav = st.container(horizontal=True, key=f"deck_nav_{kind}")
        nav.button(t("steps.previous"), icon=":material/arrow_back:", width="stretch", key=f"prev_{kind}",
                   on_click=_step_deck, args=(deck_key, order, current, -1))
        nav.button(t("steps.next"), icon=":material/arrow_forward:", icon_position="right", width="stretch",
                   key=f"next_{kind}", on_click=_step_deck, args=(deck_key, order, current, 1))


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
