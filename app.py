"""Entry point: builds the page list for this session's role, nothing else."""

import streamlit as st

from ui.accessibility import every_page
from ui.auth import facilitator_username, facilitators_login, screen_login, workshops_login
from ui.context import sync_language_from_url
from ui.interview_summary_view import interviews_login
from ui.course_view import course_login

sync_language_from_url()
is_facilitator = facilitator_username() is not None
st.set_page_config(
    page_title="Arbejdsmiljøpakken",
    page_icon=":material/diversity_3:",
    layout="wide" if is_facilitator else "centered",
)
every_page()  # <html lang> and contrast fixes (WCAG 2.1 AA)

join = st.Page("pages/join.py", title="Deltag", icon=":material/smartphone:", default=True)
login = st.Page("pages/login.py", title="Facilitator", icon=":material/login:", url_path="facilitator")
# Interviewers (AMR, TR, a colleague) have no account: their secret link opens this page for anyone.
interview = st.Page("pages/interview.py", title="Interview", icon=":material/record_voice_over:", url_path="interview")
statement = st.Page("pages/accessibility.py", title="Tilgængelighed", url_path="tilgaengelighed")
if is_facilitator:
    pages = [
        st.Page("pages/workshops.py", title="Workshops", icon=":material/event:", url_path="workshops"),
        st.Page("pages/screen.py", title="Storskærm", icon=":material/cast:", url_path="screen"),
        st.Page(
            "pages/facilitators.py", title="Facilitatorer", icon=":material/manage_accounts:", url_path="facilitators"
        ),
        st.Page(
            "pages/interviews.py", title="Interviews", icon=":material/record_voice_over:", url_path="interviews"
        ),
        st.Page("pages/course.py", title="Forløb", icon=":material/timeline:", url_path="course"),
        login,
        join,
        interview,
        statement,
    ]
    st.navigation(pages, position="hidden").run()
else:
    # A participant gets no facilitator page, only the login form at those URLs.
    gates = [
        st.Page(screen_login, title="Facilitator", url_path="screen"),
        st.Page(workshops_login, title="Facilitator", url_path="workshops"),
        st.Page(facilitators_login, title="Facilitator", url_path="facilitators"),
        st.Page(interviews_login, title="Facilitator", url_path="interviews"),
        st.Page(course_login, title="Facilitator", url_path="course"),
    ]
    st.navigation([join, login, interview, statement, *gates], position="hidden").run()
