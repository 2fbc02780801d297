"""Tests of fea_core.items: Problemløseren's lists of problems, things to keep and ideas (trin 1 and 3)."""

from __future__ import annotations

import pytest

from fea_core import items as items_module
from fea_core import schema
from fea_core.errors import DuplicateItem, FeaError, InvalidText, NotThisActivity, RoundClosed, StaleItem
from fea_core.items import (
    ITEM_TEXT_MAX,
    add_item_as_facilitator,
    edit_item,
    get_item,
    hide_item,
    items_by_author,
    list_items,
    merge_items,
    merge_roots,
    merged_sources,
    same_text_key,
    submit_item,
    unmerge_item,
)
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_IDEAS,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ACTIVITY_WELCOME,
)
from fea_core.workshops import end_workshop, set_activity, set_activity_open

# Services that write: run against both databases (PostgreSQL when several processes share one).
pytestmark = pytest.mark.databases("sqlite", "postgresql")


def texts(items) -> list[str]:
    return [i.text for i in items]


def numbers(items) -> list[int]:
    return [i.number for i in items]


# --- phones sending items ------------------------------------------------------------------------


def test_a_phone_sends_a_problem_while_trin_1_is_open(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    item = submit_item(solver.store, phone, "problem", "  Travlhed   om morgenen \n")
    assert (item.kind, item.number, item.text) == ("problem", 1, "Travlhed om morgenen")
    assert item.author_participant_id == phone.id
    assert item.workshop_id == solver.id
    assert not item.hidden and item.merged_into is None and item.is_visible
    assert list_items(solver.store, solver.id, "problem") == [item]


def test_a_phone_gets_back_only_its_own_listed_items_problems_before_things_to_keep(solver):
    me, other = solver.phone(), solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    keep = submit_item(solver.store, me, "keep", "Gode kolleger")
    first = submit_item(solver.store, me, "problem", "Travlhed")
    submit_item(solver.store, other, "problem", "Støj")
    hidden = submit_item(solver.store, me, "problem", "Skjult")
    merged = submit_item(solver.store, me, "problem", "Travlhed igen")
    add_item_as_facilitator(solver.store, solver.workshop.id, "problem", "Fra facilitator")
    hide_item(solver.store, hidden.id)
    merge_items(solver.store, first.id, [merged.id])

    assert texts(items_by_author(solver.store, me, ("problem", "keep"))) == ["Travlhed", "Gode kolleger"]
    assert texts(items_by_author(solver.store, me, ("keep",))) == [keep.text]
    assert texts(items_by_author(solver.store, other, ("problem", "keep"))) == ["Støj"]


def test_problems_and_things_to_keep_are_numbered_separately_in_creation_order(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    p1 = submit_item(solver.store, phone, "problem", "Støj i kontorlandskabet")
    k1 = submit_item(solver.store, phone, "keep", "God stemning til morgenmødet")
    p2 = submit_item(solver.store, phone, "problem", "Uklare opgaver")
    k2 = submit_item(solver.store, phone, "keep", "Fleksible arbejdstider")
    assert numbers([p1, p2, k1, k2]) == [1, 2, 1, 2]
    assert list_items(solver.store, solver.id, "problem") == [p1, p2]
    assert list_items(solver.store, solver.id, "keep") == [k1, k2]
    assert list_items(solver.store, solver.id, "idea") == []


def test_numbers_start_at_one_in_every_workshop(solver):
    solver.add("problem", "Støj", "Travlhed")
    other = solver.other_workshop()
    first = add_item_as_facilitator(other.store, other.id, "problem", "Uklare opgaver")
    assert first.number == 1


def test_a_hidden_items_number_is_never_reused(solver):
    one, two = solver.add("problem", "Støj", "Travlhed")
    hide_item(solver.store, two.id)
    (three,) = solver.add("problem", "Uklare opgaver")
    assert three.number == 3


def test_ideas_are_taken_only_during_trin_3(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    with pytest.raises(NotThisActivity) as raised:
        submit_item(solver.store, phone, "idea", "Faste mødefri dage")
    assert raised.value.params["activity"] == ACTIVITY_PROBLEMS
    solver.step(ACTIVITY_IDEAS)
    idea = submit_item(solver.store, phone, "idea", "Faste mødefri dage")
    assert (idea.kind, idea.number) == ("idea", 1)


@pytest.mark.parametrize("kind", ["problem", "keep"])
def test_problems_and_things_to_keep_are_not_taken_during_trin_3(solver, kind):
    phone = solver.phone()
    solver.step(ACTIVITY_IDEAS)
    with pytest.raises(NotThisActivity):
        submit_item(solver.store, phone, kind, "Støj")
    assert list_items(solver.store, solver.id, kind) == []


@pytest.mark.parametrize("activity", [ACTIVITY_WELCOME, ACTIVITY_COMPETENCE, ACTIVITY_PROBLEM_MATRIX])
def test_no_items_are_taken_outside_the_two_list_steps(solver, activity):
    phone = solver.phone()
    solver.step(activity)
    before = solver.counters()
    with pytest.raises(NotThisActivity):
        submit_item(solver.store, phone, "problem", "Støj")
    assert solver.count(schema.items) == 0
    assert solver.counters() == before


def test_a_closed_step_rejects_items_and_saves_nothing(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    kept = submit_item(solver.store, phone, "problem", "Støj")
    solver.close()
    before = solver.counters()
    with pytest.raises(RoundClosed):
        submit_item(solver.store, phone, "problem", "Travlhed")
    assert list_items(solver.store, solver.id, "problem") == [kept]
    assert solver.counters() == before


def test_an_ended_workshop_rejects_items(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    end_workshop(solver.store, solver.id)
    with pytest.raises(RoundClosed):
        submit_item(solver.store, phone, "problem", "Støj")


def test_a_step_closed_while_the_phone_was_sending_saves_nothing(solver, monkeypatch):
    # The phone read the room as open; the facilitator closes before the write takes the lock.
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    real = items_module.clean_text

    def read_then_close(text, **options):  # the phone's request is checked; the facilitator acts first
        checked = real(text, **options)
        set_activity_open(solver.store, solver.id, False)
        return checked

    monkeypatch.setattr(items_module, "clean_text", read_then_close)
    with pytest.raises(RoundClosed):
        submit_item(solver.store, phone, "problem", "Støj")
    assert solver.count(schema.items) == 0


def test_a_room_that_moved_on_while_the_phone_was_sending_saves_nothing(solver, monkeypatch):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    real = items_module.clean_text

    def read_then_move_on(text, **options):  # the phone's request is checked; the facilitator acts first
        checked = real(text, **options)
        set_activity(solver.store, solver.id, ACTIVITY_PROBLEM_MATRIX)
        return checked

    monkeypatch.setattr(items_module, "clean_text", read_then_move_on)
    with pytest.raises(NotThisActivity):
        submit_item(solver.store, phone, "problem", "Støj")
    assert solver.count(schema.items) == 0


@pytest.mark.parametrize("close", ["move_on", "close"])
def test_a_repeated_text_after_the_step_ended_is_told_the_step_not_the_duplicate(solver, close):
    # The turn inserts nothing for a text already listed; the phone is then told why in the
    # order a person needs: the step that moved on (or closed) first, not "already on the list".
    phone, other = solver.phone(), solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    submit_item(solver.store, phone, "problem", "Støj")
    if close == "move_on":
        solver.step(ACTIVITY_PROBLEM_MATRIX)
    else:
        solver.close()
    before = solver.counters()
    with pytest.raises(NotThisActivity if close == "move_on" else RoundClosed):
        submit_item(solver.store, other, "problem", " støj ")
    assert solver.count(schema.items) == 1
    assert solver.counters() == before


def test_an_unknown_kind_is_a_programming_error(solver):
    with pytest.raises(ValueError):
        add_item_as_facilitator(solver.store, solver.id, "wish", "Støj")
    with pytest.raises(ValueError):
        list_items(solver.store, solver.id, "wish")


# --- text rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u202e"])
def test_an_empty_text_is_rejected(solver, text):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    with pytest.raises(InvalidText) as raised:
        submit_item(solver.store, phone, "problem", text)
    assert raised.value.params["reason"] == "empty"
    assert solver.count(schema.items) == 0


def test_a_text_over_the_limit_is_rejected_with_the_limit_in_its_params(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    with pytest.raises(InvalidText) as raised:
        submit_item(solver.store, phone, "problem", "x" * (ITEM_TEXT_MAX + 1))
    assert raised.value.params == {"reason": "too_long", "limit": ITEM_TEXT_MAX, "length": ITEM_TEXT_MAX + 1}
    assert solver.count(schema.items) == 0


def test_a_text_of_exactly_the_limit_is_taken(solver):
    (item,) = solver.add("problem", "x" * ITEM_TEXT_MAX)
    assert len(item.text) == ITEM_TEXT_MAX == 200


def test_a_text_that_is_not_a_string_is_rejected(solver):
    with pytest.raises(InvalidText):
        add_item_as_facilitator(solver.store, solver.id, "problem", None)


def test_the_facilitators_text_is_cleaned_too(solver):
    (item,) = solver.add("idea", "  Faste\u202e   mødefri\x00 dage ")
    assert item.text == "Faste mødefri dage"


# --- duplicates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("again", ["Travlhed om morgenen", "travlhed om morgenen", "  TRAVLHED   om\tMorgenen "])
def test_the_same_text_ignoring_case_and_spacing_raises_duplicate_item_with_its_number(solver, again):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    solver.add("problem", "Støj")
    first = submit_item(solver.store, phone, "problem", "Travlhed om morgenen")
    before = solver.counters()
    with pytest.raises(DuplicateItem) as raised:
        submit_item(solver.store, solver.phone(), "problem", again)
    assert raised.value.code == "duplicate_item"
    assert raised.value.params == {"number": 2, "item_id": first.id}
    assert isinstance(raised.value, FeaError)
    assert len(list_items(solver.store, solver.id, "problem")) == 2
    assert solver.counters()[0] == before[0] + 1  # only the second phone's join


def test_the_facilitator_gets_duplicate_item_too(solver):
    (first,) = solver.add("idea", "Faste mødefri dage")
    with pytest.raises(DuplicateItem) as raised:
        add_item_as_facilitator(solver.store, solver.id, "idea", "faste MØDEFRI dage")
    assert raised.value.params["number"] == first.number


def test_the_same_text_in_another_kind_or_workshop_is_not_a_duplicate(solver):
    solver.add("problem", "Morgenmødet")
    (keep,) = solver.add("keep", "Morgenmødet")
    other = solver.other_workshop()
    (there,) = other.add("problem", "Morgenmødet")
    assert keep.number == 1 and there.number == 1


def test_a_text_that_only_differs_in_punctuation_is_not_a_duplicate(solver):
    solver.add("problem", "Travlhed")
    (second,) = solver.add("problem", "Travlhed!")
    assert second.number == 2


def test_the_text_of_a_hidden_or_merged_item_may_be_sent_again(solver):
    hidden, merged, target = solver.add("problem", "Støj", "Travlhed", "For mange opgaver")
    hide_item(solver.store, hidden.id)
    merge_items(solver.store, target.id, [merged.id])
    again = solver.add("problem", "støj", "travlhed")
    assert numbers(again) == [4, 5]


@pytest.mark.parametrize("again", ["Travl\u200bhed om morgenen", "\ufeffTravlhed om\u2060 morgenen",
                                   "Travlhed\u00ad om morgenen\u3164", "Travlhed om mor\u200dgenen"])
def test_a_zero_width_character_does_not_slip_a_duplicate_past_the_check(solver, again):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    (first,) = solver.add("problem", "Travlhed om morgenen")
    with pytest.raises(DuplicateItem) as raised:
        submit_item(solver.store, phone, "problem", again)
    assert raised.value.params["number"] == first.number
    assert texts(list_items(solver.store, solver.id, "problem")) == ["Travlhed om morgenen"]


@pytest.mark.parametrize("text", ["\u200b", "\ufeff\u2060", "\u3164\u3164", "\u2800", "\u115f\u1160\uffa0", " \u200b \u00ad "])
def test_a_text_of_only_invisible_characters_is_rejected_as_empty(solver, text):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    with pytest.raises(InvalidText) as raised:
        submit_item(solver.store, phone, "problem", text)
    assert raised.value.params["reason"] == "empty"
    assert solver.count(schema.items) == 0


def test_same_text_key_folds_case_and_spacing_only():
    assert same_text_key("  Støj  i\tKONTORET ") == "støj i kontoret"
    assert same_text_key("Straße") == same_text_key("STRASSE")


# --- the facilitator tidying the list ------------------------------------------------------------


def test_the_facilitator_adds_items_at_any_time_without_an_author(solver):
    solver.step(ACTIVITY_WELCOME, is_open=False)
    problem = add_item_as_facilitator(solver.store, solver.id, "problem", "Støj")
    idea = add_item_as_facilitator(solver.store, solver.id, "idea", "Støjskærme")
    assert problem.author_participant_id is None and idea.author_participant_id is None
    assert (problem.number, idea.number) == (1, 1)


def test_editing_an_item_changes_its_text_and_keeps_its_number(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    solver.add("problem", "Støj")
    item = submit_item(solver.store, phone, "problem", "travlhed om morgnen")
    edited = edit_item(solver.store, item.id, "  Travlhed om morgenen ")
    assert (edited.id, edited.number, edited.text) == (item.id, 2, "Travlhed om morgenen")
    assert edited.author_participant_id == phone.id
    assert texts(list_items(solver.store, solver.id, "problem")) == ["Støj", "Travlhed om morgenen"]


def test_editing_an_item_to_its_own_text_in_another_case_is_not_a_duplicate(solver):
    (item,) = solver.add("problem", "støj")
    assert edit_item(solver.store, item.id, "Støj").text == "Støj"


def test_editing_an_item_to_another_items_text_raises_duplicate_item(solver):
    one, two = solver.add("problem", "Støj", "Travlhed")
    with pytest.raises(DuplicateItem) as raised:
        edit_item(solver.store, two.id, "STØJ")
    assert raised.value.params["number"] == 1
    assert get_item(solver.store, two.id).text == "Travlhed"


def test_editing_with_an_empty_text_is_rejected(solver):
    (item,) = solver.add("problem", "Støj")
    with pytest.raises(InvalidText):
        edit_item(solver.store, item.id, " ")
    assert get_item(solver.store, item.id).text == "Støj"


@pytest.mark.parametrize("bad_id", [999_999, None, "1"])
def test_changing_an_item_that_does_not_exist_raises_stale_item(solver, bad_id):
    with pytest.raises(StaleItem):
        edit_item(solver.store, bad_id, "Støj")
    with pytest.raises(StaleItem):
        hide_item(solver.store, bad_id)
    with pytest.raises(StaleItem):
        unmerge_item(solver.store, bad_id)


def test_hiding_an_item_takes_it_off_the_list_and_showing_it_brings_it_back(solver):
    one, two, three = solver.add("problem", "Støj", "Travlhed", "Uklare opgaver")
    hidden = hide_item(solver.store, two.id)
    assert hidden.hidden and not hidden.is_visible
    assert list_items(solver.store, solver.id, "problem") == [one, three]
    assert numbers(list_items(solver.store, solver.id, "problem", include_hidden=True)) == [1, 2, 3]
    shown = hide_item(solver.store, two.id, hidden=False)
    assert list_items(solver.store, solver.id, "problem") == [one, shown, three]


def test_include_hidden_still_leaves_merged_items_out(solver):
    one, two = solver.add("problem", "Støj", "Larm")
    merge_items(solver.store, one.id, [two.id])
    assert numbers(list_items(solver.store, solver.id, "problem", include_hidden=True)) == [1]


# --- merging -------------------------------------------------------------------------------------


def test_merged_items_leave_the_list_and_are_listed_under_their_target(solver):
    one, two, three, four = solver.add("problem", "Støj", "Larm i frokoststuen", "Travlhed", "Støj ved printeren")
    target = merge_items(solver.store, one.id, [four.id, two.id])
    assert target == one
    assert list_items(solver.store, solver.id, "problem") == [one, three]
    assert numbers(merged_sources(solver.store, one.id)) == [2, 4]
    assert get_item(solver.store, two.id).merged_into == one.id
    assert merged_sources(solver.store, three.id) == []


def test_merging_an_item_into_itself_is_ignored(solver):
    one, two = solver.add("problem", "Støj", "Larm")
    before = solver.counters()
    merge_items(solver.store, one.id, [one.id])
    assert get_item(solver.store, one.id).merged_into is None
    assert solver.counters() == before
    merge_items(solver.store, one.id, [one.id, two.id, two.id])
    assert merged_sources(solver.store, one.id) == [get_item(solver.store, two.id)]


def test_merging_items_of_another_kind_raises_stale_item_and_merges_nothing(solver):
    problem, other_problem = solver.add("problem", "Støj", "Larm")
    (keep,) = solver.add("keep", "Stille rum")
    before = solver.counters()
    with pytest.raises(StaleItem) as raised:
        merge_items(solver.store, problem.id, [other_problem.id, keep.id])
    assert raised.value.params == {"item_id": keep.id, "reason": "other_kind"}
    assert get_item(solver.store, other_problem.id).merged_into is None
    assert solver.counters() == before


def test_merging_an_item_of_another_workshop_raises_stale_item(solver):
    (mine,) = solver.add("problem", "Støj")
    other = solver.other_workshop()
    (theirs,) = other.add("problem", "Larm")
    with pytest.raises(StaleItem):
        merge_items(solver.store, mine.id, [theirs.id])
    with pytest.raises(StaleItem):
        merge_items(solver.store, mine.id, [123_456])
    assert get_item(solver.store, theirs.id).merged_into is None


def test_merging_into_a_hidden_or_merged_item_raises_stale_item(solver):
    one, two, three = solver.add("problem", "Støj", "Larm", "Travlhed")
    hide_item(solver.store, one.id)
    with pytest.raises(StaleItem) as raised:
        merge_items(solver.store, one.id, [three.id])
    assert raised.value.params["reason"] == "hidden"
    hide_item(solver.store, one.id, hidden=False)
    merge_items(solver.store, one.id, [two.id])
    with pytest.raises(StaleItem) as raised:
        merge_items(solver.store, two.id, [three.id])
    assert raised.value.params["reason"] == "merged"
    assert get_item(solver.store, three.id).merged_into is None


def test_merging_a_target_brings_its_own_sources_along(solver):
    a, b, c = solver.add("problem", "Støj", "Larm", "Lyd fra printeren")
    merge_items(solver.store, b.id, [a.id])
    merge_items(solver.store, c.id, [b.id])
    assert list_items(solver.store, solver.id, "problem") == [c]
    assert numbers(merged_sources(solver.store, c.id)) == [1, 2]
    # The chain is kept, so undoing the second merge gives back b with a still inside it.
    assert get_item(solver.store, a.id).merged_into == b.id
    unmerge_item(solver.store, b.id)
    assert numbers(list_items(solver.store, solver.id, "problem")) == [2, 3]
    assert numbers(merged_sources(solver.store, b.id)) == [1]
    assert merged_sources(solver.store, c.id) == []


def test_undoing_a_merge_puts_the_item_back_on_the_list(solver):
    one, two = solver.add("problem", "Støj", "Larm")
    merge_items(solver.store, one.id, [two.id])
    back = unmerge_item(solver.store, two.id)
    assert back == two
    assert list_items(solver.store, solver.id, "problem") == [one, two]
    assert merged_sources(solver.store, one.id) == []


def test_undoing_a_merge_twice_writes_nothing_the_second_time(solver):
    one, two = solver.add("problem", "Støj", "Larm")
    merge_items(solver.store, one.id, [two.id])
    unmerge_item(solver.store, two.id)
    before = solver.counters()
    assert unmerge_item(solver.store, two.id) == two
    assert solver.counters() == before


def test_merge_roots_follows_chains_to_the_end():
    assert merge_roots({1: 2, 2: 3, 3: None, 4: None, 5: 1}) == {1: 3, 2: 3, 3: 3, 4: 4, 5: 3}


# --- revision and stage --------------------------------------------------------------------------


def test_sending_adding_and_tidying_during_trin_1_bump_the_revision_but_not_the_stage(solver):
    # The phones' trin 1 page does not show the room's list: 200 phones need not rerun per click.
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    revision, stage = solver.counters()
    item = submit_item(solver.store, phone, "problem", "Støj")
    assert solver.counters() == (revision + 1, stage)
    add_item_as_facilitator(solver.store, solver.id, "keep", "Morgenmødet")
    assert solver.counters() == (revision + 2, stage)
    edit_item(solver.store, item.id, "Støj i kontoret")
    assert solver.counters() == (revision + 3, stage)
    [other] = solver.add("problem", "Larm")
    merge_items(solver.store, item.id, [other.id])
    unmerge_item(solver.store, other.id)
    hide_item(solver.store, other.id)
    assert solver.counters() == (revision + 7, stage)


@pytest.mark.parametrize(("kind", "placing"), [("problem", ACTIVITY_PROBLEM_MATRIX), ("idea", ACTIVITY_SOLUTION_MATRIX)])
def test_while_phones_place_the_kind_every_change_to_its_cards_bumps_the_stage(solver, kind, placing):
    one, two = solver.add(kind, "Støj", "Larm")
    solver.step(placing)
    revision, stage = solver.counters()
    hide_item(solver.store, two.id)
    assert solver.counters() == (revision + 1, stage + 1)
    hide_item(solver.store, two.id, hidden=False)
    assert solver.counters() == (revision + 2, stage + 2)
    merge_items(solver.store, one.id, [two.id])
    assert solver.counters() == (revision + 3, stage + 3)
    unmerge_item(solver.store, two.id)
    assert solver.counters() == (revision + 4, stage + 4)
    edit_item(solver.store, one.id, "Støj i kontoret")  # the card's words change on every phone
    assert solver.counters() == (revision + 5, stage + 5)


def test_placing_problems_is_not_disturbed_by_tidying_the_ideas(solver):
    [idea] = solver.add("idea", "Fast morgenmøde")
    solver.step(ACTIVITY_PROBLEM_MATRIX)
    revision, stage = solver.counters()
    hide_item(solver.store, idea.id)
    assert solver.counters() == (revision + 1, stage)


def test_a_refused_change_bumps_nothing(solver):
    one, two = solver.add("problem", "Støj", "Larm")
    before = solver.counters()
    with pytest.raises(DuplicateItem):
        add_item_as_facilitator(solver.store, solver.id, "problem", "støj")
    with pytest.raises(DuplicateItem):
        edit_item(solver.store, two.id, "STØJ")
    assert solver.counters() == before


def test_phones_sending_at_the_same_moment_get_distinct_numbers_and_a_shared_text_is_listed_once(solver):
    import threading

    solver.step(ACTIVITY_PROBLEMS)
    phones = [solver.phone() for _ in range(6)]
    texts_sent = ["Støj", "Travlhed", "Uklare opgaver", "Støj", "STØJ", "For mange møder"]
    start = threading.Barrier(len(phones))
    outcomes: list = [None] * len(phones)

    def send(n: int) -> None:
        start.wait(5)
        try:
            outcomes[n] = submit_item(solver.store, phones[n], "problem", texts_sent[n])
        except DuplicateItem as error:
            outcomes[n] = error

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(phones))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    listed = list_items(solver.store, solver.id, "problem")
    assert sorted(numbers(listed)) == [1, 2, 3, 4]
    assert sorted(same_text_key(t) for t in texts(listed)) == ["for mange møder", "støj", "travlhed", "uklare opgaver"]
    assert sum(isinstance(o, DuplicateItem) for o in outcomes) == 2


def test_the_list_signature_changes_with_every_change_to_the_lists_and_only_then(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    sign = lambda: items_module.list_signature(solver.store, solver.id, ("problem", "keep"))  # noqa: E731
    seen = [sign()]
    first = submit_item(solver.store, phone, "problem", "Travlhed om morgenen")
    second = submit_item(solver.store, phone, "keep", "Gode pauser")
    seen.append(sign())
    third = submit_item(solver.store, phone, "problem", "For mange afbrydelser")
    seen.append(sign())
    items_module.edit_item(solver.store, first.id, "Travlhed hver morgen ved vagtskiftet")
    seen.append(sign())
    items_module.hide_item(solver.store, second.id, True)
    seen.append(sign())
    items_module.hide_item(solver.store, second.id, False)
    seen.append(sign())
    items_module.merge_items(solver.store, first.id, [third.id])
    seen.append(sign())
    items_module.unmerge_item(solver.store, third.id)
    seen.append(sign())
    assert all(before != after for before, after in zip(seen, seen[1:]))  # every change shows
    assert seen[5] == seen[3] and seen[7] == seen[5]  # showing again and unmerging restore the lists
    add_item_as_facilitator(solver.store, solver.id, "idea", "En fælles opsamling")  # another list
    assert sign() == seen[-1]


def test_hidden_items_are_the_hidden_unmerged_ones_by_number_or_only_the_newest(solver):
    one, two, three, four = solver.add("problem", "Støj", "Larm", "Travlhed", "Kulde")
    solver.add("keep", "Gode pauser")
    for item in (one, two, four):
        hide_item(solver.store, item.id, True)
    merge_items(solver.store, three.id, [two.id])  # hidden and merged: not offered to show again
    assert numbers(items_module.hidden_items(solver.store, solver.id, "problem")) == [1, 4]
    assert numbers(items_module.hidden_items(solver.store, solver.id, "problem", newest=1)) == [4]
    assert items_module.hidden_items(solver.store, solver.id, "keep") == []


def test_merged_sources_follow_chains_and_keep_number_order_in_a_long_list(solver):
    listed = solver.add("problem", *(f"Problem {n}" for n in range(1, 301)))
    by_number = {i.number: i for i in listed}
    # 10 <- 20 <- 30, and 40, 50 straight into 10; 299 into 300.
    merge_items(solver.store, by_number[20].id, [by_number[30].id])
    merge_items(solver.store, by_number[10].id, [by_number[20].id, by_number[50].id, by_number[40].id])
    merge_items(solver.store, by_number[300].id, [by_number[299].id])
    found = items_module.merged_sources_by_target(solver.store, solver.id, "problem")
    as_numbers = {get_item(solver.store, target).number: numbers(sources) for target, sources in found.items()}
    assert as_numbers == {10: [20, 30, 40, 50], 20: [30], 300: [299]}


# --- a phone's limit per step --------------------------------------------------------------------


def test_a_phone_sends_at_most_the_limit_in_trin_1_problems_and_things_to_keep_together(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    limit = items_module.ITEMS_PER_STEP_MAX
    for n in range(limit):
        submit_item(solver.store, phone, "keep" if n % 3 == 0 else "problem", f"Punkt {n}")
    with pytest.raises(items_module.TooManyItems) as raised:
        submit_item(solver.store, phone, "keep", "Et punkt for meget")
    assert (raised.value.code, raised.value.params) == ("items.too_many", {"limit": limit})
    assert solver.count(schema.items) == limit == 20


def test_hidden_and_merged_items_still_count_against_the_phones_limit(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    sent = [submit_item(solver.store, phone, "problem", f"Punkt {n}") for n in range(items_module.ITEMS_PER_STEP_MAX)]
    hide_item(solver.store, sent[0].id)
    merge_items(solver.store, sent[2].id, [sent[1].id])
    with pytest.raises(items_module.TooManyItems):
        submit_item(solver.store, phone, "problem", "Punkt 0")  # its hidden text: the slow path
    with pytest.raises(items_module.TooManyItems):
        submit_item(solver.store, phone, "problem", "Nyt punkt")


def test_ideas_in_trin_3_have_a_limit_of_their_own(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    for n in range(items_module.ITEMS_PER_STEP_MAX):
        submit_item(solver.store, phone, "problem", f"Problem {n}")
    solver.step(ACTIVITY_IDEAS)
    for n in range(items_module.ITEMS_PER_STEP_MAX):
        submit_item(solver.store, phone, "idea", f"Idé {n}")
    with pytest.raises(items_module.TooManyItems):
        submit_item(solver.store, phone, "idea", "Idé for meget")


def test_other_phones_and_the_facilitator_are_not_held_back_by_one_phones_limit(solver):
    phone, other = solver.phone(), solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    for n in range(items_module.ITEMS_PER_STEP_MAX):
        submit_item(solver.store, phone, "problem", f"Punkt {n}")
    assert submit_item(solver.store, other, "problem", "En andens punkt").number == 21
    assert solver.add("problem", *[f"Facilitator {n}" for n in range(25)])[-1].number == 46


def test_a_phone_at_its_limit_sending_a_listed_text_is_told_about_the_limit(solver):
    phone = solver.phone()
    solver.step(ACTIVITY_PROBLEMS)
    for n in range(items_module.ITEMS_PER_STEP_MAX):
        submit_item(solver.store, phone, "problem", f"Punkt {n}")
    with pytest.raises(items_module.TooManyItems):
        submit_item(solver.store, phone, "problem", "punkt 3")
