"""The Vidensoplæg on the shared screen (presenter view) and on the phones (listen along)."""

from __future__ import annotations

import streamlit as st

from fea_core import talk
from fea_core.errors import FeaError
from fea_core.method import load_method
from fea_core.model import ACTIVITY_COMPETENCE, ACTIVITY_TALK, Workshop
from fea_core.model_figure import competence_circle
from fea_core.i18n import translate
from fea_core.markdown_escape import escape_markdown
from ui.context import language, method, store, t
from ui.errors import show_error
from ui.step_moves import go

SUGGESTED = ("talk.suggested_1", "talk.suggested_2", "talk.suggested_3")

_TALK_CSS = """
<style>
.st-key-talk_view h1 { font-size: 3rem !important; line-height: 1.15; }
.st-key-talk_questions p, .st-key-talk_questions li { font-size: 1.7rem !important; line-height: 1.4; }
.st-key-talk_theme p { font-size: 1.5rem !important; }
</style>
"""

# On the projector: a smaller title and questions, the circle scaled to fit its column and the
# viewport (its labels ran into the questions at 1280 px).
_ROOM_TALK_CSS = """
<style>
.st-key-talk_view h1 { font-size: 2rem !important; line-height: 1.15; padding: 0 0 .3rem 0; }
.st-key-talk_view [data-testid="stVegaLiteChart"] :is(canvas, svg.marks) { max-height: calc(100vh - 14rem) !important; }
.st-key-talk_questions p, .st-key-talk_questions li { font-size: 1.45rem !important; line-height: 1.35; }
</style>
"""


@st.cache_data(max_entries=4, show_spinner=False)
def circle_spec(lang: str) -> dict:
    """Return the competence model's circle as a Vega-Lite spec (the same for every workshop)."""
    m = load_method(lang)
    return competence_circle(
        m.factors, low=translate(lang, "talk.low"), high=translate(lang, "talk.high"), width=780, height=540
    ).to_dict()


def questions_for(workshop: Workshop) -> tuple[str, ...]:
    """Return the saved dialogue questions, or the product's suggestions until some are saved."""
    saved = talk.get_questions(store(), workshop.id)
    return tuple(t(key) for key in SUGGESTED) if saved is None else saved


def talk_panel(workshop: Workshop, *, room: bool = False) -> None:
    """Present the talk: the theme, the competence model's circle and the dialogue questions.

    ``room``: the projector's version, whose CSS (ui/style.room) scales the circle to its column.
    """
    st.html(_ROOM_TALK_CSS if room else _TALK_CSS)
    m = method()
    with st.container(key="talk_view"):
        st.title(f"{t('activity.talk')}: {escape_markdown(workshop.theme)}", anchor=False)
        left, right = st.columns([3, 2], gap="large", vertical_alignment="center")
        with left:
            st.markdown(f"### {m.competence_model}")
            st.vega_lite_chart(circle_spec(language()), width="content", theme=None, key="talk_circle")
            st.caption(m.competence_caption)
        with right:
            questions = questions_for(workshop)
            if questions:
                st.markdown(f"### {t('talk.questions')}")
                with st.container(key="talk_questions"):
                    st.markdown("\n".join(f"{i}. {escape_markdown(q)}" for i, q in enumerate(questions, 1)))


def talk_tools(workshop: Workshop) -> None:
    """Below the presenter view: edit the dialogue questions; go on to the competence rating."""
    st.button(t("talk.to_rating"), type="primary", icon=":material/arrow_forward:", key="talk_to_rating",
              on_click=go, args=(workshop.id, ACTIVITY_TALK, ACTIVITY_COMPETENCE))
    with st.expander(t("talk.edit"), icon=":material/edit:"):
        st.caption(t("talk.edit_help", limit=talk.QUESTIONS_MAX))
        key = f"talk_questions_text_{workshop.id}"
        if key not in st.session_state:
            st.session_state[key] = "\n".join(questions_for(workshop))
        with st.form("talk_questions_form", border=False):
            st.text_area(t("talk.questions"), key=key, height=180,
                         max_chars=(talk.QUESTION_MAX + 1) * talk.QUESTIONS_MAX)
            saved = st.form_submit_button(t("talk.save"), icon=":material/save:")
        if saved:
            try:
                kept = talk.save_questions(store(), workshop.id, st.session_state[key].splitlines())
            except FeaError as error:
                show_error(error)  # the typed text stays in the field
            else:
                st.success(t("talk.saved", n=len(kept)), icon=":material/check_circle:")
