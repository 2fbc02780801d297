"""The method's content (NFA's Arbejdsmiljøpakken), loaded from data/method.toml.

The content is data, never literals in pages: every label a workplace knows from the
paper version comes from the TOML file, in Danish (verbatim from the seed) or English.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"


@dataclass(frozen=True)
class Factor:
    """One of the six factors of Arbejdsmiljøkompetencemodellen, with its place on figur 1's circle."""

    key: str
    label: str
    angle: float  # degrees clockwise from 12 o'clock, where figur 1 draws the factor

    @property
    def radians(self) -> float:
        return math.radians(self.angle)


def clockwise(factors: Sequence[Factor]) -> list[Factor]:
    """Return the factors in the order a line round the circle meets them, clockwise from 12 o'clock."""
    return sorted(factors, key=lambda f: f.angle % 360)


@dataclass(frozen=True)
class Axis:
    """A matrix axis: its label and the words at its low and high ends.

    ``low`` is the label at value 1 of the 1-5 placement scale and ``high`` at value 5.
    ``reversed`` means the axis is drawn with ``high`` on the left (or bottom), as the
    paper form draws Ressourceforbrug.
    """

    key: str
    label: str
    low: str
    high: str
    reversed: bool = False


@dataclass(frozen=True)
class Matrix:
    """A 2x2 priority matrix of Problemløseren (trin 2 or trin 4).

    Quadrant labels are keyed by their position on screen: ``top_right``, ``top_left``,
    ``bottom_right``, ``bottom_left``.
    """

    key: str
    title: str
    x: Axis
    y: Axis
    quadrants: dict[str, str]


@dataclass(frozen=True)
class Step:
    """One of Problemløseren's six steps."""

    number: int
    title: str
    instruction: str


@dataclass(frozen=True)
class InterviewTheme:
    """A theme of the question plate with its sub-questions."""

    key: str
    title: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class GuidePart:
    """A part of 'Guide til arbejdsmiljøinterviewet' (Inden interviewet / Undervejs / Afrunding)."""

    key: str
    title: str
    points: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    """A participant group used only for anonymous breakdowns (Leder, Medarbejder, ...)."""

    key: str
    label: str


@dataclass(frozen=True)
class Method:
    """All the method's content in one language."""

    language: str
    competence_model: str
    competence_caption: str
    factors: tuple[Factor, ...]
    roles: tuple[Role, ...]
    talk_themes: tuple[str, ...]
    interview_themes: tuple[InterviewTheme, ...]
    guide: tuple[GuidePart, ...]
    steps: tuple[Step, ...]
    problem_matrix: Matrix
    solution_matrix: Matrix
    support_questions: tuple[str, ...]

    def factor(self, key: str) -> Factor:
        """Return the factor with this key."""
        return next(f for f in self.factors if f.key == key)

    def role(self, key: str) -> Role:
        """Return the role with this key."""
        return next(r for r in self.roles if r.key == key)

    def step(self, number: int) -> Step:
        """Return Problemløseren's step with this number (1-6)."""
        return next(s for s in self.steps if s.number == number)

    def matrix_for(self, kind: str) -> Matrix:
        """Return the matrix that places this kind of item (problems: trin 2, ideas: trin 4)."""
        return self.problem_matrix if kind == "problem" else self.solution_matrix


def _pick(value, language: str):
    """Return the text for ``language`` from a ``{da=..., en=...}`` table, recursively."""
    if isinstance(value, dict) and set(value) == set(LANGUAGES):
        return value[language]
    if isinstance(value, dict):
        return {k: _pick(v, language) for k, v in value.items()}
    if isinstance(value, list):
        return [_pick(v, language) for v in value]
    return value


def _matrix(raw: dict) -> Matrix:
    return Matrix(
        key=raw["key"],
        title=raw["title"],
        x=Axis(**raw["x"]),
        y=Axis(**raw["y"]),
        quadrants=dict(raw["quadrants"]),
    )


@lru_cache(maxsize=len(LANGUAGES))
def load_method(language: str = DEFAULT_LANGUAGE) -> Method:
    """Load the method content in one language ("da" or "en")."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    with open(DATA_DIR / "method.toml", "rb") as f:
        raw = _pick(tomllib.load(f), language)
    return Method(
        language=language,
        competence_model=raw["competence_model"]["title"],
        competence_caption=raw["competence_model"]["caption"],
        factors=tuple(Factor(**f) for f in raw["factors"]),
        roles=tuple(Role(**r) for r in raw["roles"]),
        talk_themes=tuple(raw["talk_themes"]),
        interview_themes=tuple(
            InterviewTheme(key=t["key"], title=t["title"], questions=tuple(t["questions"]))
            for t in raw["interview_themes"]
        ),
        guide=tuple(
            GuidePart(
                key=g["key"],
                title=g["title"],
                points=tuple(g["points"]),
                questions=tuple(g["questions"]),
            )
            for g in raw["guide"]
        ),
        steps=tuple(Step(**s) for s in raw["steps"]),
        problem_matrix=_matrix(raw["problem_matrix"]),
        solution_matrix=_matrix(raw["solution_matrix"]),
        support_questions=tuple(raw["support_questions"]),
    )
