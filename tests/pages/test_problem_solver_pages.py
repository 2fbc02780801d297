"""Problemløseren trin 1-4 on the phone (pages/join.py) and on the shared screen (pages/screen.py)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from fea_core import decisions, items, placement, workshops
from fea_core.model import (
    ACTIVITY_IDEAS,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
)

HOSTILE = "**x** [l](javascript:alert(1)) <b>y</b>"
CLOSED = "Trinnet er lukket. Det, du har sendt, er gemt."
MATRIX_HIDDEN = "Placeringerne er skjult, mens I placerer. Facilitator viser dem, når alle er klar."
NEW_ACTIVITY_LABELS = {
    ACTIVITY_PROBLEMS: "Trin 1: Problematikker",
    ACTIVITY_PROBLEM_MATRIX: "Trin 2: Vælg et problem",
    ACTIVITY_IDEAS: "Trin 3: Idéer til løsninger",
    ACTIVITY_SOLUTION_MATRIX: "Trin 4: Prioritér løsning",
}


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def room(store, make_workshop):
    """Return a function that creates a workshop already in a Problemløseren activity."""

    def make(activity: str, *, is_open: bool = True, name: str = "Temadag i Lager Nord"):
        workshop = make_workshop(name)
        workshop = workshops.set_activity(store, workshop.id, activity)
        if not is_open:
            workshop = workshops.set_activity_open(store, workshop.id, False)
        return workshop

    return make


@pytest.fixture
def add(store):
    """Return a function that adds items as the facilitator and returns them in order."""

    def do_add(workshop, kind: str, *texts: str):
        return [items.add_item_as_facilitator(store, workshop.id, kind, text) for text in texts]

    return do_add


def phone(app, view, participant):
    """Open the join page as the phone that holds this participant's token."""
    return view.ok(app(query={"p": participant.token}).run())


def open_screen(app, view, user, code):
    at = view.ok(app(user=user, query={"w": code}).run())
    return view.ok(at.switch_page("pages/screen.py").run())


def submitter(at, form_prefix: str):
    """Return the one form submit button of the form whose id starts with form_prefix."""
    found = [b for b in at.button if b.proto.is_form_submitter and b.form_id.startswith(form_prefix)]
    assert len(found) == 1, f"expected one submit button in {form_prefix!r}, got {[b.form_id for b in at.button]}"
    return found[0]


def item_form(at, view) -> dict | None:
    return view.form(at, "items")


def deck(at, view) -> dict | None:
    return view.form(at, "placement")


def card(item, placed=None) -> dict:
    """Return what the deck is sent for one item: its number, its text verbatim, the phone's placement."""
    return {"id": item.id, "number": item.number, "text": item.text, "placed": placed}


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def step(at, view) -> dict:
    """Return what the phone's step component is handed to draw (fea_core/phone_state.py)."""
    return view.phone(at)["view"]


def notices(at, view) -> list[str]:
    return [n["text"] for n in step(at, view).get("notices", [])]


class _Cards(HTMLParser):
    """Read the screen's item cards back: each card's text, each merge note, every tag seen."""

    def __init__(self):
        super().__init__()
        self.cards, self.notes, self.tags, self._in = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        classes = dict(attrs).get("class", "")
        self._in.append(classes)
        if classes == "fea-item":
            self.cards.append("")
        elif classes == "fea-merged":
            self.notes.append("")

    def handle_endtag(self, tag):
        self._in.pop()

    def handle_data(self, data):
        if "fea-merged" in self._in:
            self.notes[-1] += data
        elif "fea-item" in self._in:
            self.cards[-1] += data


def read_cards(at) -> _Cards:
    parsed = _Cards()
    for element in at.html:
        if element.value.startswith("<div class='fea-items'"):  # not the page's stylesheet
            parsed.feed(element.value)
    return parsed


def listed(at) -> list[str]:
    """Return the items on the screen's lists as the room reads them ("2. Støj"), in order."""
    return read_cards(at).cards


def merge_notes(at) -> list[str]:
    return read_cards(at).notes


def mine(store, workshop, participant, kind):
    return [i for i in items.list_items(store, workshop.id, kind) if i.author_participant_id == participant.id]


# --- phone, trin 1 ----------------------------------------------------------------------------
# The forms are browser components posting to ui/server/answer_routes.py: these tests check what the
# page sends them; saving and refusals are tested on the routes (tests/test_answer_routes.py).


def test_trin_1_on_the_phone_shows_the_step_title_and_a_problem_or_keep_form(app, view, room, join):
    participant = join(room(ACTIVITY_PROBLEMS))

    at = phone(app, view, participant)

    assert step(at, view)["title"] == "Trin 1: Tal om problematikker i arbejdsmiljøet"
    form = item_form(at, view)
    assert [(k["key"], k["label"]) for k in form["kinds"]] == [("problem", "Et problem"), ("keep", "Det fungerer godt")]
    assert {k["field"] for k in form["kinds"]} == {"Skriv kort (ét punkt ad gangen)"}
    assert form["kinds"][0]["placeholder"] == "Fx: Vi når ikke at tale om svære patientforløb"
    assert form["max_chars"] == items.ITEM_TEXT_MAX == 200
    assert (form["text"]["send"], form["text"]["yours"]) == ("Send", "Du har sendt {n}:")
    assert form["url"] == f"/api/answer/{participant.token}/items"
    assert form["mine"] == {"problem": [], "keep": []}
    assert not at.text_area and not [b for b in at.button if b.label == "Send"]  # no widgets, no reruns


def test_a_reloaded_phone_gets_its_own_problems_and_keep_items_back_and_no_one_elses(
    app, view, store, room, join
):
    workshop = room(ACTIVITY_PROBLEMS)
    participant = join(workshop)
    items.submit_item(store, participant, "problem", "Vi når ikke at holde pauser")
    items.submit_item(store, join(workshop), "problem", "For mange afbrydelser")
    items.submit_item(store, participant, "keep", "Vi hjælper hinanden på travle dage")

    form = item_form(phone(app, view, participant), view)

    assert form["mine"] == {"problem": ["Vi når ikke at holde pauser"], "keep": ["Vi hjælper hinanden på travle dage"]}


def test_a_closed_trin_1_shows_trinnet_er_lukket_the_phones_own_list_and_no_form(app, view, store, room, join):
    workshop = room(ACTIVITY_PROBLEMS)
    participant = join(workshop)
    items.submit_item(store, participant, "problem", "Vi når ikke at holde pauser")
    workshops.set_activity_open(store, workshop.id, False)

    at = phone(app, view, participant)

    assert notices(at, view) == [CLOSED]
    assert step(at, view)["title"] == "Trin 1: Tal om problematikker i arbejdsmiljøet"
    assert item_form(at, view) is None
    assert step(at, view)["caption"] == "Du har sendt 1:"
    assert step(at, view)["lines"] == ["• Vi når ikke at holde pauser"]


def test_a_hostile_text_is_sent_to_the_phone_verbatim_and_never_drawn_as_markdown(app, view, store, room, join):
    workshop = room(ACTIVITY_PROBLEMS)
    participant = join(workshop)
    items.submit_item(store, participant, "problem", HOSTILE)

    at = phone(app, view, participant)

    assert item_form(at, view)["mine"] == {"problem": [HOSTILE], "keep": []}  # data for a text node, never HTML
    rendered = [e.value for e in list(at.markdown) + list(at.caption) + list(at.subheader)]
    assert not any("javascript" in value for value in rendered)

    workshops.set_activity_open(store, workshop.id, False)
    at = phone(app, view, participant)
    assert step(at, view)["lines"] == [f"• {HOSTILE}"]  # data for a text node, never Markdown or HTML


# --- phone, trin 2 ----------------------------------------------------------------------------


@pytest.fixture
def trin_2(store, room, add, join):
    """Return (workshop, [three problems], participant) with the problem matrix open."""
    workshop = room(ACTIVITY_PROBLEMS)
    problems = add(workshop, "problem", "Vi når ikke at holde pauser", "For mange afbrydelser", "Uklare roller")
    workshop = workshops.set_activity(store, workshop.id, ACTIVITY_PROBLEM_MATRIX)
    return workshop, problems, join(workshop)


def test_trin_2_deals_the_visible_problems_as_cards_and_skips_merged_or_hidden_ones(
    app, view, store, trin_2, add
):
    workshop, (p1, p2, p3), participant = trin_2
    [p4] = add(workshop, "problem", "Ingen tid til oplæring")
    items.merge_items(store, p1.id, [p2.id])
    items.hide_item(store, p4.id)

    at = phone(app, view, participant)

    assert step(at, view)["title"] == "Trin 2: Vælg et problem, I vil gøre noget ved"
    form = deck(at, view)
    assert form["cards"] == [card(p1), card(p3)]
    assert form["open"] is True
    assert form["url"] == f"/api/answer/{participant.token}/placements"
    assert form["text"]["number"] == "Nr. {number}"  # the item's own number, stable after merges
    assert form["text"]["skip"] == "Du kan springe et punkt over."
    assert form["text"]["progress"] == "{done} af {total} placeret"
    assert (form["text"]["previous"], form["text"]["next"]) == ("Forrige", "Næste")
    assert (form["text"]["save"], form["text"]["update"]) == ("Gem placering", "Opdatér placering")
    assert form["text"]["both"] == "Vælg et tal på begge skalaer."
    assert not [c for c in texts(at.caption) if c.startswith("Lander i")]


def test_the_problem_scales_read_antal_beroerte_and_problemets_konsekvenser_low_to_high(app, view, trin_2):
    workshop, _, participant = trin_2

    form = deck(phone(app, view, participant), view)

    assert form["y"] == {"label": "Antal berørte: Få → Mange", "reversed": False, "left": "Få", "right": "Mange"}
    assert form["x"] == {"label": "Problemets konsekvenser: Små → Store", "reversed": False, "left": "Små",
                         "right": "Store"}
    assert form["scale"] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("x", "y", "quadrant"),
    [(5, 5, "Her skal vi gøre en indsats"), (1, 1, "Ikke relevant"), (5, 1, "Måske relevant")],
)
def test_a_saved_placement_comes_back_on_its_card_with_the_quadrant_it_lands_in(
    app, view, store, trin_2, x, y, quadrant
):
    workshop, (p1, p2, p3), participant = trin_2
    placement.place_item(store, participant, p1.id, x, y)

    form = deck(phone(app, view, participant), view)

    assert form["cards"] == [card(p1, {"x": x, "y": y, "lands_in": f"Lander i: {quadrant}"}), card(p2), card(p3)]


def test_the_deck_knows_which_problems_are_placed_and_how_to_say_all_are(app, view, store, trin_2):
    workshop, (p1, p2, p3), participant = trin_2
    placement.place_item(store, participant, p1.id, 5, 5)
    placement.place_item(store, participant, p3.id, 1, 1)

    form = deck(phone(app, view, participant), view)

    # The browser opens the deck at the first card without a placement (p2).
    assert [c["placed"] is not None for c in form["cards"]] == [True, False, True]
    assert form["text"]["all_placed"] == (
        "Du har placeret alle {total} punkter. Du kan stadig gå tilbage og ændre dem."
    )


def test_a_problem_merged_or_hidden_meanwhile_leaves_the_deck_and_comes_back_when_restored(
    app, view, store, trin_2
):
    workshop, (p1, p2, p3), participant = trin_2
    at = phone(app, view, participant)
    items.merge_items(store, p1.id, [p2.id])

    view.ok(at.run())  # the facilitator's change reruns the phones (ui/live.py)
    assert [c["id"] for c in deck(at, view)["cards"]] == [p1.id, p3.id]

    items.unmerge_item(store, p2.id)
    view.ok(at.run())
    assert [c["id"] for c in deck(at, view)["cards"]] == [p1.id, p2.id, p3.id]


def test_after_trin_2_closed_the_deck_is_read_only_and_the_saved_quadrant_still_shows(app, view, store, trin_2):
    workshop, (p1, p2, p3), participant = trin_2
    placement.place_item(store, participant, p1.id, 5, 5)
    at = phone(app, view, participant)
    assert deck(at, view)["open"] is True
    workshops.set_activity_open(store, workshop.id, False)

    view.ok(at.run())

    assert notices(at, view) == [CLOSED]
    form = deck(at, view)
    assert form["open"] is False
    assert form["cards"][0] == card(p1, {"x": 5, "y": 5, "lands_in": "Lander i: Her skal vi gøre en indsats"})


def test_trin_2_with_no_problems_asks_the_phone_to_wait(app, view, room, join):
    at = phone(app, view, join(room(ACTIVITY_PROBLEM_MATRIX)))

    assert notices(at, view) == ["Der er endnu intet at placere. Vent et øjeblik."]
    assert deck(at, view) is None


# --- phone, trin 3 ----------------------------------------------------------------------------


@pytest.fixture
def chosen_problem(store, room, add):
    """Return a workshop whose problem 2 is chosen and described, and that problem."""
    workshop = room(ACTIVITY_PROBLEMS)
    _, problem = add(workshop, "problem", "Vi når ikke at holde pauser", "For mange afbrydelser **nu**")
    decisions.choose_problem(store, workshop.id, problem.id)
    decisions.describe_problem(store, workshop.id, "Telefonen ringer hele tiden.\nIsær om morgenen.")
    return workshop, problem


def test_trin_3_shows_the_chosen_problem_and_its_description(app, view, store, chosen_problem, join):
    workshop, problem = chosen_problem
    workshop = workshops.set_activity(store, workshop.id, ACTIVITY_IDEAS)

    at = phone(app, view, join(workshop))

    assert step(at, view)["title"] == "Trin 3: Find idéer til løsninger"
    # Data for text nodes: the Markdown stars stay stars, the description keeps its line break.
    assert view.phone(at)["chosen_problem"] == {
        "label": "Det valgte problem", "text": "For mange afbrydelser **nu**",
        "description": "Telefonen ringer hele tiden.\nIsær om morgenen.",
    }


def test_trin_3_without_a_chosen_problem_says_so(app, view, room, join):
    at = phone(app, view, join(room(ACTIVITY_IDEAS)))

    assert view.phone(at)["chosen_problem"] == {"missing": "Der er endnu ikke valgt et problem (trin 2)."}
    assert item_form(at, view)  # ideas may still be sent


def test_trin_3_offers_ideas_only_and_lists_the_phones_ideas_not_its_problems(app, view, store, room, join):
    workshop = room(ACTIVITY_PROBLEMS)
    participant = join(workshop)
    items.submit_item(store, participant, "problem", "Vi når ikke at holde pauser")
    workshops.set_activity(store, workshop.id, ACTIVITY_IDEAS)
    items.submit_item(store, participant, "idea", "15 minutters fælles opsamling hver fredag")

    form = item_form(phone(app, view, participant), view)

    assert form["kinds"] == [{
        "key": "idea", "label": "En idé", "field": "Din idé til en løsning (én ad gangen)",
        "placeholder": "Fx: 15 minutters fælles opsamling hver fredag",
    }]
    assert form["mine"] == {"idea": ["15 minutters fælles opsamling hver fredag"]}


# --- phone, trin 4 ----------------------------------------------------------------------------


@pytest.fixture
def trin_4(store, chosen_problem, add, join):
    """Return (workshop, idea, participant) with the solution matrix open."""
    workshop, _ = chosen_problem
    workshops.set_activity(store, workshop.id, ACTIVITY_IDEAS)
    [idea] = add(workshop, "idea", "15 minutters fælles opsamling hver fredag")
    workshop = workshops.set_activity(store, workshop.id, ACTIVITY_SOLUTION_MATRIX)
    return workshop, idea, join(workshop)


def test_trin_4_lists_ressourceforbrug_high_to_low(app, view, trin_4):
    workshop, idea, participant = trin_4

    at = phone(app, view, participant)

    assert step(at, view)["title"] == "Trin 4: Prioritér den bedste løsning"
    form = deck(at, view)
    # The browser draws a reversed axis's scale backwards: 5 (Høj) first.
    # Words at both ends of each scale, drawn under the first and the last number.
    assert form["x"] == {"label": "Ressourceforbrug: Høj → Lav", "reversed": True, "left": "Høj", "right": "Lav"}
    assert form["y"] == {"label": "Effekt: Lav → Høj", "reversed": False, "left": "Lav", "right": "Høj"}
    assert form["scale"] == [1, 2, 3, 4, 5]
    assert form["cards"] == [card(idea)]
    assert view.phone(at)["chosen_problem"]["label"] == "Det valgte problem"  # the frame stays in view


@pytest.mark.parametrize(
    ("resources", "effect", "quadrant"), [(1, 5, "Det her skal prioriteres"), (5, 5, "Måske relevant")]
)
def test_a_saved_idea_placement_lands_in_the_solution_matrixs_quadrant(
    app, view, store, trin_4, resources, effect, quadrant
):
    workshop, idea, participant = trin_4
    placement.place_item(store, participant, idea.id, resources, effect)

    form = deck(phone(app, view, participant), view)

    assert form["cards"] == [card(idea, {"x": resources, "y": effect, "lands_in": f"Lander i: {quadrant}"})]


# --- the shared screen ------------------------------------------------------------------------


def test_the_step_list_lists_the_four_steps_with_their_danish_labels(app, view, facilitator, room):
    workshop = room(ACTIVITY_PROBLEMS)

    at = open_screen(app, view, facilitator, workshop.code)

    options = view.steps(at).options
    first = options.index(NEW_ACTIVITY_LABELS[ACTIVITY_PROBLEMS])  # after welcome, talk and competence
    assert options[first:first + 4] == list(NEW_ACTIVITY_LABELS.values())


@pytest.mark.parametrize("activity", list(NEW_ACTIVITY_LABELS))
def test_choosing_a_step_in_the_list_changes_the_activity_and_bumps_the_stage(
    app, view, store, facilitator, make_workshop, activity
):
    workshop = make_workshop()
    at = open_screen(app, view, facilitator, workshop.code)

    view.ok(view.steps(at).choose(activity))

    now = workshops.get_workshop(store, workshop.id)
    assert now.activity == activity
    assert now.stage == workshop.stage + 1
    assert now.activity_open and not now.results_visible
    number = list(NEW_ACTIVITY_LABELS).index(activity) + 1
    assert any(m.startswith(f"### Trin {number}: ") for m in texts(at.markdown))


@pytest.fixture
def screen_trin_1(store, room, add, join):
    """Return a workshop in trin 1 with three problems (one sent by a phone) and two keep items."""
    workshop = room(ACTIVITY_PROBLEMS)
    problems = add(workshop, "problem", "Vi når ikke at holde pauser", "For mange afbrydelser")
    problems.append(items.submit_item(store, join(workshop), "problem", HOSTILE))
    keeps = add(workshop, "keep", "Vi hjælper hinanden", "God stemning til morgenmødet")
    return workshop, problems, keeps


def test_trin_1_on_the_screen_lists_problems_and_keep_items_numbered_as_plain_text(
    app, view, facilitator, screen_trin_1
):
    workshop, _, _ = screen_trin_1

    at = open_screen(app, view, facilitator, workshop.code)

    markdown = texts(at.markdown)
    assert "### Trin 1: Tal om problematikker i arbejdsmiljøet" in markdown
    assert "#### Problemer (3)" in markdown
    assert "#### Det fungerer godt – det vil vi holde fast i (2)" in markdown
    assert listed(at) == [
        "1. Vi når ikke at holde pauser",
        "2. For mange afbrydelser",
        f"3. {HOSTILE}",  # the user's text verbatim, as text
        "1. Vi hjælper hinanden",
        "2. God stemning til morgenmødet",
    ]
    assert set(read_cards(at).tags) == {"div", "b"}  # the hostile <b> is text, not a tag


def test_a_merged_target_on_the_screen_shows_samlet_med_nr(app, view, store, facilitator, screen_trin_1):
    workshop, (p1, p2, p3), _ = screen_trin_1
    items.merge_items(store, p1.id, [p2.id, p3.id])

    at = open_screen(app, view, facilitator, workshop.code)

    assert "#### Problemer (1)" in texts(at.markdown)
    assert "Samlet med nr. 2, 3" in merge_notes(at)
    assert "2. For mange afbrydelser" not in listed(at)


def test_the_facilitator_adds_a_problem_said_aloud(app, view, store, facilitator, screen_trin_1):
    workshop, _, _ = screen_trin_1
    at = open_screen(app, view, facilitator, workshop.code)
    # The tools sit in the room view's folded compact controls ("Styring").
    assert [e.label for e in at.expander][:2] == ["Styring", "Redigér problemerne"]

    [field] = [t for t in at.text_input if t.label == "Tilføj et problem, der bliver sagt højt"]
    field.input("Vi mangler sparring")
    view.ok(submitter(at, "add_problem").click().run())

    added = items.list_items(store, workshop.id, "problem")[-1]
    assert (added.number, added.text, added.author_participant_id) == (4, "Vi mangler sparring", None)
    assert "4. Vi mangler sparring" in listed(at)
    assert "#### Problemer (4)" in texts(at.markdown)


def test_the_facilitator_edits_the_wording_of_a_problem(app, view, store, facilitator, screen_trin_1):
    workshop, (_, p2, _), _ = screen_trin_1
    at = open_screen(app, view, facilitator, workshop.code)

    view.ok(at.selectbox(key="edit_problem").set_value(p2.id).run())
    at.text_input(key=f"text_problem_{p2.id}").input("For mange afbrydelser i vagten")
    view.ok(at.button(key="save_problem").click().run())

    edited = items.get_item(store, p2.id)
    assert (edited.number, edited.text) == (2, "For mange afbrydelser i vagten")
    assert "2. For mange afbrydelser i vagten" in listed(at)


def test_the_facilitator_hides_a_problem_and_shows_it_again(app, view, store, facilitator, screen_trin_1):
    workshop, (p1, p2, _), _ = screen_trin_1
    at = open_screen(app, view, facilitator, workshop.code)

    view.ok(at.selectbox(key="edit_problem").set_value(p2.id).run())
    view.ok(at.button(key="hide_problem").click().run())

    assert items.get_item(store, p2.id).hidden is True
    assert "2. For mange afbrydelser" not in listed(at)
    assert "#### Problemer (2)" in texts(at.markdown)
    hidden = at.selectbox(key="unhide_pick_problem")
    assert hidden.label == "Skjulte punkter"
    assert hidden.options == ["2. For mange afbrydelser"]

    view.ok(at.button(key="unhide_problem").click().run())

    assert items.get_item(store, p2.id).hidden is False
    assert "2. For mange afbrydelser" in listed(at)


def test_a_long_temadag_offers_the_200_newest_hidden_items_to_show_again_newest_first(
    app, view, store, facilitator, screen_trin_1, add
):
    workshop, _, _ = screen_trin_1
    many = add(workshop, "problem", *(f"Gammelt problem {n}" for n in range(4, 206)))  # numbers 4..205
    for item in many + [items.get_item(store, screen_trin_1[1][0].id)]:
        items.hide_item(store, item.id, True)
    at = open_screen(app, view, facilitator, workshop.code)

    hidden = at.selectbox(key="unhide_pick_problem")
    assert len(hidden.options) == 200
    assert hidden.options[:2] == ["205. Gammelt problem 205", "204. Gammelt problem 204"]
    assert hidden.options[-1] == "6. Gammelt problem 6"  # 1, 4 and 5 are hidden too, but older
    assert "Listen viser de 200 nyeste skjulte punkter." in texts(at.caption)

    view.ok(at.button(key="unhide_problem").click().run())
    assert items.get_item(store, many[-1].id).hidden is False


def test_the_facilitator_merges_two_problems_and_undoes_the_merge(app, view, store, facilitator, screen_trin_1):
    workshop, (p1, p2, p3), _ = screen_trin_1
    at = open_screen(app, view, facilitator, workshop.code)
    assert at.button(key="merge_problem").disabled

    view.ok(at.multiselect(key="src_problem").set_value([p3.id, p2.id, p1.id]).run())
    assert "Nr. 1 beholder sit nummer; de andre vises under det som samlet." in texts(at.caption)
    view.ok(at.button(key="merge_problem").click().run())

    assert [i.merged_into for i in (items.get_item(store, p2.id), items.get_item(store, p3.id))] == [p1.id, p1.id]
    assert [i.id for i in items.list_items(store, workshop.id, "problem")] == [p1.id]
    assert "Samlet med nr. 2, 3" in merge_notes(at)
    merged = at.selectbox(key="unmerge_pick_problem")
    assert merged.options == ["2. For mange afbrydelser", f"3. {p3.text}"]
    assert at.button(key="unmerge_problem").label == "Fortryd sammenlægning"

    view.ok(at.button(key="unmerge_problem").click().run())

    assert items.get_item(store, p2.id).merged_into is None
    assert items.get_item(store, p3.id).merged_into == p1.id
    assert [i.id for i in items.list_items(store, workshop.id, "problem")] == [p1.id, p2.id]
    assert "Samlet med nr. 3" in merge_notes(at)
    assert "2. For mange afbrydelser" in listed(at)


def test_a_duplicate_typed_by_the_facilitator_is_refused_with_its_number(app, view, store, facilitator, screen_trin_1):
    workshop, _, _ = screen_trin_1
    at = open_screen(app, view, facilitator, workshop.code)

    [field] = [t for t in at.text_input if t.label == "Tilføj et problem, der bliver sagt højt"]
    field.input("for MANGE afbrydelser")
    view.ok(submitter(at, "add_problem").click().run())

    assert texts(at.error) == ["Det står der allerede (nr. 2)."]
    assert len(items.list_items(store, workshop.id, "problem")) == 3


@pytest.fixture
def screen_trin_2(store, room, add, join):
    """Return a workshop in trin 2 with four problems placed by two phones (the 4th by nobody)."""
    workshop = room(ACTIVITY_PROBLEMS)
    problems = add(workshop, "problem", "Pauser", "Afbrydelser", "Roller", "Oplæring")
    workshop = workshops.set_activity(store, workshop.id, ACTIVITY_PROBLEM_MATRIX)
    for _ in range(2):
        participant = join(workshop)
        for problem, (x, y) in zip(problems, [(5, 5), (1, 1), (2, 5)]):
            placement.place_item(store, participant, problem.id, x, y)
    return workshops.get_workshop(store, workshop.id), problems


def test_trin_2_with_results_hidden_shows_the_hidden_message_and_no_chart(app, view, facilitator, screen_trin_2):
    workshop, _ = screen_trin_2

    at = open_screen(app, view, facilitator, workshop.code)

    assert "### Trin 2: Vælg et problem, I vil gøre noget ved" in texts(at.markdown)
    assert MATRIX_HIDDEN in texts(at.info)
    assert not at.get("vega_lite_chart")
    assert view.key_table(at, "matrix-key-table-problem") is None
    assert "Vis resultater" in [b.label for b in at.button]


def test_trin_2_with_results_shown_draws_the_matrix_and_a_table_with_the_verbatim_quadrants(
    app, view, store, facilitator, screen_trin_2
):
    workshop, _ = screen_trin_2
    at = open_screen(app, view, facilitator, workshop.code)

    view.ok(view.button(at, "Vis resultater").click().run())

    assert workshops.get_workshop(store, workshop.id).results_visible is True
    assert MATRIX_HIDDEN not in texts(at.info)
    assert len(at.get("vega_lite_chart")) == 1
    frame = view.key_frame(at, "matrix-key-table-problem")
    assert list(frame.columns) == ["Nr.", "Tekst", "Felt", "Placeringer"]
    assert list(frame["Nr."]) == ["1", "3", "2", "4"]
    assert list(frame["Felt"]) == ["Her skal vi gøre en indsats", "Måske relevant", "Ikke relevant", ""]
    assert list(frame["Placeringer"]) == ["2", "2", "2", "0"]


def test_choosing_a_problem_and_describing_it_saves_both_decisions(app, view, store, facilitator, screen_trin_2):
    workshop, (p1, *_) = screen_trin_2
    at = open_screen(app, view, facilitator, workshop.code)
    assert at.selectbox(key="pick_problem").value is None
    assert at.button(key="choose_btn_problem").disabled

    view.ok(at.selectbox(key="pick_problem").set_value(p1.id).run())
    view.ok(at.button(key="choose_btn_problem").click().run())

    assert decisions.get_decisions(store, workshop.id).chosen_problem_id == p1.id
    assert at.selectbox(key="pick_problem").value == p1.id

    at.text_area(key="describe").input("Vi holder ikke pauser.\nIsær i weekenden.")
    view.ok(at.button(key="save_description").click().run())

    chosen = decisions.get_decisions(store, workshop.id)
    assert chosen.chosen_problem_id == p1.id
    assert chosen.problem_description == "Vi holder ikke pauser.\nIsær i weekenden."
    assert at.text_area(key="describe").label == "Beskriv det problem, I vil gøre noget ved:"


@pytest.fixture
def screen_trin_4(store, chosen_problem, add, join):
    """Return a workshop in trin 4 with two ideas placed by one phone."""
    workshop, _ = chosen_problem
    workshops.set_activity(store, workshop.id, ACTIVITY_IDEAS)
    ideas = add(workshop, "idea", "Fast pause kl. 10", "Nyt vagtsystem")
    workshop = workshops.set_activity(store, workshop.id, ACTIVITY_SOLUTION_MATRIX)
    participant = join(workshop)
    placement.place_item(store, participant, ideas[0].id, 1, 5)  # low resources, high effect
    placement.place_item(store, participant, ideas[1].id, 5, 1)  # high resources, low effect
    return workshops.get_workshop(store, workshop.id), ideas


def test_trin_4_with_results_shown_uses_the_solution_matrix_labels(app, view, store, facilitator, screen_trin_4):
    workshop, _ = screen_trin_4
    workshops.set_results_visible(store, workshop.id, True)

    at = open_screen(app, view, facilitator, workshop.code)

    assert "### Trin 4: Prioritér den bedste løsning" in texts(at.markdown)
    assert len(at.get("vega_lite_chart")) == 1
    frame = view.key_frame(at, "matrix-key-table-idea")
    assert list(frame["Tekst"]) == ["Fast pause kl. 10", "Nyt vagtsystem"]  # as typed
    assert list(frame["Felt"]) == ["Det her skal prioriteres", "Ikke relevant"]


def test_choosing_an_idea_in_trin_4_saves_it(app, view, store, facilitator, screen_trin_4):
    workshop, (_, idea) = screen_trin_4
    at = open_screen(app, view, facilitator, workshop.code)
    assert not [t for t in at.text_area if t.key == "describe"]  # trin 2 only

    view.ok(at.selectbox(key="pick_idea").set_value(idea.id).run())
    view.ok(at.button(key="choose_btn_idea").click().run())

    chosen = decisions.get_decisions(store, workshop.id)
    assert chosen.chosen_idea_id == idea.id
    assert chosen.chosen_problem_id is not None  # the problem chosen in trin 2 stays
    assert at.selectbox(key="pick_idea").value == idea.id


def test_trin_3_on_the_screen_shows_the_chosen_problem_and_the_ideas(
    app, view, store, facilitator, chosen_problem, add
):
    workshop, _ = chosen_problem
    workshop = workshops.set_activity(store, workshop.id, ACTIVITY_IDEAS)
    add(workshop, "idea", "Fast pause kl. 10")

    at = open_screen(app, view, facilitator, workshop.code)

    markdown = texts(at.markdown)
    assert "### Trin 3: Find idéer til løsninger" in markdown
    assert r"#### For mange afbrydelser \*\*nu\*\*" in markdown
    assert "Telefonen ringer hele tiden.\nIsær om morgenen." in texts(at.text)
    assert "#### Idéer (1)" in markdown
    assert "1. Fast pause kl. 10" in listed(at)
    assert [e.label for e in at.expander if e.label.startswith("Redigér")] == ["Redigér idéerne"]


def test_a_problem_sent_after_the_screen_was_drawn_is_offered_by_the_tools_on_the_next_run(
    app, view, store, facilitator, screen_trin_1, join
):
    workshop, problems, _ = screen_trin_1
    at = open_screen(app, view, facilitator, workshop.code)
    late = items.submit_item(store, join(workshop), "problem", "Ingen tid til oplæring")

    view.ok(at.run())

    assert at.multiselect(key="src_problem").options == [
        "1. Vi når ikke at holde pauser", "2. For mange afbrydelser", f"3. {HOSTILE}", "4. Ingen tid til oplæring"
    ]
    assert "4. Ingen tid til oplæring" in listed(at)
    assert late.number == 4



def test_the_matrix_table_shows_a_hostile_text_as_typed_never_as_markdown_or_html(
    app, view, store, facilitator, chosen_problem, add, join
):
    workshop, _ = chosen_problem
    workshops.set_activity(store, workshop.id, ACTIVITY_IDEAS)
    hostile = "# x $x^2$ [a](http://127.0.0.2:9/a) ![](http://127.0.0.2:9/x.png) :red[x] <b>x</b>"
    add(workshop, "idea", hostile)
    workshops.set_activity(store, workshop.id, ACTIVITY_SOLUTION_MATRIX)
    workshops.set_results_visible(store, workshop.id, True)

    at = open_screen(app, view, facilitator, workshop.code)

    # The room view's key table is escaped HTML (ui/key_table.py), not Markdown: the text is
    # shown exactly as typed, and no tag, image or link of it is drawn.
    [cell] = list(view.key_frame(at, "matrix-key-table-idea")["Tekst"])
    assert cell == hostile
    [html] = [h.value for h in at.get("html") if "matrix-key-table-idea" in h.value]
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<img" not in html and "<a " not in html
