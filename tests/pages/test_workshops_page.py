"""The facilitator's workshop list and the form that creates a workshop (pages/workshops.py)."""

from __future__ import annotations

from datetime import date

from fea_core import accounts, workshops


def open_workshops(app, view, user, **kwargs):
    at = view.ok(app(user=user, **kwargs).run())
    return view.ok(at.switch_page("pages/workshops.py").run())


def form_input(at, label):
    found = [w for w in list(at.text_input) + list(at.selectbox) if w.label == label]
    assert len(found) == 1, label
    return found[0]


def test_the_page_shows_the_form_and_an_empty_list(app, view, facilitator):
    at = open_workshops(app, view, facilitator)

    assert at.title[0].value == "Workshops"
    assert [s.value for s in at.subheader] == ["Ny workshop", "Mine workshops"]
    assert [i.value for i in at.info] == ["Du har ingen workshops endnu."]
    assert form_input(at, "Dato").value == f"{date.today():%d.%m.%Y}"  # typed text, no English calendar
    assert form_input(at, "Tema for vidensoplægget").options[:4] == [
        "Psykisk arbejdsmiljø generelt",
        "Social kapital",
        "Psykologisk tryghed",
        "Kommunikation",
    ]


def test_an_empty_name_is_refused_and_nothing_is_created(app, view, store, facilitator):
    at = open_workshops(app, view, facilitator)

    form_input(at, "Navn på workshoppen").input("   ")
    form_input(at, "Arbejdsplads / afdeling").input("Lager Nord")
    view.ok(view.button(at, "Opret workshop").click().run())

    assert [e.value for e in at.error] == ["Feltet må ikke være tomt."]
    assert workshops.count_workshops(store) == 0
    assert at.title[0].value == "Workshops"


def test_a_valid_workshop_is_created_and_its_screen_opened(app, view, store, facilitator):
    at = open_workshops(app, view, facilitator)

    form_input(at, "Navn på workshoppen").input("Temadag i Lager Nord")
    form_input(at, "Arbejdsplads / afdeling").input("Lager Nord")
    form_input(at, "Dato").input("14.3.2025")  # as Danes write it
    form_input(at, "Tema for vidensoplægget").select("Psykologisk tryghed")
    form_input(at, "Sprog på workshoppen").select("en")
    view.ok(view.button(at, "Opret workshop").click().run())

    assert not at.error
    [created] = workshops.list_workshops(store, facilitator)
    assert (created.name, created.department, created.held_on, created.theme, created.language) == (
        "Temadag i Lager Nord",
        "Lager Nord",
        date(2025, 3, 14),
        "Psykologisk tryghed",
        "en",
    )
    assert created.owner == facilitator
    assert created.activity == "welcome"
    # Sent on to the new workshop's shared screen.
    assert at.query_params["w"] == created.code
    assert "Temadag i Lager Nord" in view.text(at)


def test_the_other_theme_uses_the_typed_theme(app, view, store, facilitator):
    at = open_workshops(app, view, facilitator)

    form_input(at, "Navn på workshoppen").input("Temadag")
    form_input(at, "Arbejdsplads / afdeling").input("Lager Nord")
    form_input(at, "Tema for vidensoplægget").select("Andet (skriv herunder)")
    form_input(at, "Eget tema (bruges, når 'Andet' er valgt)").input("Forandringer")
    view.ok(view.button(at, "Opret workshop").click().run())

    [created] = workshops.list_workshops(store, facilitator)
    assert created.theme == "Forandringer"


def test_the_list_shows_only_the_logged_in_facilitators_workshops(app, view, store, facilitator, make_workshop):
    accounts.create_facilitator(store, "bent", "Bent Berg", "en-anden-adgangskode")
    mine = make_workshop("Annas temadag")
    other = make_workshop("Bos temadag", owner="bent")

    at = open_workshops(app, view, facilitator)

    text = view.text(at)
    assert "Annas temadag" in text
    assert f"Kode {mine.code} · 0 deltagere" in text
    assert "Bos temadag" not in text
    assert other.code not in text
    links = [(link.label, link.proto.query_string) for link in at.get("page_link")]
    assert ("Åbn storskærm", f"w={mine.code}") in links
    assert not [q for _, q in links if other.code in q]


def test_a_workshop_name_with_markdown_is_listed_escaped(app, view, facilitator, make_workshop):
    make_workshop("**x** [l](javascript:alert(1))")

    at = open_workshops(app, view, facilitator)

    assert any(
        m.value.startswith(r"**\*\*x\*\* \[l\]\(javascript\:alert\(1\)\)**") for m in at.markdown
    ), [m.value for m in at.markdown]


def test_an_ended_workshop_is_marked_in_the_list(app, view, store, facilitator, make_workshop, join):
    workshop = make_workshop("Annas temadag")
    join(workshop)
    workshops.end_workshop(store, workshop.id)

    at = open_workshops(app, view, facilitator)

    assert f"Kode {workshop.code} · 1 deltagere · afsluttet" in view.text(at)


def test_a_date_that_is_not_a_day_is_refused_in_danish_and_keeps_what_was_typed(app, view, store, facilitator):
    at = open_workshops(app, view, facilitator)
    form_input(at, "Navn på workshoppen").input("Temadag i Lager Nord")
    form_input(at, "Arbejdsplads / afdeling").input("Lager Nord")
    form_input(at, "Dato").input("31.2.2026")
    at = view.ok(view.button(at, "Opret workshop").click().run())

    assert [e.value for e in at.error] == ["Skriv datoen som dd.mm.åååå, fx 14.03.2026."]
    assert workshops.count_workshops(store) == 0
    assert form_input(at, "Navn på workshoppen").value == "Temadag i Lager Nord"
    assert form_input(at, "Dato").value == "31.2.2026"
