"""Problemløseren on a phone: send problems and ideas (trin 1, 3), place them (trin 2, 4)."""

from __future__ import annotations

import streamlit as st

from fea_core import items, placement
from fea_core.errors import FeaError
from fea_core.method import Matrix
from fea_core.model import Participant, Workshop
from fea_core.plain import escape_markdown
from fea_core.quadrants import classify
from ui.context import method, store, t
from ui.errors import show_error
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


def item_entry(workshop: Workshop, participant: Participant, kinds: tuple[str, ...], number: int) -> None:
    """Let the phone send short texts of the given kinds (problem/keep in trin 1, idea in trin 3)."""
    _step_header(number)
    if number == 3:
        chosen_problem_box(workshop)
    if _closed_notice(workshop):
        return
    with st.form(f"items_{workshop.stage}", clear_on_submit=True, border=False):
        kind = kinds[0]
        if len(kinds) > 1:
            kind = st.segmented_control(
                t("steps.kind"), kinds, format_func=lambda k: t(f"steps.kind_{k}"), default=kinds[0],
                key="item_kind", width="stretch",
            ) or kinds[0]
        text = st.text_area(
            t(f"steps.text_{kinds[0]}"), max_chars=items.ITEM_TEXT_MAX, height=100, key="item_text",
            placeholder=t(f"steps.placeholder_{kinds[0]}"),
        )
        sent = st.form_submit_button(t("steps.send"), type="primary", use_container_width=True)
    if sent:
        try:
            items.submit_item(store(), participant, kind, text)
        except FeaError as error:
            show_error(error)
        else:
            st.success(t("steps.sent"), icon=":material/check_circle:")
    mine = [
        i for kind in kinds for i in items.list_items(store(), workshop.id, kind)
        if i.author_participant_id == participant.id
    ]
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


def _save_placement(participant: Participant, item_id: int) -> None:
    # Runs before the script (on_click), so the card then shows what is saved, in one run.
    x, y = st.session_state.get(f"x_{item_id}"), st.session_state.get(f"y_{item_id}")
    if x is None or y is None:
        st.session_state[f"place_msg_{item_id}"] = "both"
        return
    try:
        placement.place_item(store(), participant, item_id, x, y)
    except FeaError as error:
        st.session_state[f"place_msg_{item_id}"] = error


def item_placement(workshop: Workshop, participant: Participant, kind: str, matrix: Matrix, number: int) -> None:
    """Show one card per item with two 1-5 scales; an item may be skipped."""
    _step_header(number)
    if number == 4:
        chosen_problem_box(workshop)
    to_place = items.list_items(store(), workshop.id, kind)
    if not to_place:
        st.info(t("steps.nothing_to_place"), icon=":material/hourglass_top:")
        return
    mine = placement.my_placements(store(), participant, kind)
    st.caption(t("steps.place_help", done=len([i for i in to_place if i.id in mine]), total=len(to_place)))
    closed = _closed_notice(workshop)
    for item in to_place:
        saved = mine.get(item.id)
        message = st.session_state.pop(f"place_msg_{item.id}", None)
        with st.container(border=True, key=f"card_{item.id}"):
            st.markdown(f"**{item.number}.** {escape_markdown(item.text)}")
            if not closed:
                with st.form(f"place_{item.id}_{workshop.stage}", border=False):
                    _scale(matrix.y, f"y_{item.id}", saved[1] if saved else None)
                    _scale(matrix.x, f"x_{item.id}", saved[0] if saved else None)
                    st.form_submit_button(
                        t("steps.place_update" if saved else "steps.place_save"),
                        use_container_width=True,
                        type="secondary" if saved else "primary",
                        on_click=_save_placement,
                        args=(participant, item.id),
                    )
            if message == "both":
                st.warning(t("steps.place_both"), icon=":material/touch_app:")
            elif isinstance(message, FeaError):
                show_error(message)
            if saved:
                st.caption(t("steps.lands_in", quadrant=matrix.quadrants[classify(saved[0], saved[1], matrix)]))
