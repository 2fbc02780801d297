"""The facilitator's controls: step switching, round, results, timer, and each step's tools.

Drawn by the control view (pages/control.py) and, folded, by the room view's compact controls
(pages/screen.py), so one facilitator with one screen can still do everything. The tools of a
step are looked up in STEP_TOOLS, keyed by ``fea_core.flow.Activity.key``.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from fea_core import flow, step_timer, workshops
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
from fea_core.storage import utcnow
from ui import handleplan_view as plan
from ui import problem_solver_view as ps
from ui import talk_view
from ui.step_moves import go
from ui.auth import logout_button
from ui.context import language_switch, store, t
from ui.course_view import course_link
from ui.sharing_view import sharing_panel


def toggle_results(workshop: Workshop) -> None:
    """Reveal the step's results, or hide them again (only where the step has results)."""
    if flow.activity(workshop.activity).has_results:
        workshops.set_results_visible(store(), workshop.id, not workshop.results_visible)


def step_controls(workshop: Workshop) -> None:
    """Previous/next, the list of steps, open/close the round, reveal/hide the results."""
    step = flow.activity(workshop.activity)
    with st.container(key="step_buttons", horizontal=True, gap="small"):
        for name, offset, icon, kind in (("previous", -1, ":material/arrow_back:", "secondary"),
                                         ("next", 1, ":material/arrow_forward:", "primary")):
            target = flow.neighbour(step.key, offset)
            # Keyed by the step shown: a second click of a double click, made on this view, is this
            # button's and not the next view's (whose "next" would go one step further).
            st.button(t(f"control.{name}"), icon=icon, key=f"step_{name}_from_{step.key}", type=kind,
                      disabled=target is None, on_click=go, args=(workshop.id, step.key, target))
    # The steps as buttons, not a radio: a radio's choice lives on in the browser, which sent an
    # old one again after a rerun (measured under load: the room went back a step). A button
    # sends a click and nothing else, and go() checks that the room is still where it was drawn.
    st.markdown(f"**{t('screen.activity')}**")
    with st.container(key="step_list", gap=None):
        for key in flow.keys():
            current = key == step.key
            st.button(
                t(f"activity.{key}"), key=f"step_to_{key}_from_{step.key}", width="stretch",
                icon=":material/radio_button_checked:" if current else ":material/radio_button_unchecked:",
                type="primary" if current else "tertiary", help=t("control.current_step") if current else None,
                on_click=go, args=(workshop.id, step.key, key),
            )
    with st.container(key="round_buttons", horizontal=True, gap="small"):
        if step.has_round:
            if workshop.activity_open:
                if st.button(t("screen.close_round"), icon=":material/lock:", key="close_round"):
                    workshops.set_activity_open(store(), workshop.id, False)
                    st.rerun()
            elif st.button(t("screen.reopen_round"), icon=":material/lock_open:", key="reopen_round"):
                workshops.set_activity_open(store(), workshop.id, True)
                st.rerun()
        if step.has_results:
            if workshop.results_visible:
                if st.button(t("screen.hide_results"), icon=":material/visibility_off:", key="hide_results"):
                    workshops.set_results_visible(store(), workshop.id, False)
                    st.rerun()
            elif st.button(t("screen.show_results"), icon=":material/visibility:", type="primary", key="show_results"):
                workshops.set_results_visible(store(), workshop.id, True)
                st.rerun()
    if step.places and workshop.results_visible:
        ps.dots_toggle(step.places)  # the room view draws the dots as this says


def timer_controls(workshop: Workshop) -> None:
    """Start the step timer (1, 2, 3, 5 minutes or another number) or stop it."""
    st.markdown(f"**{t('timer.title')}**")
    if step_timer.is_running(workshop.timer_ends_at, utcnow()):
        local = workshop.timer_ends_at.astimezone()  # the server's clock time, as the room reads it
        st.caption(t("timer.running", time=f"{local:%H:%M:%S}"))
        if st.button(t("timer.stop"), icon=":material/timer_off:", key="timer_stop"):
            workshops.stop_timer(store(), workshop.id)
            st.rerun()
        return
    choices = [*step_timer.PRESET_MINUTES, "custom"]
    with st.container(key="timer_choice", horizontal=True, vertical_alignment="bottom", gap="small"):
        minutes = st.pills(
            t("timer.title"), choices, default=3, key="timer_minutes", label_visibility="collapsed",
            format_func=lambda m: t("timer.custom") if m == "custom" else t("timer.minutes", n=m),
        )
    if minutes == "custom":
        minutes = st.number_input(
            t("timer.custom"), min_value=1, max_value=step_timer.MAX_SECONDS // 60, value=10, step=1,
            key="timer_custom",
        )
    if st.button(t("timer.start"), icon=":material/timer:", key="timer_start", disabled=minutes is None):
        try:
            workshops.start_timer(store(), workshop.id, int(minutes) * 60)
        except ValueError:
            st.error(t("timer.bad_length", low=1, high=step_timer.MAX_SECONDS // 60), icon=":material/error:")
        else:
            st.rerun()


def _talk_tools(workshop: Workshop) -> None:
    talk_view.talk_tools(workshop)


def _item_tools(*kinds: str) -> Callable[[Workshop], None]:
    def tools(workshop: Workshop) -> None:
        for kind in kinds:
            ps.item_tools(workshop, kind)

    return tools


def _choose_tools(kind: str) -> Callable[[Workshop], None]:
    def tools(workshop: Workshop) -> None:
        ps.choose_tools(workshop, kind)

    return tools


def _concretise_tools(workshop: Workshop) -> None:
    plan.proposals_panel(workshop)
    plan.answers_editor(workshop)
    st.divider()
    plan.export_buttons(workshop)


def _implement_tools(workshop: Workshop) -> None:
    st.markdown(f"#### {t('plan.actions')}")
    st.caption(t("plan.actions_help"))
    plan.actions_editor(workshop)
    plan.follow_up_editor(workshop)
    st.divider()
    plan.export_buttons(workshop)


def _no_tools(workshop: Workshop) -> None:
    pass


STEP_TOOLS: dict[str, Callable[[Workshop], None]] = {
    ACTIVITY_WELCOME: _no_tools,
    ACTIVITY_TALK: _talk_tools,
    ACTIVITY_COMPETENCE: _no_tools,
    ACTIVITY_PROBLEMS: _item_tools("problem", "keep"),
    ACTIVITY_PROBLEM_MATRIX: _choose_tools("problem"),
    ACTIVITY_IDEAS: _item_tools("idea"),
    ACTIVITY_SOLUTION_MATRIX: _choose_tools("idea"),
    ACTIVITY_CONCRETISE: _concretise_tools,
    ACTIVITY_IMPLEMENT: _implement_tools,
}


def step_tools(workshop: Workshop) -> None:
    """Draw the current step's tools (merge, hide, edit, choose, trin 5 and 6 editing, exports)."""
    STEP_TOOLS.get(workshop.activity, _no_tools)(workshop)  # a step with nothing to steer needs no entry


def tool_kinds(workshop: Workshop) -> tuple[str, ...]:
    """Return the item kinds the current step's tools offer (they must follow the phones' lists)."""
    return flow.activity(workshop.activity).sends


def workshop_admin(workshop: Workshop, username: str) -> None:
    """Links away, ending or reopening the workshop, sharing, language and logout."""
    st.page_link("pages/workshops.py", label=t("screen.back"), icon=":material/arrow_back:")
    st.page_link("pages/interviews.py", label=t("interviews.link"), icon=":material/record_voice_over:",
                 query_params={"w": workshop.code})
    course_link(workshop, username)  # its forløb, when it belongs to one
    if workshop.is_ended:
        if st.button(t("screen.reopen_workshop"), icon=":material/restart_alt:", width="stretch"):
            workshops.reopen_workshop(store(), workshop.id)
            st.rerun()
    elif st.button(t("screen.end_workshop"), icon=":material/stop_circle:", width="stretch"):
        workshops.end_workshop(store(), workshop.id)
        st.rerun()
    sharing_panel(workshop, username)
    language_switch(key="screen_lang")
    logout_button()


def page_signature(workshop: Workshop) -> tuple:
    """Return what the controls and tools depend on; when it moves, the whole page is redrawn.

    The live part of a page reruns on every change of the workshop (phones answering too); it
    redraws the rest (the tools, whose open dropdowns and typed text a redraw would disturb)
    only when this changed: another step, round, results, timer or ending, the items the tools
    offer, or a new proposal to take over in trin 5.
    """
    kinds = tool_kinds(workshop)
    proposals = (
        sum(not p.adopted for p in plan.handleplan.proposals(store(), workshop.id))
        if workshop.activity == ACTIVITY_CONCRETISE else None
    )
    return (
        workshop.stage, workshop.results_visible, workshop.activity_open, workshop.ended_at, workshop.timer_ends_at,
        ps.tools_signature(workshop.id, kinds) if kinds else None, proposals,
    )
