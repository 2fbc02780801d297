"""Facilitator: create a workshop, open the shared screen of one, or delete one for good."""

from datetime import date

import streamlit as st

from fea_core import participation, workshops
from fea_core.day_text import parse_day
from fea_core.errors import FeaError
from fea_core.method import LANGUAGES
from fea_core.markdown_escape import escape_markdown
from ui import style
from ui.auth import logout_button, require_facilitator
from ui.context import language, language_switch, method, store, t
from ui.course_view import course_list
from ui.day_field import day_field
from ui.deletion import delete_panel, deleted_notice
from ui.errors import show_error

username = require_facilitator()
style.screen()
with st.sidebar:
    st.page_link("pages/facilitators.py", label=t("workshops.facilitators_link"), icon=":material/manage_accounts:")
    language_switch(key="ws_lang")
    logout_button()

st.title(t("workshops.title"))
left, right = st.columns([2, 3], gap="large")

with left:
    st.subheader(t("workshops.new"))
    themes = list(method().talk_themes)
    with st.form("new_workshop", clear_on_submit=False):
        name = st.text_input(t("workshops.name"), max_chars=workshops.NAME_MAX, placeholder=t("workshops.name_placeholder"))
        department = st.text_input(t("workshops.department"), max_chars=workshops.NAME_MAX)
        # Typed as dd.mm.åååå: Streamlit's calendar is English and starts on Sunday (ui/day_field.py).
        held_on_text = day_field(t("workshops.date"), key="new_ws_date", value=date.today())
        theme_choice = st.selectbox(t("workshops.theme"), themes + [t("workshops.theme_other")])
        theme_free = st.text_input(t("workshops.theme_free"), max_chars=workshops.THEME_MAX)
        lang = st.selectbox(
            t("workshops.language"),
            list(LANGUAGES),
            index=list(LANGUAGES).index(language()),
            format_func={"da": "Dansk", "en": "English"}.get,
        )
        created = st.form_submit_button(t("workshops.create"), type="primary", width="stretch")
    if created:
        theme = theme_free if theme_choice not in themes else theme_choice
        try:
            held_on = parse_day(held_on_text)
            new = workshops.create_workshop(
                store(), name=name, department=department, held_on=held_on, theme=theme, language=lang, owner=username
            )
        except FeaError as error:
            show_error(error)
        else:
            st.switch_page("pages/screen.py", query_params={"w": new.code})
    st.divider()
    course_list(username)  # forløb: a unit's workshops and follow-up meetings over months

with right:
    st.subheader(t("workshops.mine"))
    deleted_notice()
    mine = workshops.list_workshops(store(), username)
    if not mine:
        st.info(t("workshops.none"), icon=":material/event_available:")
    for w in mine:
        with st.container(border=True, key=f"ws_{w.code}"):
            cols = st.columns([4, 2], vertical_alignment="center")
            cols[0].markdown(f"**{escape_markdown(w.name)}**  \n{escape_markdown(w.department)} · {w.held_on:%d.%m.%Y}")
            cols[0].caption(
                t("workshops.summary", code=w.code, joined=participation.count_participants(store(), w.id))
                + (f" · {t('workshops.ended')}" if w.is_ended else "")
            )
            cols[1].page_link(
                "pages/screen.py", label=t("workshops.open_screen"), icon=":material/cast:", query_params={"w": w.code}
            )
            cols[1].page_link(
                "pages/control.py", label=t("control.open_link"), icon=":material/tune:", query_params={"w": w.code}
            )
            cols[1].page_link(
                "pages/interviews.py", label=t("interviews.link"), icon=":material/record_voice_over:",
                query_params={"w": w.code},
            )
            if w.owner == username:  # a co-facilitator runs a workshop but may not delete it
                delete_panel(w, username)
