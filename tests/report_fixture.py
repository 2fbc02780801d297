"""A full workshop for exports and their benchmark: every step done through the real services.

``make_workshop_for_report`` plays a whole workshop day: a competence round, Problemløseren's
lists and matrices, the choices, the five answers and a handleplan. The text is Danish with
æøå and typographic quotes („…“), and two participants typed something hostile
(``HOSTILE_FORMULA``, ``HOSTILE_HTML``) that every export must show as plain text.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from fea_core import competence, decisions, handleplan, items, participation, placement
from fea_core.method import load_method
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_IDEAS,
    ACTIVITY_IMPLEMENT,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX,
    ITEM_IDEA,
    ITEM_KEEP,
    ITEM_PROBLEM,
    RATING_MAX,
    RATING_MIN,
    Participant,
    Workshop,
)
from fea_core.storage import Store
from fea_core.workshops import create_workshop, end_workshop, get_workshop, set_activity, set_activity_open

HELD_ON = date(2025, 3, 14)
WORKSHOP_NAME = "Temadag om „travlhed“ og trivsel"
DEPARTMENT = "Akutmodtagelsen, Sygehus Sønderjylland"
THEME = "Psykisk arbejdsmiljø – „Vi når det aldrig“"
HOSTILE_FORMULA = '=HYPERLINK("http://x")'
HOSTILE_HTML = "<script>alert(1)</script>"
CHOSEN_PROBLEM_TEXT = "Travlhed om morgenen: „Vi når det aldrig“"
CHOSEN_IDEA_TEXT = "Fast tavlemøde kl. 7.45 med fordeling af opgaverne"
PROBLEM_DESCRIPTION = (
    "Mellem kl. 7 og 9 kommer patienterne samtidig med, at vagtskiftet sker.\n"
    "Især nye kolleger oplever, at ingen ved, hvem der gør hvad – „det er bare sådan her“.\n"
    "Det har stået på i over et år og slider på både samarbejdet og søvnen."
)
SUPPORT_ANSWERS = (
    "Et dagligt tavlemøde på 10 minutter kl. 7.45 ved tavlen i vagtstuen, hvor dagens opgaver fordeles.",
    "Alle på dagvagten: sygeplejersker, sekretærer, portører og den vagthavende læge.",
    "At alle ved, hvem der gør hvad, så ingen opgaver falder mellem to stole, og færre føler sig alene med travlheden.",
    "Hver hverdag; på dage med særligt pres („røde dage“) holdes mødet stående og på 5 minutter.",
    "Afdelingssygeplejersken leder de første fire uger, derefter går rollen på skift.\nTavlen opdateres løbende.",
)
FOLLOW_UP_PROCESS = (
    "Styregruppen gennemgår handleplanen på hvert månedsmøde: hvad virker, hvad virker ikke?\n"
    "Løsningen justeres ud fra opfølgningen, og alle hører om det på personalemødet."
)

ROLE_SHARES = (("medarbejder", 0.62), ("leder", 0.06), ("amr", 0.06), ("tr", 0.05), ("anden", 0.06), (None, 0.15))

_PROBLEM_TOPICS = (
    "Travlhed om morgenen", "Støj i vagtstuen", "Uklar opgavefordeling", "For mange afbrydelser",
    "Mangel på sparring", "Skæv fordeling af weekendvagter", "Dårlig overlevering mellem vagter",
    "Utryghed ved vold og trusler", "Konflikter om ferieplanen", "For lidt tid til nye kolleger",
    "Uklare beslutninger fra ledelsen", "Sladder på gangen", "Manglende anerkendelse",
    "Overarbejde uden varsel", "Dårligt fungerende IT-systemer", "Usikkerhed om omstruktureringen",
    "Manglende pauser", "Tunge løft uden hjælpemidler", "Krænkende bemærkninger fra pårørende",
    "Ingen tid til faglig udvikling",
)
_IDEA_TOPICS = (
    "Fast tavlemøde", "Stille rum til dokumentation", "Buddy-ordning for nye", "Faste pausetider",
    "Månedligt sparringsmøde", "Tydelig rollefordeling på tavlen", "Kursus i konflikthåndtering",
    "Rotation af weekendvagter", "Skriftlig overleveringsskabelon", "Mødefri formiddage",
    "Fælles morgenmad hver fredag", "Debriefing efter voldsomme episoder", "Ledelsen på gangen ugentligt",
    "Telefonvagt på skift", "Nyhedsbrev om omstruktureringen", "Hjælpemidler ved hver stue",
    "Anerkendelsesrunde på personalemødet", "Fast kontaktperson for pårørende", "Superuser i IT",
    "Halvårlig trivselssnak",
)
_PLACES = ("i dagvagten", "i aftenvagten", "i weekenden", "på sengeafsnittet", "i ambulatoriet", "ved vagtskiftet")
_KEEP = (
    "Vi hjælper hinanden, når det brænder på",
    "Godt humør i frokostpausen",
    "Ledelsen lytter, når vi siger fra – „døren er altid åben“",
)


def _texts(topics: Sequence[str], count: int, first: str, hostile: str, rng: random.Random) -> list[str]:
    """Return ``count`` different texts: ``first`` first, ``hostile`` somewhere after it."""
    pool = [f"{topic} {place}" for topic in topics for place in _PLACES]
    round_ = 2
    while len(pool) < count:  # more items than topics and places: number the repeats
        pool += [f"{topic} {place} ({round_})" for topic in topics for place in _PLACES]
        round_ += 1
    rest = rng.sample(pool, count - 2)
    rest.insert(rng.randrange(len(rest) + 1), hostile)
    return [first, *rest]


def _clip(value: float) -> int:
    return min(placement.PLACEMENT_MAX, max(placement.PLACEMENT_MIN, round(value)))


def _submit_and_place(
    store: Store,
    workshop: Workshop,
    phones: Sequence[Participant],
    kind: str,
    texts: Sequence[str],
    step: str,
    matrix_step: str,
    best: tuple[int, int],
    rng: random.Random,
) -> None:
    """Collect the items (phones send most, the facilitator types every fifth), then let every phone place them."""
    set_activity(store, workshop.id, step)
    for number, text in enumerate(texts):
        if number % 5 == 4:
            items.add_item_as_facilitator(store, workshop.id, kind, text)
        else:
            items.submit_item(store, phones[number % len(phones)], kind, text)
    set_activity(store, workshop.id, matrix_step)
    listed = items.list_items(store, workshop.id, kind)
    # Where the room roughly agrees each item lies; the first one clearly in the priority corner.
    centres = {item.id: (rng.uniform(1.5, 4.0), rng.uniform(1.5, 4.0)) for item in listed}
    centres[listed[0].id] = best
    for phone in phones:
        for item in listed:
            cx, cy = centres[item.id]
            placement.place_item(store, phone, item.id, _clip(rng.gauss(cx, 0.7)), _clip(rng.gauss(cy, 0.7)))
    set_activity_open(store, workshop.id, False)


def _first(store: Store, workshop: Workshop, kind: str) -> int:
    """Return the id of item #1, the one placed in the priority corner: the room's choice."""
    return items.list_items(store, workshop.id, kind)[0].id


def make_workshop_for_report(
    store: Store, owner: str, participants: int = 100, problems: int = 30, ideas: int = 30, seed: int = 1
) -> Workshop:
    """Create a finished workshop with every step done by ``participants`` phones, through the services.

    It has exactly ``problems`` problems and ``ideas`` ideas (all visible, none merged), three
    things to keep, every phone's ratings and placements, the chosen problem (#1, placed in the
    priority corner, ``CHOSEN_PROBLEM_TEXT``) with its description, the chosen idea (#1,
    ``CHOSEN_IDEA_TEXT``), five answers (one taken over from a phone's proposal),
    four actions and the follow-up. The workshop is ended at the close, as after the day.
    """
    if participants < 1 or problems < 2 or ideas < 2:
        raise ValueError("need at least 1 participant, 2 problems and 2 ideas")
    rng = random.Random(seed)
    method = load_method("da")
    workshop = create_workshop(
        store, name=WORKSHOP_NAME, department=DEPARTMENT, held_on=HELD_ON, theme=THEME, language="da", owner=owner
    )

    # The competence round: everyone rates, a few "Ved ikke"; leaders see things a little brighter.
    set_activity(store, workshop.id, ACTIVITY_COMPETENCE)
    typical = {f.key: rng.uniform(2.2, 3.8) for f in method.factors}
    phones: list[Participant] = []
    roles, weights = zip(*ROLE_SHARES)
    for _ in range(participants):
        _, phone = participation.join(store, workshop.code)
        role = rng.choices(roles, weights)[0]
        if role is not None:
            phone = participation.set_role(store, phone, role)
        lift = 0.6 if role == "leder" else 0.0
        answers = {
            key: None if rng.random() < 0.06 else _clip_rating(rng.gauss(mean + lift, 0.9))
            for key, mean in typical.items()
        }
        competence.submit_ratings(store, phone, answers)
        phones.append(phone)
    set_activity_open(store, workshop.id, False)

    # Trin 1-2: problems and things to keep; every phone places every problem; the room chooses.
    problem_texts = _texts(_PROBLEM_TOPICS, problems, CHOSEN_PROBLEM_TEXT, HOSTILE_FORMULA, rng)
    set_activity(store, workshop.id, ACTIVITY_PROBLEMS)
    for number, text in enumerate(_KEEP):
        items.submit_item(store, phones[-1 - number % len(phones)], ITEM_KEEP, text)
    _submit_and_place(
        store, workshop, phones, ITEM_PROBLEM, problem_texts, ACTIVITY_PROBLEMS, ACTIVITY_PROBLEM_MATRIX, (4.8, 4.8), rng
    )
    decisions.choose_problem(store, workshop.id, _first(store, workshop, ITEM_PROBLEM))
    decisions.describe_problem(store, workshop.id, PROBLEM_DESCRIPTION)

    # Trin 3-4: ideas; every phone places every idea (Ressourceforbrug 1 = Lav: the priority corner).
    idea_texts = _texts(_IDEA_TOPICS, ideas, CHOSEN_IDEA_TEXT, HOSTILE_HTML, rng)
    _submit_and_place(
        store, workshop, phones, ITEM_IDEA, idea_texts, ACTIVITY_IDEAS, ACTIVITY_SOLUTION_MATRIX, (1.2, 4.8), rng
    )
    decisions.choose_idea(store, workshop.id, _first(store, workshop, ITEM_IDEA))

    # Trin 5: two phones propose; the facilitator takes one over and writes the answers.
    set_activity(store, workshop.id, ACTIVITY_CONCRETISE)
    handleplan.save_answer(store, workshop.id, 0, SUPPORT_ANSWERS[0])
    proposal = handleplan.propose_answer(store, phones[0], 1, "Også vikarerne – de kender ikke vores „uskrevne regler“.")
    handleplan.propose_answer(store, phones[min(1, len(phones) - 1)], 3, "Kun når der er tid?")
    for index in range(1, 5):
        handleplan.save_answer(store, workshop.id, index, SUPPORT_ANSWERS[index])
    handleplan.adopt_proposal(store, workshop.id, proposal.id)
    set_activity_open(store, workshop.id, False)

    # Trin 6: the handleplan.
    set_activity(store, workshop.id, ACTIVITY_IMPLEMENT)
    handleplan.save_actions(
        store,
        workshop.id,
        [
            {"what": "Indkøbe og ophænge en whiteboardtavle i vagtstuen", "owner": "Mette (afdelingssygeplejerske)",
             "deadline": HELD_ON + timedelta(days=14), "follow_up": "Tjekkes på næste styregruppemøde",
             "status": "done"},
            {"what": "Holde tavlemøde kl. 7.45 hver hverdag i fire uger", "owner": "Alle på dagvagten",
             "deadline": (HELD_ON + timedelta(days=45)).isoformat(), "follow_up": "Kort evaluering på personalemødet",
             "status": "in_progress"},
            {"what": "Skrive en „huskeseddel“ til vikarer om tavlemødet", "owner": "Jonas (AMR) og Fatima (TR)",
             "deadline": HELD_ON + timedelta(days=30), "follow_up": "Vikarerne spørges efter to uger",
             "status": "not_started"},
            {"what": "Evaluere tavlemødet og justere formen", "owner": "", "deadline": None,
             "follow_up": "Styregruppen beslutter, hvad der skal justeres", "status": None},
        ],
    )
    handleplan.set_follow_up(store, workshop.id, FOLLOW_UP_PROCESS, HELD_ON + timedelta(days=60))
    end_workshop(store, workshop.id)
    return get_workshop(store, workshop.id)


def _clip_rating(value: float) -> int:
    return min(RATING_MAX, max(RATING_MIN, round(value)))
