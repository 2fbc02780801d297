"""Arbejdsmiljøinterviewet on the interviewer's phone or tablet: guide, question plate, notes.

Every field saves when it is left (on_change), so a phone that locks mid-interview loses
nothing that was typed before; a refused text stays in its field with the reason under it.
"""

from __future__ import annotations

import streamlit as st

from fea_core import interviews as iv
from fea_core.errors import FeaError
from fea_core.interviews import Interview, InterviewerLink
from fea_core.model import Workshop
from fea_core.markdown_escape import escape_markdown
from ui.context import method, store, t
from ui.errors import error_message

NUMBER_PARAM = "n"  # the open interview's number, in the URL so a reload stays on it
ACROSS = ""  # a point about the interview as a whole, not one theme (a selectbox cannot offer None)


def header(workshop: Workshop, link: InterviewerLink) -> None:
    """Show whose interviews these are and the duty of confidentiality."""
    st.title(t("interview.title"), anchor=False)
    st.caption(t("interview.for_workshop", name=escape_markdown(workshop.name), label=escape_markdown(link.label)))
    st.info(t("interview.confidential"), icon=":material/lock:")


# How many of a guide part's questions follow each of its points, as laid out in the seed
# ("Start interviewet med følgende spørgsmål:" is followed by two questions, and so on).
QUESTIONS_AFTER = {"inden": (0, 0, 2, 1), "undervejs": (0, 3, 3), "afrunding": (1, 0)}


def guide() -> None:
    """Show 'Guide til arbejdsmiljøinterviewet': its three parts, each question under its point."""
    with st.expander(t("interview.guide"), icon=":material/menu_book:"):
        for part in method().guide:
            st.markdown(f"**{part.title}**")
            counts = QUESTIONS_AFTER.get(part.key, ())
            if len(counts) != len(part.points) or sum(counts) != len(part.questions):
                counts = (0,) * (len(part.points) - 1) + (len(part.questions),)
            lines, asked = [], 0
            for point, count in zip(part.points, counts):
                lines.append(f"- {escape_markdown(point)}")
                lines += [f"    > *{escape_markdown(q)}*  " for q in part.questions[asked:asked + count]]
                asked += count
            st.markdown("\n".join(lines))


def plate() -> None:
    """Show 'Spørgeplade til arbejdsmiljø interviewet': six themes with every sub-question."""
    with st.expander(t("interview.plate"), icon=":material/view_module:"):
        for number, theme in enumerate(method().interview_themes, start=1):
            st.markdown(f"**{number}\\. {escape_markdown(theme.title)}**")
            st.markdown("\n".join(f"- {escape_markdown(q)}" for q in theme.questions))


def picker(link: InterviewerLink) -> Interview | None:
    """Let the interviewer open one of their interviews or start a new one; return the open one."""
    mine = iv.interviews_of(store(), link)
    if st.button(t("interview.new"), icon=":material/add:", type="primary" if not mine else "secondary",
                 width="stretch", key="new_interview"):
        try:
            new = iv.start_interview(store(), link)
        except FeaError as error:
            st.error(error_message(error), icon=":material/error:")
        else:
            st.query_params[NUMBER_PARAM] = str(new.number)
            st.rerun()
    if not mine:
        st.caption(t("interview.none_yet"))
        return None
    numbers = [i.number for i in mine]
    wanted = st.query_params.get(NUMBER_PARAM, "")
    current = int(wanted) if wanted.isdigit() and int(wanted) in numbers else numbers[-1]
    by_number = {i.number: i for i in mine}

    def label(number: int) -> str:
        done = " ✓" if by_number[number].confirmed else ""
        return t("interview.number", number=number) + done

    def remember_choice() -> None:
        # Runs before the script: the URL names the new choice, so the lines above read it.
        st.query_params[NUMBER_PARAM] = str(st.session_state["open_interview"])

    if st.session_state.get("open_interview") != current:
        st.session_state["open_interview"] = current  # a new interview, or the URL named one
    chosen = st.selectbox(t("interview.open"), numbers, format_func=label, key="open_interview",
                          on_change=remember_choice)
    if str(chosen) != wanted:
        st.query_params[NUMBER_PARAM] = str(chosen)
    return by_number[chosen]


def _saver(link: InterviewerLink, number: int, key: str, save) -> None:
    """Save a widget's value with ``save(value)``; remember a refusal to show under the field."""
    try:
        save(st.session_state[key])
    except FeaError as error:
        st.session_state[f"{key}__error"] = error_message(error)
    else:
        st.session_state.pop(f"{key}__error", None)
        st.session_state["interview_saved"] = True


def _field_error(key: str) -> None:
    message = st.session_state.get(f"{key}__error")
    if message:
        st.error(message, icon=":material/error:")


def _text_area(link, interview: Interview, key: str, label: str, value: str, save, *, max_chars: int, help=None):
    if key not in st.session_state:
        st.session_state[key] = value
    st.text_area(label, key=key, max_chars=max_chars, help=help, height=90,
                 on_change=_saver, args=(link, interview.number, key, save))
    _field_error(key)


def theme_notes(link: InterviewerLink, interview: Interview) -> None:
    """Per theme: its sub-questions, what works well, and a problem with the guide's follow-up questions."""
    m = method()
    follow_up = m.guide[1].questions  # Undervejs: three for problems, then three for what works
    labels = {
        "works_well": t("interview.works_well"),
        "problem": t("interview.problem"),
        "how_long": follow_up[0],
        "sustains": follow_up[1],
        "could_solve": follow_up[2],
    }
    helps = {"works_well": " ".join(follow_up[3:]), "problem": None}
    for number, theme in enumerate(m.interview_themes, start=1):
        note = interview.note(theme.key)
        marks = (" · " + t("interview.mark_problem") if note.mentions_problem else "") + (
            " · " + t("interview.mark_works") if note.mentions_works_well else "")
        with st.expander(f"{number}. {theme.title}{marks}", key=f"theme_{interview.number}_{theme.key}"):
            st.markdown("\n".join(f"- {escape_markdown(q)}" for q in theme.questions))
            for field_name in iv.NOTE_FIELDS:
                key = f"note_{interview.number}_{theme.key}_{field_name}"
                _text_area(
                    link, interview, key, labels[field_name], getattr(note, field_name),
                    lambda value, th=theme.key, fn=field_name: iv.save_note(
                        store(), link, interview.number, th, fn, value),
                    max_chars=iv.NOTE_MAX, help=helps.get(field_name),
                )


def wrap_up(link: InterviewerLink, interview: Interview) -> None:
    """Afrunding: the good advice, the three most important points and the interviewee's agreement."""
    m = method()
    afrunding = m.guide[2]
    st.subheader(afrunding.title, anchor=False)
    n = interview.number
    _text_area(link, interview, f"advice_{n}", afrunding.questions[0], interview.advice,
               lambda value: iv.save_advice(store(), link, n, value), max_chars=iv.ADVICE_MAX)
    st.markdown(f"**{t('interview.points')}**")
    st.caption(afrunding.points[1])
    themes = [ACROSS, *(th.key for th in m.interview_themes)]
    titles = {th.key: th.title for th in m.interview_themes}
    for position in iv.POINT_POSITIONS:
        point = interview.point(position)
        text_key, theme_key = f"point_{n}_{position}", f"point_theme_{n}_{position}"
        if text_key not in st.session_state:
            st.session_state[text_key] = point.text if point else ""
            st.session_state[theme_key] = (point.theme if point else None) or ACROSS

        def save(_value, position=position, text_key=text_key, theme_key=theme_key):
            return iv.save_point(store(), link, n, position, st.session_state[text_key],
                                 st.session_state[theme_key] or None)

        with st.container(border=True, key=f"point_box_{n}_{position}"):
            st.text_input(t("interview.point", position=position), key=text_key, max_chars=iv.POINT_MAX,
                          on_change=_saver, args=(link, n, text_key, save))
            st.selectbox(t("interview.point_theme"), themes, key=theme_key,
                         format_func=lambda k: titles.get(k) or t("interview.across_themes"),
                         on_change=_saver, args=(link, n, text_key, save))
            _field_error(text_key)
            if point and point.item_id is not None:
                st.caption(t("interview.point_sent"))
    people_key, confirmed_key = f"group_size_{n}", f"confirmed_{n}"
    st.session_state.setdefault(people_key, interview.group_size)
    st.session_state.setdefault(confirmed_key, interview.confirmed)
    st.number_input(t("interview.group_size"), min_value=1, max_value=iv.GROUP_SIZE_MAX, step=1, key=people_key,
                    on_change=_saver, args=(link, n, people_key,
                                            lambda v: iv.set_group_size(store(), link, n, int(v))))
    _field_error(people_key)
    st.checkbox(t("interview.confirmed"), key=confirmed_key,
                on_change=_saver, args=(link, n, confirmed_key, lambda v: iv.set_confirmed(store(), link, n, v)))
    _field_error(confirmed_key)


def saved_note() -> None:
    """Say that what was typed is saved."""
    if st.session_state.pop("interview_saved", False):
        st.toast(t("interview.saved_toast"), icon=":material/check_circle:")
    st.caption(t("interview.all_saved"))
