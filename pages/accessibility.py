"""The accessibility statement (tilgængelighedserklæring) that Danish public bodies must publish."""

import streamlit as st

from ui import style
from ui.context import language_switch, t

style.phone()
language_switch("a11y_lang")
st.title(t("a11y.statement_title"), anchor=False)
st.markdown(t("a11y.statement_intro"))
st.subheader(t("a11y.statement_met_title"), anchor=False)
st.markdown(t("a11y.statement_met"))
st.subheader(t("a11y.statement_not_met_title"), anchor=False)
st.markdown(t("a11y.statement_not_met"))
st.subheader(t("a11y.statement_report_title"), anchor=False)
st.markdown(t("a11y.statement_report"))
