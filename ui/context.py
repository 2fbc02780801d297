"""The per-session context every page needs: the store and the language."""

from __future__ import annotations

import streamlit as st

from fea_core.config import database_url
from fea_core.i18n import translate
from fea_core.method import DEFAULT_LANGUAGE, LANGUAGES, Method, load_method
from fea_core.storage import Store, open_store


def store() -> Store:
    """Return the process-wide store for the configured database (no side effect: retention is
    a job the server runs, ui/server/retention_job.py)."""
    # open_store keeps one store per URL in a dict: cheaper than st.cache_resource, which
    # hashes its arguments on every call (a page run asks for the store a dozen times).
    return open_store(database_url())


def sync_language_from_url() -> None:
    """Adopt ?lang= from the URL; app.py calls this once per full run."""
    from_url = st.query_params.get("lang")
    if from_url in LANGUAGES:
        st.session_state["lang"] = from_url


def language() -> str:
    """Return the session's language: ?lang=, else the session's choice, else Danish."""
    # t() asks on every string: read the URL only when the session has no language yet
    # (app.py syncs it once per run), since query-parameter reads are slow.
    lang = st.session_state.get("lang")
    if lang is None:
        sync_language_from_url()
        lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def prefer_language(lang: str) -> None:
    """Use the workshop's language unless this session already chose one."""
    if "lang" not in st.session_state and "lang" not in st.query_params and lang in LANGUAGES:
        st.session_state["lang"] = lang


def set_language(lang: str) -> None:
    """Switch the session's language and keep it in the URL so a reload keeps it."""
    if lang in LANGUAGES:
        st.session_state["lang"] = lang
        st.query_params["lang"] = lang


def t(key: str, **params) -> str:
    """Return a UI string in the session's language."""
    return translate(language(), key, **params)


def method() -> Method:
    """Return the method content in the session's language."""
    return load_method(language())


def language_switch(key: str = "lang_switch") -> None:
    """Render a small Dansk/English switch."""
    current = language()
    labels = {"da": "Dansk", "en": "English"}
    choice = st.segmented_control(
        t("common.language"),
        options=list(LANGUAGES),
        format_func=labels.get,
        default=current,
        key=key,
        label_visibility="collapsed",
    )
    if choice and choice != current:
        set_language(choice)
        st.rerun()
