"""What the room sees in each step: one view per ``fea_core.flow.Activity.key``, read-only.

The room view (pages/screen.py) looks its step up in ROOM_VIEWS; tests/test_flow.py checks that
every declared step has one. None of these draws a facilitator control: the tools live in
ui/control_panel.py (the control view, and the room view's folded compact controls).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import streamlit as st

from fea_core import flow
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IDEAS,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_TALK,
    ACTIVITY_WELCOME,
    Workshop,
)
from ui import handleplan_view as plan
from ui import interview_summary_view as interviews_view
from ui import problem_solver_view as ps
from ui import talk_view
from ui.competence_view import competence_panel
from ui.context import t
from ui.join_panel import qr_alt, qr_png


def join_strip(workshop: Workshop, joined: int, url: str) -> None:
    """The compact join line beside the title: a small QR code, the address and code, who has joined.

    Nothing where the flow shows none (the welcome step has the full one, the talk none).
    """
    if not flow.activity(workshop.activity).join_strip:
        return
    with st.container(key="room_join_strip", horizontal=True, vertical_alignment="center", gap="small"):
        # Small once phones have joined; larger while the room still has to scan it.
        st.image(qr_png(url), width=56 if joined else 96, alt=qr_alt(url, workshop.code))
        st.html(
            f"<div class='fea-strip' data-testid='join-strip'>{escape(t('room.join_short', url=url, code=workshop.code))}"
            f" · <b>{escape(t('room.joined_short', n=joined))}</b></div>"
        )


def _welcome(workshop: Workshop, joined: int, url: str) -> None:
    cols = st.columns([2, 3], vertical_alignment="center", gap="large")
    with cols[0], st.container(key="room_qr"):
        st.image(qr_png(url), width="stretch", alt=qr_alt(url, workshop.code))
    with cols[1]:
        st.markdown(f"<div class='fea-big'>{t('screen.go_to')}</div>", unsafe_allow_html=True)
        st.html(f"<div class='fea-url'>{escape(url)}</div>")
        st.markdown(f"<div class='fea-big'>{t('screen.enter_code')}</div>", unsafe_allow_html=True)
        st.markdown(f"<div class='fea-code' data-testid='join-code'>{workshop.code}</div>", unsafe_allow_html=True)
        st.metric(t("screen.joined"), joined)
    if workshop.is_ended:
        st.warning(t("screen.ended"), icon=":material/stop_circle:")


def _talk(workshop: Workshop, joined: int, url: str) -> None:
    talk_view.talk_panel(workshop, room=True)


def _competence(workshop: Workshop, joined: int, url: str) -> None:
    competence_panel(workshop, joined, room=True)


def _problems(workshop: Workshop, joined: int, url: str) -> None:
    ps.step_heading(1)
    interviews_view.screen_strip(workshop)  # counts only: raw notes never reach this screen
    cols = st.columns(2, gap="large")
    with cols[0]:
        ps.item_list(workshop, "problem")
    with cols[1]:
        ps.item_list(workshop, "keep")


def _matrix(kind: str, trin: int) -> Callable[[Workshop, int, str], None]:
    def view(workshop: Workshop, joined: int, url: str) -> None:
        ps.step_heading(trin)
        if workshop.results_visible:
            ps.matrix_view(workshop, kind, ps.matrix_for(kind), room=True)
        else:
            st.info(t("steps.matrix_hidden"), icon=":material/visibility_off:")

    return view


def _ideas(workshop: Workshop, joined: int, url: str) -> None:
    ps.step_heading(3)
    ps.chosen_problem_box(workshop)
    ps.item_list(workshop, "idea")


def _concretise(workshop: Workshop, joined: int, url: str) -> None:
    ps.step_heading(5)
    plan.chosen_solution_box(workshop)
    plan.answers_for_room(workshop)


def _implement(workshop: Workshop, joined: int, url: str) -> None:
    ps.step_heading(6)
    plan.chosen_solution_box(workshop)
    plan.actions_for_room(workshop)


ROOM_VIEWS: dict[str, Callable[[Workshop, int, str], None]] = {
    ACTIVITY_WELCOME: _welcome,
    ACTIVITY_TALK: _talk,
    ACTIVITY_COMPETENCE: _competence,
    ACTIVITY_PROBLEMS: _problems,
    ACTIVITY_PROBLEM_MATRIX: _matrix("problem", 2),
    ACTIVITY_IDEAS: _ideas,
    ACTIVITY_SOLUTION_MATRIX: _matrix("idea", 4),
    ACTIVITY_CONCRETISE: _concretise,
    ACTIVITY_IMPLEMENT: _implement,
}


def room_view(workshop: Workshop, joined: int, url: str) -> None:
    """Draw what the room sees in the current step (below the title row with its join strip)."""
    ROOM_VIEWS[workshop.activity](workshop, joined, url)
