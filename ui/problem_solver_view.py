"""Problemløseren on the shared screen: live lists and matrices, and the facilitator's tools."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from fea_core import decisions, items, placement, similar_items
from fea_core.charts import quadrant_spec
from fea_core.errors import FeaError, StaleItem
from fea_core.i18n import translate
from fea_core.method import Matrix, load_method
from fea_core.model import Workshop
from fea_core.markdown_escape import escape_markdown
from fea_core.quadrants import positions, ranking
from ui.context import language, method, store, t
from ui.errors import show_error
from ui.key_table import key_table


UNHIDE_CHOICES = 200  # hidden items offered to show again, newest first
SUGGESTIONS_SHOWN = 5  # duplicate groups offered at once: a short list read while the room talks
DISMISSED = "merge_dismissed"  # pairs of item ids the facilitator said are not the same (this session)
MERGE_NOTICE = "merge_notice"  # (kind, "success" | "error", text) of the last merge


def _label(item) -> str:
    text = item.text if len(item.text) <= 70 else item.text[:67] + "…"
    return f"{item.number}. {text}"


def step_heading(number: int) -> None:
    """Show the step's title and the seed's instruction for it."""
    step = method().step(number)
    st.markdown(f"### {t('steps.title', number=number, title=step.title)}")
    st.caption(step.instruction)


def matrix_for(kind: str) -> Matrix:
    """Return the matrix that places this kind of item (problems: trin 2, ideas: trin 4)."""
    return method().matrix_for(kind)


def chosen_problem_box(workshop: Workshop) -> None:
    """Show the chosen problem and its description, the frame for the brainstorm."""
    chosen = decisions.get_decisions(store(), workshop.id)
    problem = next(
        (i for i in items.list_items(store(), workshop.id, "problem") if i.id == chosen.chosen_problem_id), None
    )
    if problem is None:
        st.warning(t("steps.no_problem_chosen"), icon=":material/flag:")
        return
    with st.container(border=True, key="chosen_problem"):
        st.caption(t("steps.chosen_problem"))
        st.markdown(f"#### {escape_markdown(problem.text)}")
        if chosen.problem_description:
            st.text(chosen.problem_description)


def item_list(workshop: Workshop, kind: str) -> None:
    """Show the visible items of a kind, numbered, as plain text (live)."""
    count, cards = _list_at(workshop.id, workshop.revision, kind, language())
    st.markdown(f"#### {t(f'steps.list_{kind}')} ({count})")
    if not count:
        st.caption(t("steps.list_empty"))
    else:
        st.html(cards)


@st.cache_data(max_entries=64, show_spinner=False)
def _list_at(workshop_id: int, revision: int, kind: str, lang: str) -> tuple[int, str]:
    # Once per change per process. One element for the whole list: the live fragment redraws it
    # every second, and an element per item cost ~0.2 ms each (600 items: 140 ms a second).
    shown = items.list_items(store(), workshop_id, kind)
    sources = items.merged_sources_by_target(store(), workshop_id, kind)
    return len(shown), item_cards_html(
        [(item.number, item.text, [m.number for m in sources.get(item.id, [])]) for item in shown],
        merged_label=lambda numbers: translate(lang, "steps.merged_from", numbers=numbers),
        test_id=f"item-list-{kind}",
    )


def item_cards_html(rows, *, merged_label, test_id: str) -> str:
    """Return the list as cards: number, the text as plain text (escaped), what was merged into it."""
    cards = []
    for number, text, merged in rows:
        note = f"<div class='fea-merged'>{escape(merged_label(', '.join(map(str, merged))))}</div>" if merged else ""
        cards.append(f"<div class='fea-item'><b>{number}.</b> {escape(text)}{note}</div>")
    return f"<div class='fea-items' data-testid='{escape(test_id)}'>{''.join(cards)}</div>"


@st.cache_data(max_entries=64, show_spinner=False)
def _matrix_at(workshop_id: int, revision: int, kind: str, lang: str, chosen_id: int | None, dots: bool):
    # Once per change per process, whoever is watching.
    matrix = load_method(lang).matrix_for(kind)
    placed = placement.placement_rows(store(), workshop_id, kind)
    table = positions(items.list_items(store(), workshop_id, kind), placed, matrix)
    individual = placed[["item_id", "x", "y"]] if dots else None
    # Sized to fit its column next to the table on a 1440-px screen with the sidebar open.
    chart = quadrant_spec(table, matrix, individual=individual, chosen_id=chosen_id, width=520, height=430,
                          titles=matrix_tooltip_titles(lang))
    return ranking(table), chart


def matrix_tooltip_titles(lang: str) -> dict[str, str]:
    """Return the matrix tooltips' titles in the session's language (fea_core.charts defaults to Danish)."""
    return {"number": translate(lang, "steps.col_number"), "text": translate(lang, "steps.col_text"),
            "mean": translate(lang, "competence.mean"), "std": translate(lang, "competence.spread"),
            "n": translate(lang, "competence.n")}


def matrix_summary(table, matrix: Matrix) -> str:
    """Return the matrix's text alternative: its axes and how many items landed in each quadrant."""
    placed = table[table["n"] > 0] if "n" in table else table
    counts = placed["quadrant_label"].value_counts() if len(placed) else {}
    per_quadrant = "; ".join(f"{label}: {int(counts.get(label, 0))}" for label in dict.fromkeys(matrix.quadrants.values()))
    return t("a11y.matrix_summary", y=matrix.y.label, x=matrix.x.label, n=len(placed), quadrants=per_quadrant)


def matrix_view(workshop: Workshop, kind: str, matrix: Matrix, *, room: bool = False) -> None:
    """Show the quadrant plot with means and spread, and the table sorted by quadrant (live).

    ``room``: the projector's version; the individual dots follow the toggle drawn elsewhere
    (dots_toggle, among the controls), and the table is a compact escaped one.
    """
    chosen = decisions.get_decisions(store(), workshop.id)
    chosen_id = chosen.chosen_problem_id if kind == "problem" else chosen.chosen_idea_id
    dots = bool(st.session_state.get(f"dots_{kind}")) if room else dots_toggle(kind)
    table, chart = _matrix_at(workshop.id, workshop.revision, kind, language(), chosen_id, dots)
    left, right = st.columns([3, 2], gap="large")
    with left:
        # vega-embed makes the spec's description the chart's accessible name (its text alternative).
        chart = {**chart, "description": matrix_summary(table, matrix)}
        st.vega_lite_chart(chart, width="content", theme=None, key=f"matrix_{kind}")
    with right:
        if room:
            key_table(
                pd.DataFrame({
                    t("steps.col_number"): table["number"], t("steps.col_text"): table["text"],
                    t("steps.col_quadrant"): table["quadrant_label"], t("steps.col_n"): table["n"],
                }),
                test_id=f"matrix-key-table-{kind}", caption=t("a11y.matrix_data"),
            )
            return
        st.markdown(f"**{t('a11y.matrix_data')}**")
        # A static table: readable on a projector. st.table draws its cells as Markdown (a
        # "# x" became a heading, "![](http://…)" an image the projector fetched): escape the words.
        st.table(
            pd.DataFrame(
                {
                    t("steps.col_number"): table["number"],
                    t("steps.col_text"): table["text"].map(escape_markdown),
                    t("steps.col_quadrant"): table["quadrant_label"],
                    t("steps.col_n"): table["n"],
                }
            ),
            hide_index=True,
        )


def dots_toggle(kind: str) -> bool:
    """The switch that draws every phone's placement as a dot on the matrix."""
    return st.toggle(t("steps.show_dots"), key=f"dots_{kind}")


def tools_signature(workshop_id: int, kinds: tuple[str, ...]) -> tuple:
    """Return what the tools' choices depend on: a fingerprint of the lists, read every second."""
    return items.list_signature(store(), workshop_id, kinds)


def refresh_tools_on_change(workshop_id: int, kinds: tuple[str, ...]) -> None:
    """Rerun the whole page when the list changed, so the tools offer the current items.

    Called from the live fragment; the tools themselves sit outside it so a rerun every
    second does not close a dropdown the facilitator has open.
    """
    if st.session_state.get("tools_signature") != tools_signature(workshop_id, kinds):
        st.rerun(scope="app")


def item_tools(workshop: Workshop, kind: str) -> None:
    """The facilitator's tools: likely duplicates to merge in one click; add what is said aloud, edit, merge (and undo), hide."""
    duplicate_suggestions(workshop, kind)
    with st.expander(t(f"steps.tools_{kind}"), icon=":material/edit_note:", key=f"tools_{kind}"):
        with st.form(f"add_{kind}", clear_on_submit=True, border=False):
            text = st.text_input(t(f"steps.add_{kind}"), max_chars=items.ITEM_TEXT_MAX)
            if st.form_submit_button(t("steps.add")):
                _run(items.add_item_as_facilitator, store(), workshop.id, kind, text)
        current = items.list_items(store(), workshop.id, kind)
        if not current:
            return
        by_id = {i.id: i for i in current}
        cols = st.columns(2, gap="large")
        with cols[0]:
            target = st.selectbox(t("steps.edit_which"), list(by_id), format_func=lambda i: _label(by_id[i]), key=f"edit_{kind}")
            new_text = st.text_input(t("steps.new_text"), value=by_id[target].text, max_chars=items.ITEM_TEXT_MAX, key=f"text_{kind}_{target}")
            c1, c2 = st.columns(2)
            if c1.button(t("steps.save_text"), key=f"save_{kind}", width="stretch"):
                _run(items.edit_item, store(), target, new_text)
            if c2.button(t("steps.hide"), key=f"hide_{kind}", icon=":material/visibility_off:", width="stretch"):
                _run(items.hide_item, store(), target, True)
        with cols[1]:
            _merge_picker(kind, by_id)
        sources = items.merged_sources_by_target(store(), workshop.id, kind)
        merged = {m.id: m for i in current for m in sources.get(i.id, [])}
        # Newest first, and not thousands: the page redraws the tools whenever the list changes.
        newest = items.hidden_items(store(), workshop.id, kind, newest=UNHIDE_CHOICES + 1)[::-1]
        hidden = {i.id: i for i in newest[:UNHIDE_CHOICES]}
        # One list and one button each, however many: a room of 200 can leave hundreds hidden.
        _undo_tool(kind, "unmerge", merged, ":material/undo:", items.unmerge_item)
        _undo_tool(kind, "unhide", hidden, ":material/visibility:", lambda s, i: items.hide_item(s, i, False))
        if len(newest) > UNHIDE_CHOICES:
            st.caption(t("steps.unhide_newest", n=UNHIDE_CHOICES))


def _merge_picker(kind: str, by_id: dict) -> None:
    """Several items chosen in one list and merged in one click; the lowest number stays."""
    chosen = st.multiselect(
        t("merge.pick"), list(by_id), format_func=lambda i: _label(by_id[i]), key=f"src_{kind}",
        placeholder=t("merge.pick_placeholder"),
    )
    if len(chosen) >= 2:
        st.caption(t("merge.keeps_number", number=min(by_id[i].number for i in chosen)))
    st.button(
        t("merge.merge_chosen", n=len(chosen)) if len(chosen) >= 2 else t("steps.merge"), key=f"merge_{kind}",
        disabled=len(chosen) < 2, icon=":material/call_merge:", on_click=_merge, args=(kind, tuple(chosen), f"src_{kind}"),
    )


def _merge(kind: str, item_ids: tuple[int, ...], picker_key: str | None = None) -> None:
    """Merge the items (a button's callback, so the picker can be emptied before it is drawn again)."""
    try:
        target = items.merge_listed(store(), item_ids)
    except StaleItem:
        st.session_state[MERGE_NOTICE] = (kind, "error", t("merge.stale"))
        return
    if picker_key:
        st.session_state.pop(picker_key, None)
    merged = sorted(items.get_item(store(), i).number for i in item_ids if i != target.id)
    st.session_state[MERGE_NOTICE] = (
        kind, "success", t("merge.done", number=target.number, numbers=", ".join(map(str, merged)))
    )


def _dismiss(kind: str, item_ids: tuple[int, ...]) -> None:
    st.session_state.setdefault(DISMISSED, set()).update(similar_items.pairs_of(item_ids))


@st.cache_resource(max_entries=64, show_spinner=False)
def _finder(workshop_id: int, kind: str) -> similar_items.DuplicateFinder:
    # One per list and process, shared by the room and control views: each run compares only
    # the items new since the last one (the full run follows every new item in trin 1).
    return similar_items.DuplicateFinder()


def duplicate_suggestions(workshop: Workshop, kind: str) -> None:
    """Suggest likely duplicates among the listed items, each group with one-click "Saml" and "Ikke det samme".

    The facilitator decides: nothing merges by itself. A dismissed group is remembered for this
    session (pairs of item ids), so it is not suggested again; a new similar item is.
    """
    notice = st.session_state.get(MERGE_NOTICE)
    if notice and notice[0] == kind:
        st.session_state.pop(MERGE_NOTICE)
        (st.error if notice[1] == "error" else st.success)(notice[2], icon=":material/call_merge:")
    groups = _finder(workshop.id, kind).groups(
        items.list_items(store(), workshop.id, kind), dismissed=st.session_state.get(DISMISSED, set())
    )[:SUGGESTIONS_SHOWN]
    if not groups:
        return
    with st.container(border=True, key=f"suggest_{kind}"):
        st.markdown(f"**{t(f'merge.title_{kind}')}**")
        st.caption(t("merge.help"))
        for group in groups:
            ids = tuple(i.id for i in group)
            tag = "_".join(map(str, ids))
            row = st.columns([6, 1.3, 1.7], vertical_alignment="center")
            # Plain text: these are the room's own words.
            row[0].markdown("  \n".join(escape_markdown(_label(i)) for i in group))
            row[1].button(t("merge.merge"), key=f"suggest_merge_{kind}_{tag}", icon=":material/call_merge:",
                          type="primary", on_click=_merge, args=(kind, ids), width="stretch")
            row[2].button(t("merge.dismiss"), key=f"suggest_dismiss_{kind}_{tag}", on_click=_dismiss,
                          args=(kind, ids), width="stretch")


def _undo_tool(kind: str, name: str, choices: dict, icon: str, undo) -> None:
    if not choices:
        return
    pick_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    pick = pick_col.selectbox(
        t(f"steps.{name}_which"), list(choices), format_func=lambda i: _label(choices[i]), key=f"{name}_pick_{kind}",
    )
    if button_col.button(t(f"steps.{name}"), key=f"{name}_{kind}", icon=icon, width="stretch"):
        _run(undo, store(), pick)


def choose_tools(workshop: Workshop, kind: str) -> None:
    """Let the facilitator mark the chosen problem (with its description) or solution."""
    current = items.list_items(store(), workshop.id, kind)
    if not current:
        return
    by_id = {i.id: i for i in current}
    chosen = decisions.get_decisions(store(), workshop.id)
    chosen_id = chosen.chosen_problem_id if kind == "problem" else chosen.chosen_idea_id
    with st.container(border=True, key=f"choose_{kind}"):
        options = list(by_id)
        pick = st.selectbox(
            t(f"steps.choose_{kind}"), options, index=options.index(chosen_id) if chosen_id in by_id else None,
            format_func=lambda i: _label(by_id[i]), key=f"pick_{kind}", placeholder=t("steps.choose_placeholder"),
        )
        if st.button(t("steps.choose"), key=f"choose_btn_{kind}", type="primary", disabled=pick is None, icon=":material/flag:"):
            _run(decisions.choose_problem if kind == "problem" else decisions.choose_idea, store(), workshop.id, pick)
        if kind == "problem":
            text = st.text_area(
                t("steps.describe"), value=chosen.problem_description or "",
                max_chars=2000, key="describe", height=120,
            )
            if st.button(t("steps.save_description"), key="save_description"):
                _run(decisions.describe_problem, store(), workshop.id, text)


def _run(action, *args) -> None:
    try:
        action(*args)
    except FeaError as error:
        show_error(error)
        return
    st.rerun()
