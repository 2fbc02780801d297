"""The participant's phone (pages/join.py): joining, coming back, and the competence round."""

from __future__ import annotations

import re

import pytest

from fea_core import competence, participation, workshops
from fea_core.model import ACTIVITY_COMPETENCE

RATINGS = {
    "innovation": 4,
    "aabenhed": 2,
    "teknikker_og_viden": "dk",
    "motivation": 5,
    "systematik": 1,
    "tid_og_ressourcer": 3,
}
SAVED = {k: (None if v == "dk" else v) for k, v in RATINGS.items()}


@pytest.fixture
def competence_round(store, make_workshop):
    """Return a workshop whose phones show the competence round (open)."""
    workshop = make_workshop("Temadag i Lager Nord")
    return workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)


def phone(app, view, participant):
    """Open the join page as the phone that holds this participant's token."""
    return view.ok(app(query={"p": participant.token}).run())


def test_with_no_token_the_join_form_is_shown(app, view):
    at = view.ok(app().run())

    assert at.title[0].value == "Deltag i workshoppen"
    assert [t.label for t in at.text_input] == ["Kode fra storskærmen"]
    assert view.button(at, "Deltag").proto.is_form_submitter
    assert "Du er anonym" in view.text(at)


def test_a_wrong_code_is_refused_in_danish(app, view, store, make_workshop):
    workshop = make_workshop()
    at = view.ok(app().run())

    at.text_input[0].input("ZZZZZZ")
    view.ok(view.button(at, "Deltag").click().run())

    assert [e.value for e in at.error] == ["Koden findes ikke. Tjek koden på storskærmen og prøv igen."]
    assert "p" not in at.query_params
    assert participation.count_participants(store, workshop.id) == 0


def test_the_right_code_typed_in_lower_case_with_a_space_joins(app, view, store, make_workshop):
    workshop = make_workshop("Temadag i Lager Nord")
    typed = f"{workshop.code[:3].lower()} {workshop.code[3:].lower()}"
    at = view.ok(app().run())

    at.text_input[0].input(typed)
    view.ok(view.button(at, "Deltag").click().run())

    assert at.query_params["code"] == workshop.code
    token = at.query_params["p"]
    assert participation.resume(store, token).workshop_id == workshop.id
    assert participation.count_participants(store, workshop.id) == 1
    text = view.text(at)
    assert "Velkommen!" in text
    assert "Du er med. Skærmen skifter af sig selv" in text
    assert f"Kode {workshop.code}" in text
    assert not at.text_input  # the join form is gone


def test_the_code_in_the_url_is_filled_in_and_the_workshop_named(app, view, make_workshop):
    workshop = make_workshop("Temadag i Lager Nord")
    at = view.ok(app(query={"code": workshop.code.lower()}).run())

    # One instruction and one button: the code came with the link, so no field asks for it again.
    assert not at.text_input
    assert [s.value for s in at.subheader] == ["Temadag i Lager Nord"]
    assert "Tryk på Deltag for at være med i workshoppen." in view.text(at)
    assert view.button(at, "Deltag").proto.is_form_submitter


def test_the_join_button_under_a_code_from_the_link_joins_that_workshop(app, view, store, make_workshop):
    workshop = make_workshop("Temadag i Lager Nord")
    at = view.ok(app(query={"code": workshop.code}).run())

    view.ok(view.button(at, "Deltag").click().run())

    assert participation.resume(store, at.query_params["p"]).workshop_id == workshop.id
    assert "Velkommen!" in view.text(at)


def test_an_unknown_code_in_the_link_keeps_the_field_to_type_the_right_one(app, view, make_workshop):
    make_workshop()
    at = view.ok(app(query={"code": "ZZZZZZ"}).run())

    assert [t.label for t in at.text_input] == ["Kode fra storskærmen"]


def test_with_lang_en_the_texts_are_english(app, view, make_workshop):
    make_workshop(language="da")
    at = view.ok(app(query={"lang": "en"}).run())

    assert at.title[0].value == "Join the workshop"
    assert at.text_input[0].label == "Code from the shared screen"
    assert view.button(at, "Join")
    at.text_input[0].input("ZZZZZZ")
    view.ok(view.button(at, "Join").click().run())
    assert at.error[0].value.startswith("That code does not exist.")


def test_an_english_workshop_speaks_english_to_its_phones(app, view, join, make_workshop):
    participant = join(make_workshop(language="en"))

    at = phone(app, view, participant)

    assert "Welcome!" in view.text(at)


@pytest.mark.parametrize("token", ["stale-token-that-was-never-issued", "x"])
def test_an_unknown_token_is_explained_and_the_join_form_shown(app, view, make_workshop, token):
    make_workshop()
    at = view.ok(app(query={"p": token}).run())

    assert [e.value for e in at.error] == [
        "Vi kunne ikke genkende din deltagelse. Deltag igen med koden fra storskærmen."
    ]
    assert at.title[0].value == "Deltag i workshoppen"
    assert [t.label for t in at.text_input] == ["Kode fra storskærmen"]
    assert "p" not in at.query_params


def test_a_returning_phone_is_recognised_by_its_token(app, view, join, make_workshop):
    participant = join(make_workshop("Temadag i Lager Nord"))

    at = phone(app, view, participant)

    assert not at.error
    assert "Velkommen!" in view.text(at)
    assert [s.value for s in at.subheader][0] == "Temadag i Lager Nord"


def test_the_competence_round_sends_the_six_factors_verbatim_to_the_rating_form(
    app, view, join, competence_round
):
    participant = join(competence_round)

    at = phone(app, view, participant)

    form = view.form(at, "rating")
    assert [f["label"] for f in form["factors"]] == list(view.FACTOR_LABELS_DA)
    assert [f["key"] for f in form["factors"]] == list(RATINGS)
    assert form["scale"] == [1, 2, 3, 4, 5]
    assert form["saved"] == {}
    assert (form["text"]["dont_know"], form["text"]["submit"]) == ("Ved ikke", "Send mine svar")
    assert form["url"] == f"/api/answer/{participant.token}/ratings"
    assert form["lang"] == "da"
    assert view.phone(at)["view"]["title"] == "Arbejdsmiljøkompetencemodellen"
    assert not [c for c in at.get("button_group") if str(c.key).startswith("rate_")]  # no widgets, no reruns


def test_an_english_workshop_sends_the_factors_in_english(app, view, store, join, make_workshop):
    workshop = workshops.set_activity(store, make_workshop(language="en").id, ACTIVITY_COMPETENCE)

    form = view.form(phone(app, view, join(workshop)), "rating")

    assert [f["label"] for f in form["factors"]] == [
        "Innovation", "Openness", "Techniques and knowledge", "Motivation", "Systematics", "Time and resources"
    ]
    assert (form["lang"], form["text"]["dont_know"]) == ("en", "Don't know")


def test_a_reloaded_phone_sends_its_saved_answers_to_the_form(app, view, store, join, competence_round):
    participant = join(competence_round)
    competence.submit_ratings(store, participant, SAVED)

    form = view.form(phone(app, view, participant), "rating")

    assert form["saved"] == SAVED  # "Ved ikke" is null
    assert form["text"]["update"] == "Opdatér mine svar"
    assert form["text"]["saved"].startswith("Dine svar er gemt. Du kan ændre dem")


def test_a_closed_round_shows_runden_er_lukket_and_the_saved_values(app, view, store, join, competence_round):
    participant = join(competence_round)
    competence.submit_ratings(store, participant, SAVED)
    workshops.set_activity_open(store, competence_round.id, False)

    at = phone(app, view, participant)

    shown = view.phone(at)["view"]
    assert [n["text"] for n in shown["notices"]] == ["Runden er lukket. Dine gemte svar er bevaret."]
    assert shown["lines"] == [
        "Innovation: 4",
        "Åbenhed: 2",
        "Teknikker og viden: Ved ikke",
        "Motivation: 5",
        "Systematik: 1",
        "Tid og ressourcer: 3",
    ]
    assert view.form(at, "rating") is None


def test_a_workshop_name_with_markdown_and_html_is_shown_escaped(app, view, join, make_workshop):
    name = "**x** <b>y</b> [l](javascript:alert(1))"
    participant = join(make_workshop(name))

    at = phone(app, view, participant)

    shown = [s.value for s in at.subheader if "x" in s.value and "y" in s.value]
    assert len(shown) == 1
    source = shown[0]
    assert source == r"\*\*x\*\* \<b\>y\<\/b\> \[l\]\(javascript\:alert\(1\)\)"
    # No unescaped Markdown or HTML syntax is left for the renderer to act on.
    assert not re.search(r"(?<!\\)[*<>\[\]()]", source)


def test_the_join_form_escapes_the_name_of_the_workshop_in_the_url(app, view, make_workshop):
    workshop = make_workshop("**x** <b>y</b> [l](javascript:alert(1))")

    at = view.ok(app(query={"code": workshop.code}).run())

    assert [s.value for s in at.subheader] == [r"\*\*x\*\* \<b\>y\<\/b\> \[l\]\(javascript\:alert\(1\)\)"]


def test_the_join_form_speaks_the_language_of_the_workshop_in_the_url(app, view, make_workshop):
    # The QR code on the shared screen opens /?code=CODE: the whole form must be in the
    # workshop's language, the title included.
    workshop = make_workshop(language="en")

    at = view.ok(app(query={"code": workshop.code}).run())

    assert "Tap Join to take part in the workshop." in view.text(at)
    assert view.button(at, "Join")
    assert at.title[0].value == "Join the workshop"


def test_an_ended_workshop_takes_no_new_phones(app, view, store, make_workshop):
    workshop = make_workshop()
    workshops.end_workshop(store, workshop.id)
    at = view.ok(app(query={"code": workshop.code}).run())

    view.ok(view.button(at, "Deltag").click().run())

    assert [e.value for e in at.error] == ["Workshoppen er afsluttet og tager ikke imod nye deltagere."]
    assert "p" not in at.query_params
    assert participation.count_participants(store, workshop.id) == 0


def test_choosing_a_group_saves_the_participants_role(app, view, store, join, make_workshop):
    participant = join(make_workshop())
    at = phone(app, view, participant)
    roles = at.pills(key="role")
    assert roles.options == ["Leder", "Medarbejder", "AMR", "TR", "Anden"]
    assert roles.value is None

    view.ok(roles.set_value("amr").run())

    assert participation.resume(store, participant.token).role == "amr"
    assert at.pills(key="role").value == "amr"
