"""Trin 1 and 3 at the speed of talk: likely duplicates suggested, merged in one click (issue 16)."""

from __future__ import annotations

import pytest

from fea_core import items, workshops
from fea_core.model import ACTIVITY_IDEAS, ACTIVITY_PROBLEMS
from fea_core.markdown_escape import escape_markdown

HOSTILE = "# Afbrydelser :red[x] $x$ ![](http://127.0.0.2:9/x.png)"


def open_screen(app, view, user, code, lang="da"):
    at = app(user=user, query={"w": code})
    at.session_state["lang"] = lang
    at = view.ok(at.run())
    return view.ok(at.switch_page("pages/screen.py").run())


@pytest.fixture
def trin_1(store, make_workshop):
    workshop = workshops.set_activity(store, make_workshop().id, ACTIVITY_PROBLEMS)
    added = [items.add_item_as_facilitator(store, workshop.id, "problem", text) for text in (
        "For mange afbrydelser", "For lidt sparring", "Mange afbrydelser i løbet af dagen",
        "afbrydelser, afbrydelser!", "For lidt tid")]
    return workshop, added


def suggestion_buttons(at, prefix):
    return [b for b in at.button if b.key and b.key.startswith(prefix)]


def listed_numbers(store, workshop, kind="problem"):
    return [i.number for i in items.list_items(store, workshop.id, kind)]


@pytest.mark.parametrize(("lang", "title", "merge", "dismiss"), [
    ("da", "**Ligner hinanden – samle dem?**", "Saml", "Ikke det samme"),
    ("en", "**Look alike – merge them?**", "Merge", "Not the same"),
])
def test_three_similar_problems_are_suggested_as_one_group_in_the_sessions_language(
    app, view, facilitator, trin_1, lang, title, merge, dismiss
):
    workshop, _ = trin_1
    at = open_screen(app, view, facilitator, workshop.code, lang)
    assert title in [m.value for m in at.markdown]
    [saml] = suggestion_buttons(at, "suggest_merge_problem_")
    [no] = suggestion_buttons(at, "suggest_dismiss_problem_")
    assert (saml.label, no.label) == (merge, dismiss)
    group = next(m.value for m in at.markdown if "afbrydelser i løbet" in m.value)
    assert group.split("  \n") == [escape_markdown(line) for line in (
        "1. For mange afbrydelser", "3. Mange afbrydelser i løbet af dagen", "4. afbrydelser, afbrydelser!")]
    assert "sparring" not in group and "tid" not in group.split()


def test_one_click_on_saml_merges_the_group_into_the_lowest_number_and_says_so(app, view, store, facilitator, trin_1):
    workshop, (p1, _, p3, p4, _) = trin_1
    at = open_screen(app, view, facilitator, workshop.code)
    [saml] = suggestion_buttons(at, "suggest_merge_problem_")
    view.ok(saml.click().run())
    assert [items.get_item(store, i.id).merged_into for i in (p3, p4)] == [p1.id, p1.id]
    assert listed_numbers(store, workshop) == [1, 2, 5]
    assert [s.value for s in at.success] == ["Samlet i nr. 1: nr. 3, 4."]
    assert not suggestion_buttons(at, "suggest_merge_problem_")  # nothing left to suggest


def test_dismissing_a_suggestion_merges_nothing_and_does_not_suggest_it_again(app, view, store, facilitator, trin_1):
    workshop, _ = trin_1
    at = open_screen(app, view, facilitator, workshop.code)
    [no] = suggestion_buttons(at, "suggest_dismiss_problem_")
    view.ok(no.click().run())
    assert listed_numbers(store, workshop) == [1, 2, 3, 4, 5]
    assert not suggestion_buttons(at, "suggest_merge_problem_")
    view.ok(at.run())
    assert not suggestion_buttons(at, "suggest_merge_problem_")


def test_hidden_items_are_not_suggested_and_a_stale_suggestion_merges_nothing(app, view, store, facilitator, trin_1):
    workshop, (p1, _, p3, p4, _) = trin_1
    items.hide_item(store, p4.id)
    at = open_screen(app, view, facilitator, workshop.code)
    [saml] = suggestion_buttons(at, "suggest_merge_problem_")
    assert saml.key == f"suggest_merge_problem_{p1.id}_{p3.id}"
    items.hide_item(store, p3.id)  # another tab hides it before the click
    view.ok(saml.click().run())
    assert items.get_item(store, p1.id).merged_into is None
    assert [e.value for e in at.error] == [
        "Et af punkterne er blevet samlet eller skjult imens. Intet blev samlet; se den opdaterede liste."]


def test_hostile_text_in_a_suggestion_is_shown_as_plain_text(app, view, store, facilitator, make_workshop):
    workshop = workshops.set_activity(store, make_workshop().id, ACTIVITY_IDEAS)
    for text in ("Afbrydelser", HOSTILE):
        items.add_item_as_facilitator(store, workshop.id, "idea", text)
    at = open_screen(app, view, facilitator, workshop.code)
    assert suggestion_buttons(at, "suggest_merge_idea_")
    group = next(m.value for m in at.markdown if "Afbrydelser" in m.value and "png" in m.value)
    assert group == escape_markdown("1. Afbrydelser") + "  \n" + escape_markdown(f"2. {HOSTILE}")
    assert "](http" not in group.replace("\\]", "")  # the image link is escaped, never drawn


@pytest.mark.parametrize(("lang", "placeholder", "label"), [
    ("da", "Vælg punkter…", "Vælg de punkter, der skal samles"),
    ("en", "Choose items…", "Choose the items to merge"),
])
def test_the_merge_picker_speaks_the_sessions_language_not_choose_options(
    app, view, facilitator, trin_1, lang, placeholder, label
):
    workshop, _ = trin_1
    at = open_screen(app, view, facilitator, workshop.code, lang)
    picker = at.multiselect(key="src_problem")
    assert (picker.label, picker.placeholder) == (label, placeholder)
    assert picker.proto.placeholder != "Choose options"
