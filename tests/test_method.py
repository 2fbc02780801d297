"""Tests of the method content in data/method.toml, as loaded by fea_core.method.

The Danish texts must be verbatim from the seed (NFA's "Veje til et bedre psykisk
arbejdsmiljø"); the seed is kept in the repo as data/seed/veje-til-et-bedre-psykisk-arbejdsmiljoe.txt
so that the verbatim tests never depend on files outside the repository.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # lets a bare `pytest` (no `python -m`) import fea_core too
    sys.path.insert(0, str(REPO))

from fea_core.method import LANGUAGES, load_method  # noqa: E402

METHOD_TOML = REPO / "data" / "method.toml"
SEED_COPY = REPO / "data" / "seed" / "veje-til-et-bedre-psykisk-arbejdsmiljoe.txt"
SHARED_SEED_DIR = REPO.parent / "shared" / "seed"

FACTOR_LABELS = {
    "da": ["Innovation", "Åbenhed", "Teknikker og viden", "Motivation", "Systematik", "Tid og ressourcer"],
    "en": ["Innovation", "Openness", "Techniques and knowledge", "Motivation", "Systematics", "Time and resources"],
}
FACTOR_KEYS = ["innovation", "aabenhed", "teknikker_og_viden", "motivation", "systematik", "tid_og_ressourcer"]

INTERVIEW_THEMES = [
    ("samarbejde", "Hvordan fungerer samarbejdet?", 4),
    ("negative_handlinger", "Har du været udsat for negative handlinger?", 3),
    ("trivsel", "Hvordan trives du i arbejdet?", 5),
    ("rammer", "Hvordan er rammerne for opgaveløsningen?", 4),
    ("ledelse", "Hvordan fungerer samarbejdet med ledelsen?", 4),
    ("arbejdsmiljoproblemer", "Hvordan håndterer I arbejdsmiljøproblemer?", 3),
]

STEP_TITLES = [
    "Tal om problematikker i arbejdsmiljøet",
    "Vælg et problem, I vil gøre noget ved",
    "Find idéer til løsninger",
    "Prioritér den bedste løsning",
    "Konkretisér løsningen",
    "Implementér løsningen",
]

SEED_SUPPORT_QUESTIONS = [
    "Nøjagtig hvad jeres forslag til løsning skal indeholde",
    "Hvem skal bruge den?",
    "Til hvilket formål?",
    "I hvilke situationer?",
    "Og hvordan?",
]


# --- helpers ---------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"‘": "'", "’": "'", "´": "'", "`": "'", "“": '"', "”": '"', "„": '"'})


def normalise(text: str) -> str:
    """Drop every whitespace run and unify quote characters.

    The PDF extraction splits words and sentences across lines ("hand\\n\\nlinger"), so
    comparing whitespace-free text is what "verbatim" can mean against the seed.
    """
    return re.sub(r"\s+", "", text).translate(_APOSTROPHES)


def find_seed() -> Path | None:
    """The seed text: the repo's own copy first, else <repo>/../shared/seed/*.txt."""
    if SEED_COPY.is_file():
        return SEED_COPY
    shared = sorted(SHARED_SEED_DIR.glob("*.txt")) if SHARED_SEED_DIR.is_dir() else []
    return shared[0] if shared else None


@pytest.fixture(scope="module")
def seed() -> str:
    path = find_seed()
    if path is None:
        pytest.skip(f"seed text not found at {SEED_COPY} nor in {SHARED_SEED_DIR}/*.txt")
    return normalise(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def da():
    return load_method("da")


@pytest.fixture(scope="module")
def en():
    return load_method("en")


def danish_seed_texts(m) -> list[tuple[str, str]]:
    """(where, text) for every Danish text that must appear verbatim in the seed."""
    texts = [(f"factor {f.key}", f.label) for f in m.factors]
    for t in m.interview_themes:
        texts.append((f"interview theme {t.key}", t.title))
        texts += [(f"interview question {t.key}[{i}]", q) for i, q in enumerate(t.questions)]
    for g in m.guide:
        texts.append((f"guide {g.key} title", g.title))
        texts += [(f"guide point {g.key}[{i}]", p) for i, p in enumerate(g.points)]
        texts += [(f"guide question {g.key}[{i}]", q) for i, q in enumerate(g.questions)]
    for s in m.steps:
        texts += [(f"step {s.number} title", s.title), (f"step {s.number} instruction", s.instruction)]
    for mx in (m.problem_matrix, m.solution_matrix):
        texts.append((f"{mx.key} matrix title", mx.title))
        for axis_name, axis in (("x", mx.x), ("y", mx.y)):
            texts += [
                (f"{mx.key} {axis_name} label", axis.label),
                (f"{mx.key} {axis_name} low", axis.low),
                (f"{mx.key} {axis_name} high", axis.high),
            ]
        texts += [(f"{mx.key} quadrant {pos}", label) for pos, label in mx.quadrants.items()]
    texts.append(("competence model title", m.competence_model))
    return texts


def structure(m) -> dict:
    """The language-independent shape of a Method: keys, numbers, flags and list lengths."""
    return {
        "factors": [f.key for f in m.factors],
        "roles": [r.key for r in m.roles],
        "talk_themes": len(m.talk_themes),
        "interview_themes": [(t.key, len(t.questions)) for t in m.interview_themes],
        "guide": [(g.key, len(g.points), len(g.questions)) for g in m.guide],
        "steps": [s.number for s in m.steps],
        "matrices": [
            (mx.key, mx.x.key, mx.x.reversed, mx.y.key, mx.y.reversed, sorted(mx.quadrants))
            for mx in (m.problem_matrix, m.solution_matrix)
        ],
        "support_questions": len(m.support_questions),
    }


def all_strings(m) -> list[tuple[str, str]]:
    """(where, text) for every human-readable string of a Method."""
    out = [("competence model title", m.competence_model), ("competence caption", m.competence_caption)]
    out += [(f"factor {f.key}", f.label) for f in m.factors]
    out += [(f"role {r.key}", r.label) for r in m.roles]
    out += [(f"talk theme {i}", t) for i, t in enumerate(m.talk_themes)]
    for t in m.interview_themes:
        out.append((f"interview theme {t.key}", t.title))
        out += [(f"interview question {t.key}[{i}]", q) for i, q in enumerate(t.questions)]
    for g in m.guide:
        out.append((f"guide {g.key}", g.title))
        out += [(f"guide point {g.key}[{i}]", p) for i, p in enumerate(g.points)]
        out += [(f"guide question {g.key}[{i}]", q) for i, q in enumerate(g.questions)]
    for s in m.steps:
        out += [(f"step {s.number} title", s.title), (f"step {s.number} instruction", s.instruction)]
    for mx in (m.problem_matrix, m.solution_matrix):
        out.append((f"{mx.key} title", mx.title))
        for axis in (mx.x, mx.y):
            out += [(f"{mx.key} {axis.key} {k}", getattr(axis, k)) for k in ("label", "low", "high")]
        out += [(f"{mx.key} quadrant {pos}", v) for pos, v in mx.quadrants.items()]
    out += [(f"support question {i}", q) for i, q in enumerate(m.support_questions)]
    return out


# --- loading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_method_loads_in_both_languages(language):
    m = load_method(language)
    assert m.language == language
    assert len(m.factors) == 6
    assert len(m.interview_themes) == 6
    assert len(m.guide) == 3
    assert len(m.steps) == 6


def test_danish_is_the_default_language():
    assert load_method().language == "da"


@pytest.mark.parametrize("language", ["de", "DA", "", "english"])
def test_an_unknown_language_raises_value_error(language):
    with pytest.raises(ValueError):
        load_method(language)


def test_danish_and_english_have_the_same_keys_and_list_lengths(da, en):
    assert structure(da) == structure(en)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_is_empty_or_padded_with_whitespace(language):
    for where, text in all_strings(load_method(language)):
        assert isinstance(text, str), f"{language} {where} is not a string: {text!r}"
        assert text.strip(), f"{language} {where} is empty"
        assert text == text.strip(), f"{language} {where} has leading/trailing whitespace"
        assert "\n" not in text, f"{language} {where} keeps a line break from the PDF"
        assert "  " not in text, f"{language} {where} has a double space"


def test_english_is_a_translation_not_a_copy_of_the_danish(da, en):
    same = [w for (w, d), (_, e) in zip(all_strings(da), all_strings(en)) if d == e]
    # Only proper names and international words may coincide.
    allowed = {"factor innovation", "factor motivation"}
    assert set(same) <= allowed, f"English equals Danish for: {sorted(set(same) - allowed)}"


def test_every_bilingual_table_in_the_toml_has_a_danish_and_an_english_string():
    raw = tomllib.loads(METHOD_TOML.read_text(encoding="utf-8"))
    plain_keys = {"key", "number", "reversed", "angle"}
    problems: list[str] = []

    def walk(value, path):
        if isinstance(value, dict) and set(value) == set(LANGUAGES):
            for lang in LANGUAGES:
                if not isinstance(value[lang], str) or not value[lang].strip():
                    problems.append(f"{path}.{lang} is not a non-empty string")
        elif isinstance(value, dict):
            if {"da", "en"} & set(value):
                problems.append(f"{path} has a language key beside other keys: {sorted(value)}")
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")
        elif path.rsplit(".", 1)[-1] not in plain_keys:
            problems.append(f"{path} = {value!r} is a plain value, not a {{da, en}} table")

    walk(raw, "method")
    assert not problems, "\n".join(problems)


def test_the_toml_has_exactly_the_sections_the_loader_reads():
    raw = tomllib.loads(METHOD_TOML.read_text(encoding="utf-8"))
    assert set(raw) == {
        "competence_model", "factors", "roles", "talk_themes", "interview_themes",
        "guide", "steps", "problem_matrix", "solution_matrix", "support_questions",
    }
    # A top-level list written after a [table] header would silently land inside that table.
    assert set(raw["roles"][-1]) == {"key", "label"}
    assert set(raw["solution_matrix"]["quadrants"]) == {"top_right", "top_left", "bottom_right", "bottom_left"}


# --- content ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_six_factors_have_the_seed_labels_in_order(language):
    m = load_method(language)
    assert [f.key for f in m.factors] == FACTOR_KEYS
    assert [f.label for f in m.factors] == FACTOR_LABELS[language]
    assert m.factor("aabenhed").label == FACTOR_LABELS[language][1]


def test_the_competence_model_has_its_danish_title(da):
    assert da.competence_model == "Arbejdsmiljøkompetencemodellen"
    assert "cirklens midte" in da.competence_caption


def test_the_roles_have_their_labels_in_order(da, en):
    assert [(r.key, r.label) for r in da.roles] == [
        ("leder", "Leder"), ("medarbejder", "Medarbejder"), ("amr", "AMR"), ("tr", "TR"), ("anden", "Anden"),
    ]
    assert [r.label for r in en.roles] == [
        "Leader", "Employee", "Safety representative (AMR)", "Union representative (TR)", "Other",
    ]
    assert da.role("amr").label == "AMR"


def test_the_four_talk_themes_are_those_of_the_fea_project(da):
    assert da.talk_themes == ("Psykisk arbejdsmiljø generelt", "Social kapital", "Psykologisk tryghed", "Kommunikation")


def test_the_six_interview_themes_have_their_danish_titles_and_question_counts(da):
    assert [(t.key, t.title, len(t.questions)) for t in da.interview_themes] == INTERVIEW_THEMES


def test_the_negative_acts_question_keeps_its_examples(da):
    theme = next(t for t in da.interview_themes if t.key == "negative_handlinger")
    assert theme.questions[0] == (
        "Har du været udsat for negative handlinger i forbindelse med dit arbejde? "
        "Fx mobning, vold, trusler eller uønsket seksuel opmærksomhed?"
    )
    assert theme.questions[2].endswith("negative handlinger i forbindelse med arbejdet?")


def test_the_guide_has_its_three_parts_with_points_and_questions(da):
    assert [(g.key, g.title) for g in da.guide] == [
        ("inden", "Inden interviewet"), ("undervejs", "Undervejs"), ("afrunding", "Afrunding"),
    ]
    inden, undervejs, afrunding = da.guide
    assert inden.points[0] == "Læs ’Manual til Arbejdsmiljøinterviewet’ grundigt, inden du går i gang."
    assert undervejs.questions == (
        "Hvor længe har problemet været der?",
        "Hvad skaber og fastholder problemet?",
        "Hvad kunne måske løse problemet?",
        "Hvad gør, at det fungerer godt?",
        "Hvad er vigtigt at holde fast i?",
        "Hvad kan vi gøre for at holde fast i de ting, der fungerer godt?",
    )
    assert len(inden.questions) == 3
    assert len(afrunding.questions) == 1
    assert all(g.points for g in da.guide)


def test_every_guide_and_interview_question_is_one_question(da):
    for g in da.guide:
        for q in g.questions:
            # One question per entry: the only text after the "?" may be the interviewer's
            # parenthetical "(Lad os starte samtalen der)."
            assert q.split("(")[0].strip().endswith("?"), q
            assert q.split("(")[0].count("?") == 1, q
    for t in da.interview_themes:
        assert all(q.endswith("?") for q in t.questions), t.key


def test_the_six_steps_have_their_danish_titles_in_order(da):
    assert [s.number for s in da.steps] == [1, 2, 3, 4, 5, 6]
    assert [s.title for s in da.steps] == STEP_TITLES
    assert da.step(5).instruction.endswith("Trin 5 og 6 udgør til sammen jeres handleplan.")


def test_the_problem_matrix_has_the_paper_form_labels(da):
    mx = da.problem_matrix
    assert (mx.key, mx.title) == ("problem", "Vælg et problem, I vil gøre noget ved")
    assert (mx.x.key, mx.x.label, mx.x.low, mx.x.high, mx.x.reversed) == (
        "consequences", "Problemets konsekvenser", "Små", "Store", False,
    )
    assert (mx.y.key, mx.y.label, mx.y.low, mx.y.high, mx.y.reversed) == (
        "affected", "Antal berørte", "Få", "Mange", False,
    )
    assert mx.quadrants == {
        "top_right": "Her skal vi gøre en indsats",
        "top_left": "Måske relevant",
        "bottom_right": "Måske relevant",
        "bottom_left": "Ikke relevant",
    }


def test_the_solution_matrix_has_the_paper_form_labels(da):
    mx = da.solution_matrix
    assert (mx.key, mx.title) == ("solution", "Prioritér den bedste løsning")
    assert (mx.x.key, mx.x.label, mx.x.low, mx.x.high) == ("resources", "Ressourceforbrug", "Lav", "Høj")
    assert (mx.y.key, mx.y.label, mx.y.low, mx.y.high, mx.y.reversed) == ("effect", "Effekt", "Lav", "Høj", False)
    assert mx.quadrants == {
        "top_right": "Det her skal prioriteres",
        "top_left": "Måske relevant",
        "bottom_right": "Måske relevant",
        "bottom_left": "Ikke relevant",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_ressourceforbrug_is_drawn_reversed_with_high_on_the_left(language):
    m = load_method(language)
    assert m.solution_matrix.x.reversed is True
    assert m.problem_matrix.x.reversed is False


def test_the_five_support_questions_of_step_five(da):
    assert da.support_questions == (
        "Nøjagtig hvad jeres forslag til løsning skal indeholde",
        "Hvem skal bruge den?",
        "Til hvilket formål?",
        "I hvilke situationer?",
        "Og hvordan?",
    )


# --- verbatim against the seed ---------------------------------------------------------------


def test_the_repo_copy_of_the_seed_exists_so_the_verbatim_tests_never_skip():
    assert SEED_COPY.is_file(), f"missing {SEED_COPY}"
    assert "Spørgeplade til" in SEED_COPY.read_text(encoding="utf-8")


def test_the_repo_copy_of_the_seed_is_byte_identical_to_the_shared_seed():
    shared = sorted(SHARED_SEED_DIR.glob("*.txt")) if SHARED_SEED_DIR.is_dir() else []
    if not shared:
        pytest.skip(f"no shared seed beside the repo ({SHARED_SEED_DIR}) to compare the copy with")
    copy = SEED_COPY.read_bytes()
    assert any(p.read_bytes() == copy for p in shared), f"{SEED_COPY} differs from {shared}"


def test_the_normalisation_joins_words_the_pdf_split(seed):
    assert normalise("negative handlinger") in seed  # "negative hand\n\nlinger" in the seed
    assert normalise("Antal berørte") in seed  # "Antal \nberørte"
    assert normalise("et ord som ikke står i kilden") not in seed


def test_every_danish_text_appears_verbatim_in_the_seed(seed, da):
    missing = [f"{where}: {text!r}" for where, text in danish_seed_texts(da) if normalise(text) not in seed]
    assert not missing, "not verbatim in the seed:\n" + "\n".join(missing)


def test_all_five_support_questions_are_nfas_words_from_the_seed(seed, da):
    # Only the first letter of question 1 is ours: the seed has it inside a sentence.
    assert list(da.support_questions) == SEED_SUPPORT_QUESTIONS
    for q in SEED_SUPPORT_QUESTIONS:
        assert normalise(q[0].lower() + q[1:]) in seed or normalise(q) in seed, q


def test_the_talk_themes_and_caption_are_the_seeds_words(seed, da):
    # The seed has these lower-case inside a sentence; only the first letter and the caption's
    # closing full stop are ours.
    for text in (*da.talk_themes, da.competence_caption.removesuffix(".")):
        assert normalise(text[0].lower() + text[1:]) in seed, text
