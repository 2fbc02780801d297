"""Deleting a workshop from the facilitator's list (pages/workshops.py), with its confirmation step."""

from __future__ import annotations

from fea_core import competence, participation, workshops
from fea_core.model import ACTIVITY_COMPETENCE


def open_workshops(app, view, user):
    at = view.ok(app(user=user).run())
    return view.ok(at.switch_page("pages/workshops.py").run())


def delete_buttons(at) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("delete_open_")]


def start_deleting(at, view, workshop):
    """Press "Slet…" at a workshop; return the run that shows the confirmation."""
    [button] = [b for b in at.button if b.key == f"delete_open_{workshop.code}"]
    return view.ok(button.click().run())


def confirm_input(at, workshop):
    [box] = [w for w in at.text_input if w.key == f"delete_code_{workshop.code}"]
    return box


def a_workshop_with_answers(store, make_workshop, name="Temadag i Lager Nord"):
    workshop = make_workshop(name)
    workshops.set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    for _ in range(3):
        _, phone = participation.join(store, workshop.code)
        competence.submit_ratings(store, phone, dict.fromkeys(competence.factor_keys(), 3))
    return workshop


def test_every_owned_workshop_has_a_delete_button_and_nothing_is_asked_before_it_is_pressed(
    app, view, facilitator, make_workshop
):
    first, second = make_workshop("Første"), make_workshop("Anden")

    at = open_workshops(app, view, facilitator)

    assert sorted(delete_buttons(at)) == sorted([f"delete_open_{first.code}", f"delete_open_{second.code}"])
    assert not [w for w in at.text_input if (w.key or "").startswith("delete_code_")]
    assert "Slet for altid" not in [b.label for b in at.button]


def test_the_confirmation_says_what_will_be_deleted(app, view, store, facilitator, make_workshop):
    workshop = a_workshop_with_answers(store, make_workshop)
    at = open_workshops(app, view, facilitator)

    at = start_deleting(at, view, workshop)

    warning = " ".join(w.value for w in at.warning)
    assert "3 deltagere" in warning and "18 vurderinger" in warning
    assert "kan ikke fortrydes" in warning
    assert confirm_input(at, workshop).label == f"Skriv workshoppens kode ({workshop.code}) for at bekræfte"


def test_a_wrong_code_deletes_nothing(app, view, store, facilitator, make_workshop):
    workshop = a_workshop_with_answers(store, make_workshop)
    at = start_deleting(open_workshops(app, view, facilitator), view, workshop)

    confirm_input(at, workshop).input("ABCDEF")
    view.ok(view.button(at, "Slet for altid").click().run())

    assert [e.value for e in at.error] == ["Koden passer ikke. Intet er slettet."]
    assert workshops.get_workshop(store, workshop.id) is not None
    assert participation.count_participants(store, workshop.id) == 3


def test_an_empty_code_deletes_nothing(app, view, store, facilitator, make_workshop):
    workshop = make_workshop()
    at = start_deleting(open_workshops(app, view, facilitator), view, workshop)

    view.ok(view.button(at, "Slet for altid").click().run())

    assert at.error
    assert workshops.get_workshop(store, workshop.id) is not None


def test_the_right_code_deletes_the_workshop_and_all_its_answers(app, view, store, facilitator, make_workshop):
    workshop = a_workshop_with_answers(store, make_workshop, "Temadag der skal slettes")
    other = make_workshop("Temadag der bliver")
    at = start_deleting(open_workshops(app, view, facilitator), view, workshop)

    confirm_input(at, workshop).input(workshop.code.lower())  # typed as on a phone: case does not matter
    view.ok(view.button(at, "Slet for altid").click().run())

    assert not at.error
    assert [s.value for s in at.success] == ["Workshoppen »Temadag der skal slettes« og alle dens data er slettet."]
    assert workshops.get_workshop(store, workshop.id) is None
    assert competence.rating_rows(store, workshop.id).empty
    assert participation.count_participants(store, workshop.id) == 0
    text = view.text(at)
    assert "Temadag der skal slettes**" not in text and workshop.code not in text
    assert "Temadag der bliver" in text
    assert workshops.get_workshop(store, other.id) == other


def test_cancelling_closes_the_confirmation_and_keeps_the_workshop(app, view, store, facilitator, make_workshop):
    workshop = make_workshop()
    at = start_deleting(open_workshops(app, view, facilitator), view, workshop)

    view.ok(view.button(at, "Fortryd").click().run())

    assert delete_buttons(at) == [f"delete_open_{workshop.code}"]
    assert not [w for w in at.text_input if (w.key or "").startswith("delete_code_")]
    assert workshops.get_workshop(store, workshop.id) is not None


def test_the_delete_texts_are_english_in_english(app, view, store, facilitator, make_workshop):
    workshop = make_workshop()
    at = app(user=facilitator, query={"lang": "en"}).run()
    at = view.ok(at.switch_page("pages/workshops.py").run())
    [button] = [b for b in at.button if b.key == f"delete_open_{workshop.code}"]
    assert button.label == "Delete…"

    at = view.ok(button.click().run())

    assert confirm_input(at, workshop).label == f"Type the workshop's code ({workshop.code}) to confirm"
    assert "Delete for good" in [b.label for b in at.button]


def test_a_deleted_workshops_name_is_shown_as_plain_text(app, view, store, facilitator, make_workshop):
    workshop = make_workshop("**fed** [link](javascript:alert(1))")
    at = start_deleting(open_workshops(app, view, facilitator), view, workshop)

    confirm_input(at, workshop).input(workshop.code)
    view.ok(view.button(at, "Slet for altid").click().run())

    [done] = [s.value for s in at.success]
    assert r"\*\*fed\*\* \[link\]\(javascript\:alert\(1\)\)" in done


def test_a_co_facilitator_sees_the_shared_workshop_but_cannot_delete_it(app, view, store, facilitator, make_workshop):
    from fea_core import accounts, sharing

    accounts.create_facilitator(store, "bent", "Bent Berg", "en-anden-adgangskode")
    shared = make_workshop("Annas delte temadag")
    sharing.share_workshop(store, shared.id, "bent", by=facilitator)
    own = make_workshop("Bents egen", owner="bent")

    at = open_workshops(app, view, "bent")

    assert "Annas delte temadag" in view.text(at)
    assert delete_buttons(at) == [f"delete_open_{own.code}"]
