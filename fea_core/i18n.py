"""UI strings from data/ui.toml, in Danish (default) or English."""

from __future__ import annotations

import tomllib
from functools import lru_cache

from fea_core.method import DATA_DIR, DEFAULT_LANGUAGE, LANGUAGES


@lru_cache(maxsize=4)
def load_strings(file_name: str) -> dict[str, dict[str, str]]:
    """Return a strings file of data/ as {key: {"da": ..., "en": ...}} (keys are dotted paths)."""
    with open(DATA_DIR / file_name, "rb") as f:
        raw = tomllib.load(f)
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and set(value) == set(LANGUAGES):
                flat[path] = value
            elif isinstance(value, dict):
                walk(path, value)
            else:
                raise ValueError(f"{file_name}: {path} must have exactly the keys {LANGUAGES}")

    walk("", raw)
    return flat


def lookup(strings: dict[str, dict[str, str]], language: str, key: str, **params) -> str:
    """Return key's text in the language (Danish if unknown), with {named} parameters filled in."""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    text = strings[key][lang]
    return text.format(**params) if params else text


def catalogue() -> dict[str, dict[str, str]]:
    """Return every UI string (data/ui.toml)."""
    return load_strings("ui.toml")


def translate(language: str, key: str, **params) -> str:
    """Return the UI string for key in the language, with {named} parameters filled in."""
    return lookup(catalogue(), language, key, **params)
