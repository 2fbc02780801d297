"""A follow-up meeting of the steering group: go through the actions, record each one's status
and notes (dated, never overwritten), and see its history."""

from __future__ import annotations

from datetime import date

import streamlit as st

from fea_core import action_history, courses
from fea_core.courses import Course, Meeting
from fea_core.day_text import parse_day
from fea_core.errors import FeaError
from fea_core.export.common import status_label
from fea_core.report import ACTION_STATUSES
from fea_core.status_report import TrackedAction, build_course_status
from ui.context import language, store, t
from ui.course_view import day
from ui.day_field import day_field
from ui.errors import show_error

NOTICE = "follow_up_notice"
NEW_MEETING_DAY, NEW_MEETING_NOTES, NEW_MEETING_ERROR = "new_meeting_day", "new_meeting_notes", "new_meeting_error"
ERROR = "follow_up_error"  # (action id, error) of the last failed update


def meeting_picker(course: Course, username: str) -> Meeting | None:
    """Choose the meeting being held (newest first) or create a new one; return the chosen one."""
    meetings = list(reversed(courses.list_meetings(store(), course.id)))
    with st.expander(t("course.meeting_new"), icon=":material/add:", expanded=not meetings):
        if failed := st.session_state.pop(NEW_MEETING_ERROR, None):
            show_error(failed)
        # A new meeting starts empty: the fields are emptied once it is created (not the
        # previous meeting's notes, which were then saved a second time with the new one).
        with st.form("new_meeting"):
            day_field(t("course.meeting_date"), key=NEW_MEETING_DAY, value=date.today())
            st.text_area(t("course.meeting_notes"), height=70, max_chars=courses.NOTES_MAX, key=NEW_MEETING_NOTES)
            st.caption(t("day_field.save_hint"))
            st.form_submit_button(t("course.meeting_create"), type="primary", on_click=_create_meeting,
                                  args=(course.id, username))
    if not meetings:
        st.info(t("course.no_meeting_yet"), icon=":material/event_note:")
        return None
    ids = [m.id for m in meetings]
    if st.session_state.get("meeting_id") not in ids:
        # Today's meeting (or the latest held), not one planned for later.
        held = [m.id for m in meetings if m.held_on <= date.today()]
        st.session_state["meeting_id"] = held[0] if held else ids[-1]
    by_id = {m.id: m for m in meetings}
    chosen = st.selectbox(
        t("course.meeting_choose"), ids, key="meeting_id",
        format_func=lambda i: day(by_id[i].held_on) + (f" ({t('course.planned')})" if by_id[i].held_on > date.today() else ""),
    )
    meeting = by_id[chosen]
    with st.form(f"meeting_notes_{meeting.id}", border=False):
        notes = st.text_area(t("course.meeting_notes"), value=meeting.notes, height=80, max_chars=courses.NOTES_MAX)
        if st.form_submit_button(t("course.meeting_save_notes")):
            try:
                meeting = courses.save_meeting_notes(store(), meeting.id, notes)
            except FeaError as error:
                show_error(error)
            else:
                st.success(t("course.meeting_saved"), icon=":material/check:")
    return meeting


def _create_meeting(course_id: int, username: str) -> None:
    """Create the meeting from the form (a callback: it empties the form once the meeting is saved)."""
    state = st.session_state
    try:
        held_on = parse_day(state.get(NEW_MEETING_DAY, ""))
        meeting = courses.add_meeting(store(), course_id, held_on, state.get(NEW_MEETING_NOTES, ""), by=username)
    except FeaError as error:
        state[NEW_MEETING_ERROR] = error  # what was typed stays in the form
        return
    state["meeting_id"] = meeting.id
    state[NEW_MEETING_NOTES] = ""
    state.pop(NEW_MEETING_DAY, None)  # today again, next time


def follow_up(course: Course, username: str) -> None:
    """The follow-up meeting: the meeting itself, then one card per action to update."""
    meeting = meeting_picker(course, username)
    st.divider()
    st.caption(t("course.follow_up_help"))
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice, icon=":material/check_circle:")
    show_settled = st.toggle(t("course.show_settled"), key="show_settled")
    status = build_course_status(store(), course.id, language())
    shown = status.actions if show_settled else status.open_actions
    if not shown:
        st.info(t("course.no_open_actions"), icon=":material/task_alt:")
    for tracked in shown:
        action_card(tracked, meeting, username)


def action_card(tracked: TrackedAction, meeting: Meeting | None, username: str) -> None:
    """One action: what it is and how it stands, a form to record its status now, and its history."""
    lang = language()
    action = tracked.action
    with st.container(border=True, key=f"fu_{action.id}"):
        head = st.columns([5, 2], vertical_alignment="center")
        head[0].caption(t("course.agreement", n=action.position, workshop=_plain(tracked.workshop.name)))
        if tracked.due == "overdue":
            head[1].badge(t("course.due_overdue"), icon=":material/warning:", color="red")
        elif tracked.due == "due":
            head[1].badge(t("course.due_due"), icon=":material/schedule:", color="orange")
        st.markdown(f"**{_plain(action.what)}**")
        st.caption(t(
            "course.facts", owner=_plain(action.owner) or t("course.nobody"),
            deadline=day(action.deadline), status=status_label(lang, action.status),
        ))
        if meeting is not None:
            _update_form(tracked, meeting, username)
        _history(tracked)


def _plain(text: str) -> str:
    from fea_core.markdown_escape import escape_markdown

    return escape_markdown(text)


def _save_update(action, meeting_id: int, username: str) -> None:
    """Record the form's update (a callback: it may empty the form's fields once saved)."""
    key = lambda field: f"fu_{field}_{action.id}"  # noqa: E731
    state = st.session_state
    try:
        action_history.record_update(
            store(), action.id, status=state[key("status")], works=state.get(key("works")),
            not_working=state.get(key("not_working")), adjustment=state.get(key("adjustment")),
            deadline=parse_day(state.get(key("deadline"), ""), required=False), meeting_id=meeting_id, by=username,
        )
    except FeaError as error:
        state[ERROR] = (action.id, error)  # what was typed stays in the form
    else:
        for field in ("works", "not_working", "adjustment"):
            state[key(field)] = ""
        state[NOTICE] = t("course.saved_update", n=action.position, status=status_label(language(), state[key("status")]))


def _update_form(tracked: TrackedAction, meeting: Meeting, username: str) -> None:
    action = tracked.action
    lang = language()
    failed = st.session_state.get(ERROR)
    if failed and failed[0] == action.id:
        st.session_state.pop(ERROR)
        show_error(failed[1])
    with st.form(f"fu_form_{action.id}", border=False):
        top = st.columns([2, 2, 3])
        top[0].selectbox(
            t("course.update_status"), list(ACTION_STATUSES), index=list(ACTION_STATUSES).index(action.status),
            format_func=lambda s: status_label(lang, s), key=f"fu_status_{action.id}",
        )
        day_field(t("course.new_deadline"), key=f"fu_deadline_{action.id}", value=action.deadline, container=top[1])
        notes = st.columns(3)
        for column, field in zip(notes, ("works", "not_working", "adjustment")):
            column.text_area(t(f"course.{field}"), height=80, max_chars=action_history.NOTE_MAX,
                             key=f"fu_{field}_{action.id}")
        st.caption(t("day_field.save_hint"))
        st.form_submit_button(
            t("course.save_update"), icon=":material/save:", key=f"fu_save_{action.id}",
            on_click=_save_update, args=(action, meeting.id, username),
        )


def _history(tracked: TrackedAction) -> None:
    lang = language()
    with st.expander(t("course.history", n=len(tracked.updates)), icon=":material/history:"):
        if action_history.carried_from(store(), tracked.action.id) is not None:
            st.caption(t("course.carried"))
        for update in reversed(tracked.updates):  # newest first
            line = t("course.history_entry", date=day(update.at), status=status_label(lang, update.status))
            if update.deadline:
                line += " · " + t("course.history_deadline", date=day(update.deadline))
            st.markdown(f"**{line}**")
            for name, text in ((t("course.works"), update.works), (t("course.not_working"), update.not_working),
                               (t("course.adjustment"), update.adjustment)):
                if text:
                    st.text(f"{name}: {text}")
        st.caption(t("course.agreed", date=day(action_history.agreed_on(store(), tracked.action.id))))
