"""Each session's script: builds the page list for this session's role, nothing else.

app.py serves it (with the phones' HTTP routes); `streamlit run app.py` starts the product.
"""

import logging
from pathlib import Path

import streamlit as st

from ui.auth import control_login, current_facilitator, facilitators_login, screen_login, workshops_login
from ui.server import entry
from ui.accessibility import every_page
from ui.context import sync_language_from_url, t
from ui.interview_summary_view import interviews_login
from ui.course_view import course_login

sync_language_from_url()
if not entry.serving():
    # Started as `streamlit run navigation.py` (or another way without app.py's App): the phones'
    # answers would get HTTP 405 and blame the network. Say so on every page and in the log.
    # One page for every URL, so no page of pages/ runs without this check either.
    logging.getLogger(__name__).error("Started without app.py's routes; use `streamlit run app.py`.")
    st.navigation([st.Page(lambda: st.error(t("entry.no_routes")), title="Arbejdsmiljøpakken")],
                  position="hidden").run()
    st.stop()
is_facilitator = current_facilitator() is not None  # also ends a login ended elsewhere
st.set_page_config(
    page_title="Arbejdsmiljøpakken",
    # A file shipped with the app: a ":material/..." icon made every browser fetch it from Google.
    page_icon=str(Path(__file__).parent / "ui" / "static" / "favicon.png"),
    layout="wide" if is_facilitator else "centered",
)
every_page()  # <html lang> and contrast fixes (WCAG 2.1 AA)

# Page titles are the browser tab's title: in the session's language.
join = st.Page("pages/join.py", title=t("nav.join"), icon=":material/smartphone:", default=True)
login = st.Page("pages/login.py", title=t("nav.facilitator"), icon=":material/login:", url_path="facilitator")
# Interviewers (AMR, TR, a colleague) have no account: their secret link opens this page for anyone.
interview = st.Page("pages/interview.py", title=t("nav.interview"), icon=":material/record_voice_over:",
                    url_path="interview")
statement = st.Page("pages/accessibility.py", title=t("nav.accessibility"), url_path="tilgaengelighed")
if is_facilitator:
    pages = [
        st.Page("pages/workshops.py", title=t("nav.workshops"), icon=":material/event:", url_path="workshops"),
        st.Page("pages/screen.py", title=t("nav.screen"), icon=":material/cast:", url_path="screen"),
        st.Page("pages/control.py", title=t("nav.control"), icon=":material/tune:", url_path="control"),
        st.Page(
            "pages/facilitators.py", title=t("nav.facilitators"), icon=":material/manage_accounts:",
            url_path="facilitators",
        ),
        st.Page(
            "pages/interviews.py", title=t("nav.interviews"), icon=":material/record_voice_over:", url_path="interviews"
        ),
        st.Page("pages/course.py", title=t("nav.course"), icon=":material/timeline:", url_path="course"),
        login,
        join,
        interview,
        statement,
    ]
    st.navigation(pages, position="hidden").run()
else:
    # A participant gets no facilitator page, only the login form at those URLs.
    gates = [
        st.Page(screen_login, title=t("nav.facilitator"), url_path="screen"),
        st.Page(control_login, title=t("nav.facilitator"), url_path="control"),
        st.Page(workshops_login, title=t("nav.facilitator"), url_path="workshops"),
        st.Page(facilitators_login, title=t("nav.facilitator"), url_path="facilitators"),
        st.Page(interviews_login, title=t("nav.facilitator"), url_path="interviews"),
        st.Page(course_login, title=t("nav.facilitator"), url_path="course"),
    ]
    st.navigation([join, login, interview, statement, *gates], position="hidden").run()
