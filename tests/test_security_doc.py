"""SECURITY.md names the tests that prove each claim: every one it names must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def references() -> list[tuple[str, str | None]]:
    return REFERENCE.findall((REPO / "SECURITY.md").read_text(encoding="utf-8"))


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")
    }


def test_security_md_names_tests_for_its_claims():
    named = [name for _, name in references() if name]
    assert len(named) >= 40


def test_every_test_security_md_names_exists():
    missing = []
    for file, name in references():
        path = REPO / file
        if not path.exists():
            missing.append(file)
        elif name and name not in functions_in(path):
            missing.append(f"{file}::{name}")
    assert missing == [], "SECURITY.md names tests that do not exist: rename them there too"
