"""Random and hostile input thrown at every fea_core function that takes what a user typed.

The property, for each: either a domain error (a FeaError; ValueError or TypeError where the
function documents it) is raised and nothing at all was saved, or what was saved is exactly what
``clean_text`` makes of the input: no control characters, no bidi overrides, no lone surrogates,
within the limit. Hostile payloads (Markdown, HTML, spreadsheet formulas) are kept as typed:
they are made harmless where they are shown (fea_core.markdown_escape, fea_core.export.common).
"""

from __future__ import annotations

import string
import unicodedata
from contextlib import contextmanager
from datetime import date, datetime

import bcrypt
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text

from fea_core import accounts, competence, decisions, handleplan, items, participation, placement, schema
from fea_core.errors import FeaError, InvalidText
from fea_core.model import (
    ACTIVITY_COMPETENCE,
    ACTIVITY_CONCRETISE,
    ACTIVITY_PROBLEM_MATRIX,
    ACTIVITY_PROBLEMS,
    ITEM_KINDS,
    ITEM_PROBLEM,
)
from fea_core.report import ACTION_STATUSES
from fea_core.storage import open_store
from fea_core.text_cleaning import clean_text
from fea_core.workshops import (
    NAME_MAX,
    THEME_MAX,
    count_workshops,
    create_workshop,
    find_by_code,
    get_workshop,
    set_activity,
)

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BLANK = "\u3164\u115f\u1160\uffa0\u2800"  # letters that show nothing
PAYLOADS = [
    "\u202egpj.exe", "\x00", "\x1b[31m", "\x7f", "\x85", "\ud800", "\udfff", "\r\n", "\u2028", "\u2029", "\ufeff",
    "\u200b", "\u200d", "\u2060", "\u3164", "\u2800", "\u115f\u1160", "\uffa0", "\u00ad", "\ufe0f", "A\u030a", "=HYPERLINK(\"http://x\",\"klik\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
    "\t=1", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**fed**", "[x](javascript:alert(1))",
    ":red[rød]", ":material/home:", "$\\frac{1}{0}$", "# Overskrift", "> citat", "```", "|a|b|", "Æøå ß İ", "👩‍💻",
    "'; DROP TABLE workshops; --", "%s%n", "{0}", "../../etc/passwd", " ", "\t", "\n",
]
# Every Unicode category, surrogates and unassigned code points included (st.characters() unfiltered).
any_text = st.text(st.characters(), max_size=40)
odd_text = st.text(st.characters(categories=["Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"]), max_size=20)
payload_text = st.lists(st.sampled_from(PAYLOADS) | st.text(max_size=4), max_size=8).map("".join)
long_text = st.builds(lambda s, n: (s or "x") * n, st.sampled_from(PAYLOADS + ["a", "æ", "\x00a"]), st.integers(0, 2600))
texts = st.one_of(any_text, odd_text, payload_text, long_text)
wrong_types = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.binary(max_size=8), st.dates(),
    st.datetimes(), st.lists(st.text(max_size=3), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(object()), st.just(float("nan")), st.just(b"\x00"),
)
anything = st.one_of(texts, texts, wrong_types)


def assert_clean(saved: str, limit: int, *, multiline: bool) -> None:
    """Check what was saved holds nothing a cleaned text may not hold."""
    allowed = "\n\t" if multiline else ""
    assert 0 < len(saved) <= limit
    assert saved == saved.strip()
    bad = [c for c in saved if c not in allowed and (unicodedata.category(c) in ("Cc", "Cs") or c in BIDI)]
    assert bad == [], [hex(ord(c)) for c in bad]
    # Invisible characters only where they join two visible ones (an emoji sequence, Persian letters).
    stray = [c for i, c in enumerate(saved) if (unicodedata.category(c) == "Cf" or c in BLANK)
             and not (c in "\u200d\u200c" and 0 < i < len(saved) - 1) and not 0xE0020 <= ord(c) <= 0xE007F]
    assert stray == [], [hex(ord(c)) for c in stray]
    assert unicodedata.is_normalized("NFC", saved)


def expected_text(value: object, limit: int, *, multiline: bool = False) -> str | None:
    """Return what clean_text makes of the value, or None when it refuses it."""
    try:
        return clean_text(value, max_length=limit, multiline=multiline)
    except InvalidText:
        return None


# --- a database shared by the examples, and a fresh workshop per example -------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened = open_store(f"sqlite:///{tmp_path_factory.mktemp('hostile')}/h.sqlite3")
    yield opened
    opened.engine.dispose()


@pytest.fixture(scope="module", autouse=True)
def fast_bcrypt():
    real = bcrypt.gensalt
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bcrypt, "gensalt", lambda rounds=4, prefix=b"2b": real(4, prefix))
        yield


def new_workshop(store, activity: str | None = None):
    workshop = create_workshop(
        store, name="Temadag", department="Nord", held_on=date(2025, 3, 14), theme="Stress", language="da", owner="anne"
    )
    return set_activity(store, workshop.id, activity) if activity else workshop


def everything(store) -> dict[str, list]:
    """Return every row of every table: a failed call must leave all of it as it was."""
    with store.read() as conn:
        return {
            name: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{name}"')).all()))
            for name in inspect(conn).get_table_names()
        }


@contextmanager
def refused_or_saved(store, *allowed: type[BaseException]):
    """Run the block; if it raises a FeaError (or one of ``allowed``), check nothing was saved.

    Yields a one-element list: set ``box[0] = True`` when the block got through.
    """
    before = everything(store)
    box = [False]
    try:
        yield box
    except (FeaError, *allowed):
        assert everything(store) == before, "a refused call saved something"
        box[0] = False


# --- workshops ------------------------------------------------------------------------------------


@SETTINGS
@given(name=anything, department=anything, theme=anything)
def test_create_workshop_saves_clean_text_or_nothing(store, name, department, theme):
    before = count_workshops(store)
    with refused_or_saved(store):
        created = create_workshop(
            store, name=name, department=department, held_on=date(2025, 3, 14), theme=theme, language="da", owner="anne"
        )
        saved = get_workshop(store, created.id)
        assert saved.name == expected_text(name, NAME_MAX)
        assert saved.department == expected_text(department, NAME_MAX)
        assert saved.theme == expected_text(theme, THEME_MAX)
        for value, limit in ((saved.name, NAME_MAX), (saved.department, NAME_MAX), (saved.theme, THEME_MAX)):
            assert_clean(value, limit, multiline=False)
        assert count_workshops(store) == before + 1


@SETTINGS
@given(held_on=st.one_of(st.dates(), st.datetimes(), anything), language=st.sampled_from(["da", "en"]) | anything)
def test_create_workshop_takes_a_day_and_a_known_language_or_saves_nothing(store, held_on, language):
    before = count_workshops(store)
    unknown_language = not isinstance(language, str) or language not in ("da", "en")
    # An unknown language raises ValueError (documented); a date that is no date, InvalidText.
    with refused_or_saved(store, *((ValueError,) if unknown_language else ())) as box:
        created = create_workshop(
            store, name="Temadag", department="Nord", held_on=held_on, theme="Stress", language=language, owner="anne"
        )
        box[0] = True
    if not box[0]:
        assert count_workshops(store) == before
        return
    assert not unknown_language
    saved = get_workshop(store, created.id)  # read back: the stored day must parse again
    assert saved.held_on == (held_on.date() if isinstance(held_on, datetime) else held_on)
    assert type(saved.held_on) is date
    assert saved.language == language


# --- joining --------------------------------------------------------------------------------------


@SETTINGS
@given(code=anything)
def test_joining_with_any_code_joins_that_code_or_nothing(store, code):
    workshop = new_workshop(store)
    with refused_or_saved(store) as box:
        joined, phone = participation.join(store, code)
        box[0] = True
    if box[0]:
        assert joined.code == find_by_code(store, code).code
        assert participation.resume(store, phone.token).workshop_id == joined.id
    assert participation.count_participants(store, workshop.id) <= 1


@SETTINGS
@given(noise=st.text(st.characters(categories=["Zs", "Pd", "Cc"]), max_size=3))
def test_a_join_code_typed_with_spaces_dashes_and_lower_case_still_joins(store, noise):
    workshop = new_workshop(store)
    typed = noise.join([workshop.code[:3].lower(), workshop.code[3:]])
    assume(all(not c.isalnum() for c in noise))
    joined, _ = participation.join(store, typed)
    assert joined.id == workshop.id


# --- the competence round ---------------------------------------------------------------------------

FACTORS = competence.factor_keys()
rating_values = st.one_of(st.none(), st.integers(1, 5), st.integers(), anything)
answer_sets = st.one_of(
    st.fixed_dictionaries({k: rating_values for k in FACTORS}),
    st.fixed_dictionaries({k: st.none() | st.integers(1, 5) for k in FACTORS}),
    st.dictionaries(st.sampled_from(FACTORS) | st.text(max_size=5) | st.integers() | st.none(), rating_values, max_size=8),
    anything,
    st.lists(st.sampled_from(FACTORS), max_size=6),
)


@SETTINGS
@given(answers=answer_sets)
def test_submitting_any_answers_saves_exactly_them_or_nothing(store, answers):
    workshop = new_workshop(store, ACTIVITY_COMPETENCE)
    _, phone = participation.join(store, workshop.code)
    with refused_or_saved(store) as box:
        competence.submit_ratings(store, phone, answers)
        box[0] = True
    saved = competence.my_ratings(store, phone)
    if box[0]:
        assert saved == dict(answers)
        assert all(v is None or (type(v) is int and 1 <= v <= 5) for v in saved.values())
    else:
        assert saved == {}


# --- Problemløseren's lists ---------------------------------------------------------------------------

kinds = st.sampled_from(ITEM_KINDS) | anything


@SETTINGS
@given(kind=kinds, value=anything)
def test_a_phones_item_is_saved_clean_or_not_at_all(store, kind, value):
    workshop = new_workshop(store, ACTIVITY_PROBLEMS)
    _, phone = participation.join(store, workshop.code)
    with refused_or_saved(store, ValueError) as box:  # an unknown kind: ValueError (documented)
        item = items.submit_item(store, phone, kind, value)
        box[0] = True
    if box[0]:
        assert item.text == expected_text(value, items.ITEM_TEXT_MAX)
        assert_clean(items.get_item(store, item.id).text, items.ITEM_TEXT_MAX, multiline=False)


@SETTINGS
@given(kind=kinds, first=anything, second=anything)
def test_the_facilitators_items_and_edits_are_saved_clean_or_not_at_all(store, kind, first, second):
    workshop = new_workshop(store)
    with refused_or_saved(store, ValueError) as box:
        item = items.add_item_as_facilitator(store, workshop.id, kind, first)
        box[0] = True
    if not box[0]:
        return
    assert item.text == expected_text(first, items.ITEM_TEXT_MAX)
    with refused_or_saved(store) as edited:
        items.edit_item(store, item.id, second)
        edited[0] = True
    saved = items.get_item(store, item.id).text
    assert saved == (expected_text(second, items.ITEM_TEXT_MAX) if edited[0] else item.text)
    assert_clean(saved, items.ITEM_TEXT_MAX, multiline=False)


@SETTINGS
@given(item_id=anything, text_value=anything)
def test_editing_an_item_that_does_not_exist_saves_nothing(store, item_id, text_value):
    with refused_or_saved(store) as box:
        items.edit_item(store, item_id, text_value)
        box[0] = True
    assert not box[0]


positions = st.one_of(st.integers(1, 5), st.integers(), st.floats(), anything)


@SETTINGS
@given(x=positions, y=positions, other_item=st.booleans() | anything)
def test_a_placement_is_saved_as_given_or_not_at_all(store, x, y, other_item):
    workshop = new_workshop(store)
    [problem] = [items.add_item_as_facilitator(store, workshop.id, ITEM_PROBLEM, "Travlhed")]
    set_activity(store, workshop.id, ACTIVITY_PROBLEM_MATRIX)
    _, phone = participation.join(store, workshop.code)
    item_id = problem.id if other_item is True else other_item
    with refused_or_saved(store) as box:
        placement.place_item(store, phone, item_id, x, y)
        box[0] = True
    saved = placement.my_placements(store, phone, ITEM_PROBLEM)
    if box[0]:
        assert saved == {problem.id: (x, y)}
        assert type(x) is int and type(y) is int and 1 <= x <= 5 and 1 <= y <= 5
    else:
        assert saved == {}


# --- the chosen problem's description ----------------------------------------------------------------


@SETTINGS
@given(value=anything)
def test_the_problem_description_is_saved_clean_or_not_at_all(store, value):
    workshop = new_workshop(store)
    decisions.describe_problem(store, workshop.id, "Det første udkast")
    with refused_or_saved(store) as box:
        decisions.describe_problem(store, workshop.id, value)
        box[0] = True
    saved = decisions.get_decisions(store, workshop.id).problem_description
    if not box[0]:
        assert saved == "Det første udkast"
    elif value is None:
        assert saved is None
    else:
        assert saved == expected_text(value, decisions.PROBLEM_DESCRIPTION_MAX, multiline=True)
        assert_clean(saved, decisions.PROBLEM_DESCRIPTION_MAX, multiline=True)


# --- the handleplan ---------------------------------------------------------------------------------

indexes = st.integers(-2, 6) | anything


def cleared_or_clean(value: object, limit: int) -> str | None:
    """What an answer field keeps: clean text, "" when the value cleans to nothing, None if refused."""
    if value is None:
        return ""
    try:
        return clean_text(value, max_length=limit, multiline=True)
    except InvalidText as error:
        return "" if error.params.get("reason") == "empty" else None


@SETTINGS
@given(index=indexes, value=anything)
def test_an_answer_to_a_support_question_is_saved_clean_cleared_or_not_at_all(store, index, value):
    workshop = new_workshop(store)
    with refused_or_saved(store, ValueError) as box:  # no such question: ValueError (documented)
        handleplan.save_answer(store, workshop.id, index, value)
        box[0] = True
    saved = handleplan.answers(store, workshop.id)
    if not box[0]:
        assert saved == ("",) * 5
        return
    assert saved[index] == cleared_or_clean(value, handleplan.ANSWER_MAX)
    if saved[index]:
        assert_clean(saved[index], handleplan.ANSWER_MAX, multiline=True)


@SETTINGS
@given(index=indexes, value=anything)
def test_a_phones_proposal_is_saved_clean_or_not_at_all(store, index, value):
    workshop = new_workshop(store, ACTIVITY_CONCRETISE)
    _, phone = participation.join(store, workshop.code)
    with refused_or_saved(store, ValueError) as box:
        handleplan.propose_answer(store, phone, index, value)
        box[0] = True
    saved = handleplan.proposals(store, workshop.id)
    if box[0]:
        [proposal] = saved
        assert proposal.text == expected_text(value, handleplan.ANSWER_MAX, multiline=True)
        assert_clean(proposal.text, handleplan.ANSWER_MAX, multiline=True)
    else:
        assert saved == []


FIELDS = ["id", "what", "owner", "deadline", "follow_up", "status"]
cells = st.one_of(anything, st.sampled_from(ACTION_STATUSES), st.dates(), st.dates().map(date.isoformat), st.integers(0, 3))
rows = st.one_of(
    st.lists(st.fixed_dictionaries({f: cells for f in FIELDS}), max_size=4),
    st.lists(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=4), cells, max_size=7), max_size=4),
    st.lists(anything, max_size=3),
    anything,
)


@SETTINGS
@given(first=rows, second=rows)
def test_the_action_table_is_saved_clean_or_not_at_all(store, first, second):
    workshop = new_workshop(store)
    for value in (first, second):  # the second save may update the first one's actions by id
        before = handleplan.list_actions(store, workshop.id)
        with refused_or_saved(store, TypeError) as box:  # rows that are not mappings: TypeError (documented)
            saved = handleplan.save_actions(store, workshop.id, value)
            box[0] = True
        if not box[0]:
            assert handleplan.list_actions(store, workshop.id) == before
            continue
        given_rows = [r for r in value if expected_text(r.get("what"), handleplan.ACTION_TEXT_MAX)]
        assert len(saved) == len(given_rows)
        for action, row in zip(saved, given_rows, strict=True):
            assert action.what == expected_text(row.get("what"), handleplan.ACTION_TEXT_MAX)
            assert action.owner == (expected_text(row.get("owner"), handleplan.OWNER_MAX) or "")
            assert action.follow_up == (expected_text(row.get("follow_up"), handleplan.ACTION_TEXT_MAX) or "")
            assert action.status in ACTION_STATUSES
            assert action.deadline is None or isinstance(action.deadline, date)
            assert_clean(action.what, handleplan.ACTION_TEXT_MAX, multiline=False)
            for value_ in (action.owner, action.follow_up):
                if value_:
                    assert_clean(value_, handleplan.ACTION_TEXT_MAX, multiline=False)


# --- facilitator accounts ---------------------------------------------------------------------------

usernames = st.one_of(st.text(string.ascii_lowercase + string.digits + "._-", min_size=3, max_size=12), anything)
passwords = st.one_of(st.text(min_size=10, max_size=30), st.text(st.characters(), min_size=8, max_size=80), anything)


@SETTINGS
@given(username=usernames, name=anything, password=passwords)
def test_an_account_is_saved_clean_or_not_at_all(store, username, name, password):
    with store.read() as conn:
        taken = set(conn.execute(select(schema.facilitators.c.username)).scalars())
    assume(not isinstance(username, str) or username.strip().lower() not in taken)
    with refused_or_saved(store) as box:
        accounts.create_facilitator(store, username, name, password)
        box[0] = True
    if not box[0]:
        return
    assert isinstance(username, str), f"a {type(username).__name__} was taken as a username"
    stored = username.strip().lower()
    with store.read() as conn:
        row = conn.execute(select(schema.facilitators).where(schema.facilitators.c.username == stored)).one()
    assert accounts.USERNAME_PATTERN.fullmatch(row.username)
    assert row.name == expected_text(name, 200)
    assert_clean(row.name, 200, multiline=False)
    assert bcrypt.checkpw(password.encode("utf-8"), row.password_hash.encode("ascii"))


# --- what the properties found, kept as plain examples --------------------------------------------


def test_answers_that_are_not_a_mapping_are_refused_as_an_invalid_rating(store):
    workshop = new_workshop(store, ACTIVITY_COMPETENCE)
    _, phone = participation.join(store, workshop.code)
    for answers in (None, list(FACTORS), "innovation", 3):
        with pytest.raises(FeaError):
            competence.submit_ratings(store, phone, answers)
    assert competence.my_ratings(store, phone) == {}


def test_unknown_answer_keys_of_mixed_types_are_refused_as_an_invalid_rating(store):
    workshop = new_workshop(store, ACTIVITY_COMPETENCE)
    _, phone = participation.join(store, workshop.code)
    with pytest.raises(FeaError) as raised:
        competence.submit_ratings(store, phone, {1: 3, "x": 2, None: 1})
    assert raised.value.params["factors"] == ["1", "None", "x"]


@pytest.mark.parametrize("rows", [None, "what", {"what": "x"}, ["what"], [{"what": "x"}, "y"]])
def test_action_rows_that_are_not_mappings_raise_type_error_and_save_nothing(store, rows):
    workshop = new_workshop(store)
    handleplan.save_actions(store, workshop.id, [{"what": "Ophænge en tavle"}])
    with pytest.raises(TypeError):
        handleplan.save_actions(store, workshop.id, rows)
    assert [a.what for a in handleplan.list_actions(store, workshop.id)] == ["Ophænge en tavle"]


def test_a_day_given_as_a_datetime_is_saved_as_its_date_and_reads_back(store):
    created = create_workshop(
        store, name="T", department="N", held_on=datetime(2025, 3, 14, 23, 30), theme="S", language="da", owner="anne"
    )
    assert get_workshop(store, created.id).held_on == date(2025, 3, 14)


@pytest.mark.parametrize("username", [None, 12345, b"anne-bytes", ["anne"]])
def test_a_username_that_is_not_text_is_refused(store, username):
    with pytest.raises(accounts.InvalidAccount):
        accounts.create_facilitator(store, username, "Navn", "et-langt-kodeord")
    with store.read() as conn:
        assert conn.execute(select(schema.facilitators.c.id).where(schema.facilitators.c.username == "none")).first() is None


def test_a_password_with_a_lone_surrogate_is_refused_as_an_invalid_account(store):
    with pytest.raises(accounts.InvalidAccount):
        accounts.create_facilitator(store, "surrogate-user", "Navn", "kodeord-\ud800-med-halvt-tegn")
