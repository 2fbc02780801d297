"""Arbejdsmiljøinterviewet: links, interviews and their notes, the anonymous summary, and the
way points go forward into Problemløseren's trin 1."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from sqlalchemy import select

from fea_core import interview_summary as summary
from fea_core import interviews as iv
from fea_core import items, participation, schema
from fea_core.errors import FeaError, InvalidText
from fea_core.method import load_method
from fea_core.model import ITEM_KEEP, ITEM_PROBLEM
from fea_core.text_cleaning import clean_text
from fea_core.workshops import create_workshop, get_workshop
from tests.interview_fixtures import fill_interviews, make_link, owner_account


@pytest.fixture
def link(fresh_store, workshop):
    return make_link(fresh_store, workshop.id, "AMR")


@pytest.fixture
def other_workshop(fresh_store):
    from datetime import date

    return create_workshop(fresh_store, name="Anden", department="Syd", held_on=date(2025, 4, 1),
                           theme="Kommunikation", language="da", owner="bent")


# --- the content ---------------------------------------------------------------------------------


def test_the_question_plate_has_six_themes_with_4_3_5_4_4_3_questions_verbatim_from_the_seed():
    m = load_method("da")
    assert [len(t.questions) for t in m.interview_themes] == [4, 3, 5, 4, 4, 3]
    assert [t.title for t in m.interview_themes] == [
        "Hvordan fungerer samarbejdet?",
        "Har du været udsat for negative handlinger?",
        "Hvordan trives du i arbejdet?",
        "Hvordan er rammerne for opgaveløsningen?",
        "Hvordan fungerer samarbejdet med ledelsen?",
        "Hvordan håndterer I arbejdsmiljøproblemer?",
    ]
    assert m.interview_themes[1].questions[0] == (
        "Har du været udsat for negative handlinger i forbindelse med dit arbejde? "
        "Fx mobning, vold, trusler eller uønsket seksuel opmærksomhed?"
    )


def test_the_guide_has_its_three_parts_and_the_follow_up_questions_the_notes_use():
    m = load_method("da")
    assert [g.title for g in m.guide] == ["Inden interviewet", "Undervejs", "Afrunding"]
    assert m.guide[1].questions[:3] == (
        "Hvor længe har problemet været der?",
        "Hvad skaber og fastholder problemet?",
        "Hvad kunne måske løse problemet?",
    )


def test_the_headings_the_interviewer_sees_are_the_seeds_own_words():
    from fea_core.i18n import translate
    from tests.test_method import find_seed, normalise

    seed = normalise(find_seed().read_text(encoding="utf-8"))
    # The seed's own headings of figure 2 (and its spelling "arbejdsmiljø interviewet").
    for key in ("interview.guide", "interview.plate", "interview.title"):
        assert normalise(translate("da", key)).casefold() in seed.casefold(), key
    assert "Spørgeplade til arbejdsmiljø interviewet" == translate("da", "interview.plate")
    assert "Guide til arbejdsmiljøinterviewet" == translate("da", "interview.guide")


# --- links -----------------------------------------------------------------------------------------


def test_a_link_has_a_long_random_token_and_opens_only_with_exactly_that_token(fresh_store, workshop, link):
    other = make_link(fresh_store, workshop.id, "TR")
    assert len(link.token) >= 32 and link.token != other.token
    assert iv.resume_link(fresh_store, link.token) == link
    for wrong in (link.token[:-1], link.token + "x", "", None, 42, link.token.upper()):
        with pytest.raises(iv.UnknownInterviewerLink):
            iv.resume_link(fresh_store, wrong)


def test_a_withdrawn_link_opens_nothing_and_writes_nothing_but_its_interviews_stay(fresh_store, workshop, link):
    interview = iv.start_interview(fresh_store, link)
    iv.revoke_link(fresh_store, workshop.id, link.id, by="anne")

    with pytest.raises(iv.UnknownInterviewerLink):
        iv.resume_link(fresh_store, link.token)
    with pytest.raises(iv.UnknownInterviewerLink):
        iv.save_note(fresh_store, link, interview.number, "samarbejde", "problem", "Skrevet efter")
    assert [i.number for i in iv.all_interviews(fresh_store, workshop.id, by="anne")] == [interview.number]
    assert iv.all_interviews(fresh_store, workshop.id, by="anne")[0].note("samarbejde").problem == ""

    iv.revoke_link(fresh_store, workshop.id, link.id, revoked=False, by="anne")
    assert iv.resume_link(fresh_store, link.token).is_active


def test_a_link_label_is_cleaned_and_an_empty_one_is_refused(fresh_store, workshop):
    owner = owner_account(fresh_store, workshop.id)
    assert iv.create_link(fresh_store, workshop.id, "  AMR\u202e  dagvagt ", by=owner).label == "AMR dagvagt"
    with pytest.raises(InvalidText):
        iv.create_link(fresh_store, workshop.id, "   ", by="anne")


# --- interviews and notes --------------------------------------------------------------------------


def test_interviews_are_numbered_per_workshop_across_links(fresh_store, workshop, link):
    tr = make_link(fresh_store, workshop.id, "TR")
    numbers = [iv.start_interview(fresh_store, lk).number for lk in (link, tr, link)]
    assert numbers == [1, 2, 3]
    assert [i.number for i in iv.interviews_of(fresh_store, link)] == [1, 3]
    assert [i.number for i in iv.interviews_of(fresh_store, tr)] == [2]


def test_an_interviewer_can_neither_read_nor_write_another_links_interview(fresh_store, workshop, link):
    tr = make_link(fresh_store, workshop.id, "TR")
    theirs = iv.start_interview(fresh_store, tr)
    iv.save_note(fresh_store, tr, theirs.number, "trivsel", "problem", "Fortroligt")

    with pytest.raises(iv.UnknownInterview):
        iv.get_interview(fresh_store, link, theirs.number)
    with pytest.raises(iv.UnknownInterview):
        iv.save_note(fresh_store, link, theirs.number, "trivsel", "problem", "Overskrevet")
    with pytest.raises(iv.UnknownInterview):
        iv.save_point(fresh_store, link, theirs.number, 1, "Overskrevet")
    assert iv.get_interview(fresh_store, tr, theirs.number).note("trivsel").problem == "Fortroligt"


def test_a_link_of_another_workshop_reaches_none_of_this_workshops_interviews(fresh_store, workshop, link,
                                                                               other_workshop):
    interview = iv.start_interview(fresh_store, link)
    stranger = make_link(fresh_store, other_workshop.id, "AMR")
    assert iv.interviews_of(fresh_store, stranger) == []
    with pytest.raises(iv.UnknownInterview):
        iv.get_interview(fresh_store, stranger, interview.number)


def test_saving_one_field_keeps_the_other_fields_of_the_theme(fresh_store, link):
    number = iv.start_interview(fresh_store, link).number
    iv.save_note(fresh_store, link, number, "rammer", "problem", "Travlhed om morgenen")
    iv.save_note(fresh_store, link, number, "rammer", "how_long", "Et halvt år")
    iv.save_note(fresh_store, link, number, "rammer", "works_well", "God sparring")

    note = iv.get_interview(fresh_store, link, number).note("rammer")
    assert (note.problem, note.how_long, note.works_well, note.sustains) == (
        "Travlhed om morgenen", "Et halvt år", "God sparring", "")
    assert note.mentions_problem and note.mentions_works_well


def test_an_emptied_field_is_cleared_and_the_theme_no_longer_counts(fresh_store, link):
    number = iv.start_interview(fresh_store, link).number
    for emptied in ("  \n ", "\u202e\u202c"):  # spaces, or only characters that are stripped
        iv.save_note(fresh_store, link, number, "ledelse", "problem", "Uklare mål")
        iv.save_note(fresh_store, link, number, "ledelse", "problem", emptied)
        assert not iv.get_interview(fresh_store, link, number).note("ledelse").mentions_problem


def test_a_note_keeps_its_line_breaks_and_loses_control_characters(fresh_store, link):
    number = iv.start_interview(fresh_store, link).number
    iv.save_note(fresh_store, link, number, "trivsel", "works_well", "Første linje\r\nAnden\x00 linje\u202e")
    assert iv.get_interview(fresh_store, link, number).note("trivsel").works_well == "Første linje\nAnden linje"


def test_a_note_that_is_too_long_or_not_text_saves_nothing(fresh_store, link):
    number = iv.start_interview(fresh_store, link).number
    iv.save_note(fresh_store, link, number, "trivsel", "problem", "Før")
    with pytest.raises(InvalidText):
        iv.save_note(fresh_store, link, number, "trivsel", "problem", "x" * (iv.NOTE_MAX + 1))
    with pytest.raises(InvalidText):
        iv.save_note(fresh_store, link, number, "trivsel", "problem", ["liste"])
    assert iv.get_interview(fresh_store, link, number).note("trivsel").problem == "Før"


def test_unknown_themes_fields_and_positions_are_refused(fresh_store, link):
    number = iv.start_interview(fresh_store, link).number
    with pytest.raises(ValueError):
        iv.save_note(fresh_store, link, number, "vejret", "problem", "x")
    with pytest.raises(ValueError):
        iv.save_note(fresh_store, link, number, "trivsel", "navn", "x")
    with pytest.raises(ValueError):
        iv.save_point(fresh_store, link, number, 4, "x")


def test_the_three_points_are_saved_with_their_theme_and_an_empty_one_is_removed(fresh_store, link):
    number = iv.start_interview(fresh_store, link).number
    iv.save_point(fresh_store, link, number, 1, "Travlhed\nom morgenen", "rammer")
    iv.save_point(fresh_store, link, number, 2, "God ledelse", "ledelse")
    iv.save_point(fresh_store, link, number, 2, "", "ledelse")

    interview = iv.get_interview(fresh_store, link, number)
    assert [(p.position, p.text, p.theme) for p in interview.points] == [(1, "Travlhed om morgenen", "rammer")]
    with pytest.raises(InvalidText):
        iv.save_point(fresh_store, link, number, 3, "x" * (iv.POINT_MAX + 1))


def test_group_size_advice_and_confirmation_are_kept(fresh_store, link):
    number = iv.start_interview(fresh_store, link).number
    iv.set_group_size(fresh_store, link, number, 3)
    iv.save_advice(fresh_store, link, number, "Tal sammen om det")
    iv.set_confirmed(fresh_store, link, number, True)
    interview = iv.get_interview(fresh_store, link, number)
    assert (interview.group_size, interview.advice, interview.confirmed) == (3, "Tal sammen om det", True)
    for wrong in (0, iv.GROUP_SIZE_MAX + 1, True, "2", 1.5):
        with pytest.raises(iv.InvalidGroupSize):
            iv.set_group_size(fresh_store, link, number, wrong)


def test_every_interview_write_bumps_the_workshops_revision_but_not_what_phones_show(fresh_store, workshop, link):
    before = get_workshop(fresh_store, workshop.id)
    number = iv.start_interview(fresh_store, link).number
    iv.save_note(fresh_store, link, number, "trivsel", "problem", "x")
    after = get_workshop(fresh_store, workshop.id)
    assert after.revision > before.revision and after.stage == before.stage


# --- the summary -----------------------------------------------------------------------------------


def test_the_summary_counts_per_theme_interviews_with_problems_and_with_things_that_work(fresh_store, workshop, link):
    one, two, three = (iv.start_interview(fresh_store, link).number for _ in range(3))
    iv.save_note(fresh_store, link, one, "samarbejde", "problem", "Dårlig overlevering")
    iv.save_note(fresh_store, link, two, "samarbejde", "sustains", "Ingen tid")  # a follow-up alone counts
    iv.save_note(fresh_store, link, two, "samarbejde", "works_well", "Hjælpsomme kolleger")
    iv.save_note(fresh_store, link, three, "ledelse", "works_well", "Synlig leder")
    iv.set_group_size(fresh_store, link, three, 4)

    result = summary.summarise(fresh_store, workshop.id, "da")

    by_key = {t.key: t for t in result.themes}
    assert (by_key["samarbejde"].problems, by_key["samarbejde"].works_well) == (2, 1)
    assert (by_key["ledelse"].problems, by_key["ledelse"].works_well) == (0, 1)
    assert (by_key["trivsel"].problems, by_key["trivsel"].works_well) == (0, 0)
    assert (result.interviews, result.interviewees, result.confirmed) == (3, 6, 0)
    assert by_key["samarbejde"].title == "Hvordan fungerer samarbejdet?"


def test_the_summary_holds_the_points_by_theme_sorted_by_their_words_and_no_raw_note(fresh_store, workshop):
    markers = fill_interviews(fresh_store, workshop.id)

    result = summary.summarise(fresh_store, workshop.id, "da", general_title="På tværs")

    shown = repr(result)
    assert all(note not in shown for note in markers["notes"] + markers["advice"])
    assert sorted(p.text for p in result.points) == sorted(markers["points"])
    samarbejde = next(t for t in result.themes if t.key == "samarbejde")
    assert [p.text for p in samarbejde.points] == sorted(p.text for p in samarbejde.points)
    assert result.themes[-1].key == summary.GENERAL and result.themes[-1].title == "På tværs"
    assert len(result.themes[-1].points) == 2


# --- into trin 1 -----------------------------------------------------------------------------------


def test_chosen_points_go_into_trin_1_as_problems_and_things_to_keep_typed_by_no_one(fresh_store, workshop, link):
    number = iv.start_interview(fresh_store, link).number
    iv.save_point(fresh_store, link, number, 1, "Travlhed om morgenen", "rammer")
    iv.save_point(fresh_store, link, number, 2, "God faglig sparring", "samarbejde")
    iv.save_point(fresh_store, link, number, 3, "Ikke videre", None)
    refs = {p.text: p.ref for p in summary.summarise(fresh_store, workshop.id).points}

    sent = summary.send_to_trin_1(fresh_store, workshop.id, {
        refs["Travlhed om morgenen"]: ITEM_PROBLEM, refs["God faglig sparring"]: ITEM_KEEP})

    assert sent.created == (1, 1) and sent.existing == ()
    problems = items.list_items(fresh_store, workshop.id, ITEM_PROBLEM)
    keep = items.list_items(fresh_store, workshop.id, ITEM_KEEP)
    assert [(i.text, i.author_participant_id) for i in problems] == [("Travlhed om morgenen", None)]
    assert [(i.text, i.author_participant_id) for i in keep] == [("God faglig sparring", None)]
    after = {p.text: p for p in summary.summarise(fresh_store, workshop.id).points}
    assert after["Travlhed om morgenen"].is_sent and after["Travlhed om morgenen"].item_number == 1
    assert after["God faglig sparring"].item_kind == ITEM_KEEP
    assert not after["Ikke videre"].is_sent
    assert iv.get_interview(fresh_store, link, number).point(1).item_id == problems[0].id


def test_sending_the_same_points_twice_adds_nothing(fresh_store, workshop, link):
    number = iv.start_interview(fresh_store, link).number
    iv.save_point(fresh_store, link, number, 1, "Travlhed om morgenen", "rammer")
    ref = summary.summarise(fresh_store, workshop.id).points[0].ref
    summary.send_to_trin_1(fresh_store, workshop.id, {ref: ITEM_PROBLEM})

    again = summary.send_to_trin_1(fresh_store, workshop.id, {ref: ITEM_PROBLEM})

    assert again.created == () and again.existing == ()
    assert len(items.list_items(fresh_store, workshop.id, ITEM_PROBLEM)) == 1


def test_a_point_already_on_the_list_is_linked_to_that_item_instead_of_doubled(fresh_store, workshop, link):
    existing = items.add_item_as_facilitator(fresh_store, workshop.id, ITEM_PROBLEM, "travlhed  OM morgenen")
    number = iv.start_interview(fresh_store, link).number
    iv.save_point(fresh_store, link, number, 1, "Travlhed om morgenen", "rammer")
    ref = summary.summarise(fresh_store, workshop.id).points[0].ref

    sent = summary.send_to_trin_1(fresh_store, workshop.id, {ref: ITEM_PROBLEM})

    assert sent.created == () and sent.existing == (existing.number,)
    assert [i.id for i in items.list_items(fresh_store, workshop.id, ITEM_PROBLEM)] == [existing.id]


def test_a_point_of_another_workshop_cannot_be_sent_into_this_one(fresh_store, workshop, other_workshop):
    stranger = make_link(fresh_store, other_workshop.id, "AMR")
    number = iv.start_interview(fresh_store, stranger).number
    iv.save_point(fresh_store, stranger, number, 1, "Fremmed pointe")
    ref = summary.summarise(fresh_store, other_workshop.id).points[0].ref

    sent = summary.send_to_trin_1(fresh_store, workshop.id, {ref: ITEM_PROBLEM})

    assert sent.created == () and items.list_items(fresh_store, workshop.id, ITEM_PROBLEM) == []


def test_a_point_goes_forward_only_as_a_problem_or_a_thing_to_keep(fresh_store, workshop):
    with pytest.raises(ValueError):
        summary.send_to_trin_1(fresh_store, workshop.id, {"1:1": "idea"})


def test_no_interview_table_has_a_column_for_a_name(fresh_store):
    tables = (schema.interviewer_links, schema.interviews, schema.interview_notes, schema.interview_points)
    columns = {c.name for t in tables for c in t.columns}
    assert not {c for c in columns if "name" in c or "person" in c}
    with fresh_store.read() as conn:
        assert conn.execute(select(schema.interviews)).all() == []


# --- random and hostile input ----------------------------------------------------------------------

HOSTILE = ["\u202egpj.exe", "\x00", "\ud800", "\r\n", "=HYPERLINK(\"x\")", "<script>", "**x**", " ", "\n", "Æøå"]
typed = hs.one_of(
    hs.text(hs.characters(), max_size=60),
    hs.lists(hs.sampled_from(HOSTILE), max_size=6).map("".join),
    hs.builds(lambda s, n: s * n, hs.sampled_from(["a", "\x00a", " "]), hs.integers(0, 4100)),
    hs.none(), hs.integers(),
)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    from datetime import date

    from fea_core.storage import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('hostile')}/t.sqlite3")
    workshop = create_workshop(store, name="H", department="D", held_on=date(2025, 1, 1), theme="T",
                               language="da", owner="anne")
    link = make_link(store, workshop.id, "AMR")
    yield store, link, iv.start_interview(store, link).number
    store.engine.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=typed, field_name=hs.sampled_from(iv.NOTE_FIELDS), point=typed)
def test_a_note_and_a_point_are_saved_clean_or_not_at_all(shared, value, field_name, point):
    store, link, number = shared
    before = iv.get_interview(store, link, number)
    try:
        iv.save_note(store, link, number, "trivsel", field_name, value)
    except FeaError:
        assert iv.get_interview(store, link, number).note("trivsel") == before.note("trivsel")
    else:
        saved = getattr(iv.get_interview(store, link, number).note("trivsel"), field_name)
        try:
            expected = clean_text(value, max_length=iv.NOTE_MAX, multiline=True)
        except InvalidText:
            expected = ""  # cleaned to nothing: the field is cleared
        assert saved == expected
    try:
        iv.save_point(store, link, number, 1, point)
    except FeaError:
        pass
    else:
        kept = iv.get_interview(store, link, number).point(1)
        if kept is not None:
            assert isinstance(point, str)
            assert kept.text == clean_text(point, max_length=iv.POINT_MAX)
            assert "\n" not in kept.text and len(kept.text) <= iv.POINT_MAX


def test_an_interview_started_but_never_written_in_does_not_count(fresh_store, workshop, link):
    iv.start_interview(fresh_store, link)
    held = iv.start_interview(fresh_store, link).number
    iv.save_note(fresh_store, link, held, "trivsel", "works_well", "Godt")
    assert summary.summarise(fresh_store, workshop.id).interviews == 1


@pytest.mark.databases("sqlite", "postgresql")
def test_interviews_and_their_summary_work_on_both_databases(fresh_store, workshop):
    markers = fill_interviews(fresh_store, workshop.id)
    result = summary.summarise(fresh_store, workshop.id)
    assert result.interviews == 2 and sorted(p.text for p in result.points) == sorted(markers["points"])
    first = result.points[0]
    assert summary.send_to_trin_1(fresh_store, workshop.id, {first.ref: ITEM_PROBLEM}).created == (1,)


def test_the_notes_version_moves_with_every_interview_write_and_not_with_the_rooms_answers(fresh_store, workshop):
    link = make_link(fresh_store, workshop.id, "AMR")
    empty = iv.notes_version(fresh_store, workshop.id)
    iv.start_interview(fresh_store, link)
    started = iv.notes_version(fresh_store, workshop.id)
    iv.save_note(fresh_store, link, 1, "rammer", "problem", "Travlhed")
    written = iv.notes_version(fresh_store, workshop.id)
    assert len({empty, started, written}) == 3

    participation.join(fresh_store, workshop.code)  # the room's activity bumps the revision only
    assert iv.notes_version(fresh_store, workshop.id) == written
