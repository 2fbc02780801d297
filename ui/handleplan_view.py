"""The handleplan: trin 5's answers, trin 6's agreements, the follow-up and the exports.

Written live in a meeting, so every editor is a form (``st.form``): typing costs the server
nothing, Enter or the button saves, and the save happens in the submit callback, before any
rerun, so a step change or a reload right after it cannot lose it. (``st.data_editor`` was a
spreadsheet: it reran per cell and lost the first row typed.) A refused form keeps what was
typed and says why. The room view's functions (``answers_for_room``, ``actions_for_room``)
show the same content large, read-only, every user text escaped HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import streamlit as st

from fea_core import decisions, handleplan, items
from fea_core.errors import FeaError, InvalidText, StaleItem
from fea_core.export import to_docx, to_markdown_zip, to_pdf, to_xlsx
from fea_core.export.common import safe_file_name, status_label
from fea_core.model import Workshop
from fea_core.markdown_escape import escape_markdown
from fea_core.report import ACTION_STATUSES, Action, build_report
from ui.context import language, method, store, t
from ui.errors import error_message

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",  # the Markdown file with its chart images
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

FIELDS = ("what", "owner", "deadline", "follow_up", "status")
NEW = "new_action"  # the "Ny aftale" form's widget keys: new_action_what, ...

# Scoped to the editors (containers keyed fea_plan_*): Streamlit's own "Press Enter to submit
# form" / "Press Ctrl+Enter to submit form" is English in a Danish session; each editor says it
# in the session's language instead. The cards are one HTML element each, large for reading aloud.
_CSS = """
<style>
div[class*="st-key-fea_plan_"] [data-testid="InputInstructions"] { display: none; }
.fea-card { overflow-wrap: anywhere; }
.fea-card-what { font-size: 1.45rem; font-weight: 600; line-height: 1.3; white-space: pre-wrap; }
.fea-card-meta { font-size: 1.1rem; margin-top: .3rem; display: flex; flex-wrap: wrap; gap: .2rem 1.4rem; }
.fea-card-meta b { font-weight: 600; color: rgba(49, 51, 63, .8); }
/* Two columns where the projector is wide enough: trin 5's five questions fit 1280x720. */
.fea-room { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 30rem), 1fr));
            gap: .7rem 2.2rem; overflow-wrap: anywhere; }
.fea-room .fea-card { border: 2px solid rgba(49, 51, 63, .25); border-radius: .6rem; padding: .7rem 1.1rem; }
.fea-room .fea-card-what { font-size: 2rem; }
.fea-room .fea-card-meta { font-size: 1.6rem; gap: .2rem 2rem; }
.fea-room-question { font-size: 1.5rem; color: rgba(49, 51, 63, .8); }
.fea-room-answer { font-size: 1.6rem; line-height: 1.3; white-space: pre-wrap; margin-bottom: .4rem; }
.fea-room-empty { font-size: 1.6rem; color: rgba(49, 51, 63, .7); }
</style>
"""


def _style() -> None:
    st.html(_CSS)


def chosen_solution_box(workshop: Workshop) -> None:
    """Show the chosen solution, the subject of trin 5 and 6."""
    chosen = decisions.get_decisions(store(), workshop.id)
    idea = next((i for i in items.list_items(store(), workshop.id, "idea") if i.id == chosen.chosen_idea_id), None)
    if idea is None:
        st.warning(t("plan.no_solution_chosen"), icon=":material/flag:")
        return
    with st.container(border=True, key="chosen_solution"):
        st.caption(t("plan.chosen_solution"))
        st.markdown(f"#### {escape_markdown(idea.text)}")


# --- messages of a refused form ----------------------------------------------------------------------


def _form_message(error: FeaError, typed: dict) -> str:
    """Return why a form was refused, naming the field, in the session's language (plain Markdown)."""
    params = error.params
    if isinstance(error, StaleItem):
        return t("plan_form.action_gone")
    if isinstance(error, InvalidText):
        field = params.get("field")
        if params.get("reason") == "not_a_date":
            return t("plan_form.bad_date", typed=escape_markdown(str(typed.get(field) or "")))
        if field == "what" and params.get("reason") == "empty":
            return t("plan_form.what_missing")
        if field in FIELDS:
            return t("plan_form.field_error", field=t(f"plan_form.{field}"), message=error_message(error))
    return error_message(error)


def _attempt(error_key: str, action: Callable[[], object]) -> object | None:
    """Run a save; on a domain error keep its message for the next run (the form keeps its text)."""
    try:
        result = action()
    except FeaError as error:
        st.session_state[error_key] = error
        return None
    st.session_state.pop(error_key, None)
    return result


def _typed(prefix: str) -> dict:
    return {field: st.session_state.get(f"{prefix}_{field}") for field in FIELDS}


# --- trin 5: the five support questions ---------------------------------------------------------------


def _save_answer(workshop_id: int, index: int) -> None:
    key = f"ans_{index}"
    saved = _attempt(f"ans_{index}_error", lambda: handleplan.save_answer(store(), workshop_id, index, st.session_state.get(key, "")))
    if saved is not None:
        st.session_state[key] = saved[index]  # as stored: trimmed, control characters gone
        st.session_state["plan_notice"] = t("plan_form.answer_saved", n=index + 1)


def _use_proposal(workshop_id: int, index: int, proposal_id: int) -> None:
    """Save what is typed in the answer, then add the proposal to it: "Brug" loses nothing typed."""
    key = f"ans_{index}"

    def use():
        handleplan.save_answer(store(), workshop_id, index, st.session_state.get(key, ""))
        return handleplan.adopt_proposal(store(), workshop_id, proposal_id)

    saved = _attempt(f"ans_{index}_error", use)
    if saved is not None:
        st.session_state[key] = saved[index]
        st.session_state["plan_proposals_shown"] = tuple(p.id for p in _pending_proposals(workshop_id))


def _pending_proposals(workshop_id: int) -> list[handleplan.Proposal]:
    return [p for p in handleplan.proposals(store(), workshop_id) if not p.adopted]


def answers_editor(workshop: Workshop) -> None:
    """The five support questions in NFA's words, each answer a form, the phones' proposals beside it.

    "Brug" is a submit button of the answer's own form, so what is typed in the answer is sent
    with it and kept: the proposal is added as a new line after it.
    """
    _style()
    saved = handleplan.answers(store(), workshop.id)
    pending = _pending_proposals(workshop.id)
    # What proposals_panel (in the live fragment) compares with, to show new ones here.
    st.session_state["plan_proposals_shown"] = tuple(p.id for p in pending)
    if notice := st.session_state.pop("plan_notice", None):
        st.toast(notice, icon=":material/check:")
    with st.container(key="fea_plan_answers"):
        st.caption(t("plan_form.answers_hint"))
        for index, question in enumerate(method().support_questions):
            key = f"ans_{index}"
            if key not in st.session_state:
                st.session_state[key] = saved[index]
            with st.form(f"answer_form_{index}", enter_to_submit=True):
                left, right = st.columns([3, 2], gap="medium")
                with left:
                    st.text_area(f"{index + 1}. {question}", key=key, max_chars=handleplan.ANSWER_MAX, height=110)
                    st.form_submit_button(
                        t("plan_form.save_answer"), key=f"save_ans_{index}", icon=":material/save:",
                        on_click=_save_answer, args=(workshop.id, index),
                    )
                with right:
                    st.caption(t("plan_form.proposals_for_question"))
                    mine = [p for p in pending if p.question_index == index]
                    if not mine:
                        st.caption(t("plan_form.no_proposals_for_question"))
                    for proposal in mine:
                        text_col, use_col = st.columns([4, 1], vertical_alignment="center")
                        text_col.text(proposal.text)  # a phone's text: plain, never Markdown
                        use_col.form_submit_button(
                            t("plan_form.use"), key=f"use_{proposal.id}",
                            on_click=_use_proposal, args=(workshop.id, index, proposal.id),
                        )
            if error := st.session_state.get(f"ans_{index}_error"):
                st.error(_form_message(error, {}), icon=":material/error:")


def proposals_panel(workshop: Workshop) -> None:
    """Called from the live fragment in trin 5: rerun the page when the phones' proposals changed.

    The proposals are listed beside their questions by ``answers_editor``, outside the fragment
    (so what the facilitator types is not rerun away); a full rerun keeps the forms' typed text.
    """
    shown = st.session_state.get("plan_proposals_shown")
    current = tuple(p.id for p in _pending_proposals(workshop.id))
    if shown is not None and shown != current:
        # Noted before the rerun: this fragment runs before the editor within a full run, so
        # comparing with the editor's note alone would rerun forever.
        st.session_state["plan_proposals_shown"] = current
        st.rerun(scope="app")


# --- trin 6: the agreements -----------------------------------------------------------------------------


def _status_box(key: str) -> None:
    lang = language()  # bound now: the labels are this run's language wherever they are formatted
    st.selectbox(
        t("plan_form.status"), list(ACTION_STATUSES), key=key,
        format_func=lambda k: status_label(lang, k),
    )


def _clear_new_form() -> None:
    for field in FIELDS:
        st.session_state[f"{NEW}_{field}"] = handleplan.DEFAULT_STATUS if field == "status" else ""


def _add_action(workshop_id: int) -> None:
    typed = _typed(NEW)
    added = _attempt(f"{NEW}_error", lambda: handleplan.add_action(store(), workshop_id, **typed))
    if added is not None:
        _clear_new_form()  # only now: a refused form keeps its text (see new_action_form)
        st.session_state["plan_notice"] = t("plan_form.added", n=added.position)


def new_action_form(workshop: Workshop) -> None:
    """The "Ny aftale" form: Hvad, Hvem, Frist, Opfølgning, Status; Enter in any field adds it.

    Not ``clear_on_submit``: Streamlit clears the fields in the browser even when the save is
    refused, and a refused form must keep what was typed. The callback clears them on success.
    """
    if f"{NEW}_what" not in st.session_state:
        _clear_new_form()
    with st.form("new_action_form", enter_to_submit=True):
        st.markdown(f"**{t('plan_form.new')}**")
        top = st.columns([5, 3, 2])
        top[0].text_input(t("plan_form.what"), key=f"{NEW}_what", max_chars=handleplan.ACTION_TEXT_MAX,
                          placeholder=t("plan_form.what_placeholder"))
        top[1].text_input(t("plan_form.owner"), key=f"{NEW}_owner", max_chars=handleplan.OWNER_MAX)
        # A typed date, not st.date_input: its calendar is English, starts on Sunday and shows
        # "dd.mm.yyyy"; Danes type 15.3.2027, and fea_core.handleplan.parse_date reads that and ISO.
        top[2].text_input(t("plan_form.deadline"), key=f"{NEW}_deadline", max_chars=10,
                          placeholder=t("plan_form.date_placeholder"))
        bottom = st.columns([5, 3, 2], vertical_alignment="bottom")
        bottom[0].text_input(t("plan_form.follow_up"), key=f"{NEW}_follow_up", max_chars=handleplan.ACTION_TEXT_MAX,
                             placeholder=t("plan_form.follow_up_placeholder"))
        with bottom[1]:
            _status_box(f"{NEW}_status")
        bottom[2].form_submit_button(
            t("plan_form.add"), key=f"{NEW}_add", type="primary", icon=":material/add:", width="stretch",
            on_click=_add_action, args=(workshop.id,),
        )
        st.caption(t("plan_form.enter_hint"))
    if error := st.session_state.get(f"{NEW}_error"):
        st.error(_form_message(error, _typed(NEW)), icon=":material/error:")


def _card_html(action: Action, lang: str, translate: Callable[..., str]) -> str:
    """Return one agreement as HTML: every user text escaped, so it reads exactly as typed."""
    deadline = f"{action.deadline:%d.%m.%Y}" if action.deadline else translate("plan_form.no_deadline")
    meta = [
        (translate("plan_form.card_owner"), action.owner or translate("plan_form.nobody")),
        (translate("plan_form.card_deadline"), deadline),
        (translate("plan_form.card_status"), status_label(lang, action.status)),
    ]
    if action.follow_up:
        meta.append((translate("plan_form.card_follow_up"), action.follow_up))
    parts = "".join(f"<span><b>{html.escape(k)}:</b> {html.escape(v)}</span>" for k, v in meta)
    return (
        f"<div class='fea-card' data-testid='fea-agreement'>"
        f"<div class='fea-card-what'>{action.position}. {html.escape(action.what)}</div>"
        f"<div class='fea-card-meta'>{parts}</div></div>"
    )


def _open_edit(workshop_id: int, action_id: int) -> None:
    """Fill the card's form with the agreement as saved now (another tab may have changed it)."""
    st.session_state.pop(f"edit_{action_id}_error", None)
    if not st.session_state.get(f"edit_action_{action_id}"):
        return
    current = next((a for a in handleplan.list_actions(store(), workshop_id) if a.id == action_id), None)
    if current is not None:
        _load_edit(current)


def _load_edit(action: Action) -> None:
    prefix = f"edit_{action.id}"
    st.session_state[f"{prefix}_what"] = action.what
    st.session_state[f"{prefix}_owner"] = action.owner
    st.session_state[f"{prefix}_deadline"] = f"{action.deadline:%d.%m.%Y}" if action.deadline else ""
    st.session_state[f"{prefix}_follow_up"] = action.follow_up
    st.session_state[f"{prefix}_status"] = action.status


def _update_action(workshop_id: int, action_id: int) -> None:
    typed = _typed(f"edit_{action_id}")
    updated = _attempt(
        f"edit_{action_id}_error", lambda: handleplan.update_action(store(), workshop_id, action_id, **typed)
    )
    if isinstance(st.session_state.get(f"edit_{action_id}_error"), StaleItem):
        # Deleted meanwhile: its card is gone, so the message goes above the cards.
        st.session_state["plan_action_error"] = st.session_state.pop(f"edit_{action_id}_error")
    if updated is not None:
        st.session_state[f"edit_action_{action_id}"] = False  # the card closes
        st.session_state["plan_notice"] = t("plan_form.saved", n=updated.position)


def _delete_action(workshop_id: int, action_id: int) -> None:
    if _attempt("plan_action_error", lambda: handleplan.delete_action(store(), workshop_id, action_id)) is not None:
        st.session_state.pop(f"edit_action_{action_id}", None)
        st.session_state["plan_notice"] = t("plan_form.deleted")


def _edit_form(workshop: Workshop, action: Action) -> None:
    prefix = f"edit_{action.id}"
    if f"{prefix}_what" not in st.session_state:
        _load_edit(action)
    with st.form(f"{prefix}_form", enter_to_submit=True, border=False):
        top = st.columns([5, 3, 2])
        top[0].text_input(t("plan_form.what"), key=f"{prefix}_what", max_chars=handleplan.ACTION_TEXT_MAX)
        top[1].text_input(t("plan_form.owner"), key=f"{prefix}_owner", max_chars=handleplan.OWNER_MAX)
        top[2].text_input(t("plan_form.deadline"), key=f"{prefix}_deadline", max_chars=10,
                          placeholder=t("plan_form.date_placeholder"))
        bottom = st.columns([5, 3, 2], vertical_alignment="bottom")
        bottom[0].text_input(t("plan_form.follow_up"), key=f"{prefix}_follow_up", max_chars=handleplan.ACTION_TEXT_MAX)
        with bottom[1]:
            _status_box(f"{prefix}_status")
        bottom[2].form_submit_button(
            t("plan_form.save"), key=f"{prefix}_save", type="primary", icon=":material/save:", width="stretch",
            on_click=_update_action, args=(workshop.id, action.id),
        )
    if error := st.session_state.get(f"{prefix}_error"):
        st.error(_form_message(error, _typed(prefix)), icon=":material/error:")


def _action_card(workshop: Workshop, action: Action, today: date) -> None:
    with st.container(border=True, key=f"fea_plan_card_{action.id}"):
        text_col, edit_col, delete_col = st.columns([8, 1.3, 1.3], vertical_alignment="top")
        text_col.html(_card_html(action, language(), t))
        edit_col.toggle(t("plan_form.edit"), key=f"edit_action_{action.id}", on_change=_open_edit,
                        args=(workshop.id, action.id))
        # A popover opens in the browser without a rerun; the deletion needs a second click.
        with delete_col.popover(t("plan_form.delete"), icon=":material/delete:"):
            st.markdown(t("plan_form.delete_confirm", n=action.position))
            st.button(t("plan_form.delete_yes"), key=f"delete_action_{action.id}", type="primary",
                      on_click=_delete_action, args=(workshop.id, action.id))
        for warning in handleplan.action_warnings(action, today):
            st.warning(t(f"plan.warning_{warning}", n=action.position, what=escape_markdown(action.what)),
                       icon=":material/warning:")
        if st.session_state.get(f"edit_action_{action.id}"):
            _edit_form(workshop, action)


def actions_editor(workshop: Workshop) -> None:
    """Trin 6 written live: the "Ny aftale" form, then each agreement as a card edited in place.

    Warnings (a past deadline, nobody responsible) are shown on the card, never refused.
    """
    _style()
    if notice := st.session_state.pop("plan_notice", None):
        st.toast(notice, icon=":material/check:")
    with st.container(key="fea_plan_actions"):
        new_action_form(workshop)
        if error := st.session_state.pop("plan_action_error", None):
            st.error(_form_message(error, {}), icon=":material/error:")
        actions = handleplan.list_actions(store(), workshop.id)
        if not actions:
            st.caption(t("plan_form.none_yet"))
        today = date.today()
        for action in actions:
            _action_card(workshop, action, today)


# --- trin 6: following the plan up ------------------------------------------------------------------


def _save_follow_up(workshop_id: int) -> None:
    process = st.session_state.get("follow_up_process") or ""
    typed_date = st.session_state.get("next_follow_up") or ""
    saved = _attempt("follow_up_error", lambda: handleplan.set_follow_up(store(), workshop_id, process, typed_date))
    if saved is not None:
        st.session_state["follow_up_process"] = saved[0]
        st.session_state["next_follow_up"] = f"{saved[1]:%d.%m.%Y}" if saved[1] else ""
        st.session_state["plan_notice"] = t("plan_form.follow_up_saved")


def follow_up_editor(workshop: Workshop) -> None:
    """How the group follows up on what works and adjusts, and the next follow-up date (a form)."""
    _style()
    process, next_date = handleplan.follow_up(store(), workshop.id)
    st.session_state.setdefault("follow_up_process", process or "")
    st.session_state.setdefault("next_follow_up", f"{next_date:%d.%m.%Y}" if next_date else "")
    with st.container(key="fea_plan_follow_up"), st.form("follow_up_form", enter_to_submit=True):
        st.text_area(
            t("plan.follow_up_process"), key="follow_up_process", height=90, max_chars=handleplan.ANSWER_MAX,
            placeholder=t("plan.follow_up_placeholder"),
        )
        cols = st.columns([2, 3], vertical_alignment="bottom")
        # Typed, like an agreement's deadline (see new_action_form).
        cols[0].text_input(t("plan.next_follow_up"), key="next_follow_up", max_chars=10,
                           placeholder=t("plan_form.date_placeholder"))
        cols[1].form_submit_button(t("plan_form.save_follow_up"), icon=":material/save:",
                                   on_click=_save_follow_up, args=(workshop.id,))
        st.caption(t("plan_form.follow_up_hint"))
    if error := st.session_state.get("follow_up_error"):
        typed = {"next_follow_up": st.session_state.get("next_follow_up")}
        st.error(_form_message(error, typed), icon=":material/error:")


# --- the room view: read-only, large ------------------------------------------------------------------


def answers_for_room(workshop: Workshop) -> None:
    """Trin 5 for the projector: each support question in NFA's words and its answer, large, no controls."""
    _style()
    answers = handleplan.answers(store(), workshop.id)
    parts = []
    for index, (question, answer) in enumerate(zip(method().support_questions, answers)):
        shown = (f"<div class='fea-room-answer'>{html.escape(answer)}</div>" if answer
                 else f"<div class='fea-room-empty'>{html.escape(t('plan_form.no_answer'))}</div>")
        parts.append(f"<div><div class='fea-room-question'>{index + 1}. {html.escape(question)}</div>{shown}</div>")
    st.html(f"<div class='fea-room' data-testid='fea-room-answers'>{''.join(parts)}</div>")


def actions_for_room(workshop: Workshop) -> None:
    """Trin 6 for the projector: the agreements as large cards with Hvem, Frist and Status, no controls."""
    _style()
    actions = handleplan.list_actions(store(), workshop.id)
    if not actions:
        body = f"<div class='fea-room-empty'>{html.escape(t('plan_form.room_none_yet'))}</div>"
    else:
        body = "".join(_card_html(action, language(), t) for action in actions)
    st.html(f"<div class='fea-room' data-testid='fea-room-actions'>{body}</div>")


# --- exports ----------------------------------------------------------------------------------------


def export_buttons(workshop: Workshop) -> None:
    """Offer the handleplan as Word, PDF, Markdown and Excel, built only when clicked."""
    lang = workshop.language  # the document is the workshop's, whatever this screen shows

    def build(extension: str):
        def make():
            report = build_report(store(), workshop.id, lang)
            return {"docx": to_docx, "pdf": to_pdf, "zip": to_markdown_zip, "xlsx": to_xlsx}[extension](report)

        return make

    st.markdown(f"#### {t('plan.export')}")
    cols = st.columns(4)
    for col, extension in zip(cols, ("docx", "pdf", "zip", "xlsx")):
        with col:
            st.download_button(
                t(f"plan.export_{extension}"),
                data=build(extension),
                file_name=safe_file_name(workshop.name, workshop.held_on, extension, lang),
                mime=MIME[extension],
                key=f"export_{extension}",
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )

