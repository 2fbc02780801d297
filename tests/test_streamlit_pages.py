"""ui/server/script_threads.py: Streamlit's private PagesManager flag, checked before use."""

from __future__ import annotations

from ui.server import script_threads


def test_navigation_is_registered_early_and_a_renamed_flag_only_warns(monkeypatch, caplog):
    from streamlit.runtime import pages_manager

    monkeypatch.setattr(pages_manager.PagesManager, "uses_pages_directory", None, raising=False)
    assert script_threads.register_navigation_early() is True
    assert pages_manager.PagesManager.uses_pages_directory is False
    monkeypatch.delattr(pages_manager.PagesManager, "uses_pages_directory")
    with caplog.at_level("WARNING"):
        assert script_threads.register_navigation_early() is False
    assert "uses_pages_directory" in caplog.text
