"""Forløb pages' parts: the list and the new-forløb form, the steering group's overview and its
status report, the forløb's workshops (the next one starting from the previous), the steering group."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from fea_core import accounts, carry_over, courses, workshops
from fea_core.courses import Course
from fea_core.day_text import parse_day
from fea_core.errors import FeaError
from fea_core.export.common import short_date, status_label
from fea_core.export.status_docx import status_to_docx
from fea_core.export.status_outline import status_file_name
from fea_core.export.status_pdf import status_to_pdf
from fea_core.method import LANGUAGES
from fea_core.markdown_escape import escape_markdown
from fea_core.status_report import CourseStatus, build_course_status
from ui.auth import login_gate
from ui.context import language, method, store, t
from ui.day_field import day_field
from ui.errors import show_error

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


def course_login() -> None:
    """The login gate at /course for a session that is not logged in."""
    login_gate()


def day(value) -> str:
    """Return a date as the session's language writes it in a table."""
    return short_date(value, language())


# --- on the workshops page ----------------------------------------------------------------------


def course_list(username: str) -> None:
    """List the facilitator's forløb with links, and offer to create one."""
    st.markdown(f"#### {t('course.title_list')}")
    st.caption(t("course.intro"))
    mine = courses.list_courses(store(), username)
    if not mine:
        st.caption(t("course.none"))
    for course in mine:
        with st.container(border=True, key=f"course_{course.id}"):
            cols = st.columns([4, 2], vertical_alignment="center")
            cols[0].markdown(f"**{escape_markdown(course.name)}**  \n{escape_markdown(course.department)}")
            cols[0].caption(
                t("course.summary", workshops=courses.count_course_rows(store(), course.id), start=day(course.starts_on))
            )
            cols[1].page_link(
                "pages/course.py", label=t("course.open"), icon=":material/timeline:", query_params={"c": str(course.id)}
            )
    with st.expander(t("course.new"), icon=":material/add:"):
        new_course_form(username)


def new_course_form(username: str) -> None:
    """The form that creates a forløb; on success the session goes to its page."""
    with st.form("new_course"):
        name = st.text_input(t("course.name"), max_chars=workshops.NAME_MAX, placeholder=t("course.name_placeholder"))
        department = st.text_input(t("course.department"), max_chars=workshops.NAME_MAX)
        cols = st.columns(2)
        start = day_field(t("course.starts_on"), key="new_course_start", value=date.today(), container=cols[0])
        end = day_field(t("course.ends_on"), key="new_course_end", value=date.today() + timedelta(days=365),
                        container=cols[1])
        group = st.text_area(
            t("course.steering_group"), max_chars=courses.STEERING_GROUP_MAX, height=70,
            placeholder=t("course.steering_group_placeholder"),
        )
        lang = st.selectbox(
            t("course.language"), list(LANGUAGES), index=list(LANGUAGES).index(language()), format_func=LANGUAGE_NAMES.get
        )
        created = st.form_submit_button(t("course.create"), type="primary", width="stretch")
    if created:
        try:
            course = courses.create_course(
                store(), name=name, department=department, starts_on=parse_day(start), ends_on=parse_day(end),
                language=lang,
                owner=username, steering_group=group,
            )
        except FeaError as error:
            show_error(error)
        else:
            st.switch_page("pages/course.py", query_params={"c": str(course.id)})


def course_link(workshop, username: str) -> None:
    """Link a workshop's page to its forløb, when it belongs to one the facilitator may follow."""
    course = courses.course_of(store(), workshop.id)
    if courses.can_follow(store(), course, username):
        label = t("course.in_course", name=escape_markdown(course.name))
        st.page_link("pages/course.py", label=label, icon=":material/timeline:",
                      query_params={"c": str(course.id)})


# --- the course page --------------------------------------------------------------------------------


def header(course: Course) -> None:
    """The forløb's name, unit, period and owner."""
    st.title(escape_markdown(course.name), anchor=False)
    end = day(course.ends_on) if course.ends_on else t("course.open_end")
    names = {f.username: f.name for f in accounts.list_facilitators(store())}
    st.caption(
        f"{escape_markdown(course.department)} · {t('course.period', start=day(course.starts_on), end=end)} · "
        + t("course.owner", name=escape_markdown(names.get(course.owner, course.owner)))
    )


def overview(course: Course) -> None:
    """The steering group's overview: due and overdue actions, decisions with dates, the next follow-up."""
    status = build_course_status(store(), course.id, language())
    cols = st.columns(4)
    cols[0].metric(t("course.metric_open"), len(status.open_actions))
    cols[1].metric(t("course.metric_overdue"), len(status.overdue))
    cols[2].metric(t("course.metric_due"), len(status.due_soon))
    cols[3].metric(t("course.metric_next"), day(status.next_follow_up) if status.next_follow_up else t("course.not_set"))

    st.markdown(f"#### {t('course.actions_heading')}")
    if not status.actions:
        st.info(t("course.no_actions"), icon=":material/checklist:")
    else:
        # Fits a 1440 px wide screen with the sidebar open; a cell's full text is in its tooltip.
        widths = {"col_due": 125, "col_workshop": 150, "col_what": 260, "col_owner": 140,
                  "col_deadline": 85, "col_status": 95, "col_last": 105}
        st.dataframe(
            _actions_frame(status), hide_index=True, width="stretch", key="course_actions",
            column_config={t(f"course.{k}"): st.column_config.Column(width=w) for k, w in widths.items()},
        )
    left, right = st.columns([5, 2], gap="large")
    with left:
        st.markdown(f"#### {t('course.decisions_heading')}")
        not_chosen = t("course.not_chosen")
        st.dataframe(
            pd.DataFrame({
                t("course.col_date"): [day(d.workshop.held_on) for d in status.decisions],
                t("course.col_workshop"): [d.workshop.name for d in status.decisions],
                t("course.col_problem"): [d.problem or not_chosen for d in status.decisions],
                t("course.col_solution"): [d.solution or not_chosen for d in status.decisions],
            }),
            hide_index=True, width="stretch",
            column_config={t("course.col_date"): st.column_config.Column(width=90),
                           t("course.col_workshop"): st.column_config.Column(width=150)},
        )
    with right:
        st.markdown(f"#### {t('course.meetings_heading')}")
        if not status.meetings:
            st.caption(t("course.no_meetings"))
        for meeting in reversed(status.meetings):
            planned = f" ({t('course.planned')})" if meeting.held_on > status.today else ""
            st.markdown(f"**{day(meeting.held_on)}**{planned}")
            if meeting.notes:
                st.text(meeting.notes)
    st.divider()
    export_buttons(course)


def _actions_frame(status: CourseStatus) -> pd.DataFrame:
    lang = language()
    due = {"overdue": "⚠ " + t("course.due_overdue"), "due": t("course.due_due")}
    return pd.DataFrame({
        t("course.col_due"): [due.get(a.due, "") for a in status.actions],
        t("course.col_workshop"): [a.workshop.name for a in status.actions],
        t("course.col_what"): [f"{a.action.position}. {a.action.what}" for a in status.actions],
        t("course.col_owner"): [a.action.owner for a in status.actions],
        t("course.col_deadline"): [day(a.action.deadline) for a in status.actions],
        t("course.col_status"): [status_label(lang, a.action.status) for a in status.actions],
        t("course.col_last"): [day(a.last_update.at) if a.last_update else "–" for a in status.actions],
    })


def export_buttons(course: Course) -> None:
    """Offer the status report as Word and PDF in the forløb's language, built only when clicked."""

    def build(extension: str):
        def make():
            status = build_course_status(store(), course.id, course.language)
            names = {f.username: f.name for f in accounts.list_facilitators(store())}
            people = tuple(names.get(u, u) for u in (course.owner, *courses.course_facilitators(store(), course.id)))
            return (status_to_docx if extension == "docx" else status_to_pdf)(status, people)

        return make

    st.markdown(f"#### {t('course.export')}")
    cols = st.columns([1, 1, 2])
    for col, extension in zip(cols, ("docx", "pdf")):
        col.download_button(
            t(f"course.export_{extension}"), data=build(extension),
            file_name=status_file_name(course.name, course.language, date.today(), extension),
            mime=MIME[extension], key=f"course_export_{extension}", on_click="ignore", icon=":material/download:",
            width="stretch",
        )


def workshops_tab(course: Course, username: str) -> None:
    """The forløb's workshops in order, the next one from the previous, and adding an existing one."""
    listed = courses.course_workshops(store(), course.id)
    st.markdown(f"#### {t('course.workshops_heading')}")
    if not listed:
        st.info(t("course.no_workshops"), icon=":material/event:")
    for w in listed:
        with st.container(border=True, key=f"cw_{w.code}"):
            cols = st.columns([4, 2, 2], vertical_alignment="center")
            cols[0].markdown(f"**{escape_markdown(w.name)}**  \n{day(w.held_on)} · {escape_markdown(w.theme)}")
            cols[1].page_link("pages/screen.py", label=t("course.open_screen"), icon=":material/cast:",
                              query_params={"w": w.code})
            if w.owner == username and cols[2].button(t("course.remove"), key=f"cw_remove_{w.id}", type="tertiary"):
                courses.remove_workshop(store(), course.id, w.id)
                st.rerun()
    left, right = st.columns(2, gap="large")
    with left:
        next_workshop_form(course, listed[-1] if listed else None, username)
    with right:
        st.markdown(f"#### {t('course.add_existing')}")
        free = [w for w in workshops.list_workshops(store(), username)
                if w.owner == username and courses.course_of(store(), w.id) is None]
        if not free:
            st.caption(t("course.no_free_workshops"))
            return
        choice = st.selectbox(t("course.add_existing"), free, format_func=lambda w: f"{w.name} ({day(w.held_on)})",
                              label_visibility="collapsed", key="cw_add_choice")
        if st.button(t("course.add"), key="cw_add"):
            try:
                courses.add_workshop(store(), course.id, choice.id, by=username)
            except FeaError as error:
                show_error(error)
            else:
                st.rerun()


def next_workshop_form(course: Course, previous, username: str) -> None:
    """Create the next workshop; it starts from the previous one's open problems and actions (all chosen by default)."""
    st.markdown(f"#### {t('course.next_workshop')}")
    problems = carry_over.open_problems(store(), previous.id) if previous else []
    actions = carry_over.open_actions(store(), previous.id) if previous else []
    themes = list(method().talk_themes)
    with st.form("next_workshop"):
        if previous is not None:
            st.caption(t("course.next_from", name=escape_markdown(previous.name), date=day(previous.held_on)))
        name = st.text_input(t("course.workshop_name"), max_chars=workshops.NAME_MAX)
        held_on = day_field(t("course.workshop_date"), key="next_workshop_day", value=date.today())
        theme = st.selectbox(t("course.workshop_theme"), themes)
        chosen_problems = st.multiselect(
            t("course.carry_problems"), problems, default=problems, format_func=lambda i: f"{i.number}. {i.text}",
            placeholder=t("steps.choose_placeholder"),
        ) if problems else []
        chosen_actions = st.multiselect(
            t("course.carry_actions"), actions, default=actions, format_func=lambda a: f"{a.position}. {a.what}",
            placeholder=t("steps.choose_placeholder"),
        ) if actions else []
        created = st.form_submit_button(t("course.next_create"), type="primary", width="stretch")
    if created:
        try:
            new = carry_over.start_next_workshop(
                store(), course.id, previous_id=previous.id if previous else None, name=name,
                held_on=parse_day(held_on),
                theme=theme, owner=username, problem_ids=[p.id for p in chosen_problems],
                action_ids=[a.id for a in chosen_actions],
            )
        except FeaError as error:
            show_error(error)
        else:
            st.switch_page("pages/screen.py", query_params={"w": new.code})


def group_tab(course: Course, username: str) -> None:
    """The steering group: its members as named, and the facilitators who follow the forløb up."""
    is_owner = course.owner == username
    names = {f.username: f.name for f in accounts.list_facilitators(store())}
    with st.form("steering_group"):
        text = st.text_area(t("course.steering_group"), value=course.steering_group, height=90,
                            max_chars=courses.STEERING_GROUP_MAX, disabled=not is_owner)
        saved = st.form_submit_button(t("course.save_group"), disabled=not is_owner)
    if saved:
        try:
            courses.set_steering_group(store(), course.id, text)
        except FeaError as error:
            show_error(error)
        else:
            st.success(t("course.saved"), icon=":material/check:")
    st.markdown(f"#### {t('course.group_facilitators')}")
    st.caption(t("course.group_help"))
    members = courses.course_facilitators(store(), course.id)
    st.text(f"{names.get(course.owner, course.owner)} ({course.owner})")
    for user in members:
        cols = st.columns([3, 1], vertical_alignment="center")
        cols[0].text(f"{names.get(user, user)} ({user})")
        if is_owner and cols[1].button(t("roles.remove_member"), key=f"course_remove_{user}",
                                       help=t("roles.remove_member_help"), width="stretch"):
            try:
                courses.remove_course_facilitator(store(), course.id, user, by=username)
            except FeaError as error:
                show_error(error)
            else:
                st.rerun()
    if not is_owner:
        st.caption(t("course.only_owner"))
        return
    active = {f.username for f in accounts.list_facilitators(store(), active_only=True)}
    candidates = [u for u in names if u in active and u != course.owner and u not in members]
    if candidates:
        choice = st.selectbox(t("course.facilitator_username"), candidates,
                              format_func=lambda u: f"{names[u]} ({u})", key="course_add_facilitator")
        if st.button(t("course.add_facilitator"), key="course_add_facilitator_btn"):
            try:
                courses.add_course_facilitator(store(), course.id, choice, by=username)
            except FeaError as error:
                show_error(error)
            else:
                st.rerun()
    st.divider()
    delete_course_panel(course, username)


def delete_course_panel(course: Course, username: str) -> None:
    """Let the owner delete the forløb (its workshops stay); then back to the workshops page."""
    if course.owner != username:
        return
    with st.expander(t("course.delete_title"), icon=":material/delete:"):
        st.warning(t("course.delete_what"), icon=":material/warning:")
        sure = st.checkbox(t("course.delete_confirm"), key="course_delete_sure")
        if st.button(t("course.delete_button"), type="primary", disabled=not sure, key="course_delete"):
            courses.delete_course(store(), course.id, by=username)
            st.switch_page("pages/workshops.py")
