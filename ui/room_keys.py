"""Keyboard on the room view: a presentation clicker or the arrow keys change the step, R reveals.

A tiny components-v2 element (no iframe, no reruns of its own): it listens on the page and
sends one trigger per key press. Keys typed into a field (the compact controls' inputs) are left
alone, and so are key presses with Ctrl, Alt or Cmd (the browser's own shortcuts).
"""

from __future__ import annotations

import streamlit as st

NEXT, PREVIOUS, REVEAL = "next", "previous", "reveal"

_KEYS_JS = """
export default function(component) {
  const { setTriggerValue, parentElement } = component;
  if (parentElement.__feaKeys) return;  // one listener per element, however often Streamlit reruns
  const actions = { ArrowRight: 'next', PageDown: 'next', ArrowLeft: 'previous', PageUp: 'previous',
                    r: 'reveal', R: 'reveal', b: 'reveal', B: 'reveal' };
  function typing(el) {
    if (!el) return false;
    const tag = (el.tagName || '').toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable
      || !!(el.closest && el.closest('[role="listbox"], [role="combobox"], [role="dialog"], [role="slider"]'));
  }
  function onKey(e) {
    const action = actions[e.key];
    if (!action || e.ctrlKey || e.altKey || e.metaKey || e.repeat || typing(document.activeElement)) return;
    e.preventDefault();
    setTriggerValue('action', action);
  }
  document.addEventListener('keydown', onKey);
  parentElement.__feaKeys = onKey;
  return () => { document.removeEventListener('keydown', onKey); delete parentElement.__feaKeys; };
}
"""

_keys = st.components.v2.component("fea_room_keys", js=_KEYS_JS)


def pressed(*, key: str = "room_keys") -> str | None:
    """Draw the (invisible) listener; return NEXT, PREVIOUS or REVEAL in the run a key press caused."""
    result = _keys(key=key, on_action_change=lambda: None, height=0)
    action = getattr(result, "action", None)
    return action if action in (NEXT, PREVIOUS, REVEAL) else None
