"""The step timer on screens and phones: a countdown drawn in the browser.

The server sends only how many milliseconds are left when the page was drawn; the browser counts
down from there (no reruns per second, and the viewer's clock does not matter).
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from fea_core import step_timer
from fea_core.model import Workshop
from fea_core.storage import utcnow
from ui.context import t

_COUNTDOWN_JS = """
export default function(component) {
  const { data, parentElement } = component;
  let w = parentElement.__feaTimer;
  if (!w) {
    w = parentElement.__feaTimer = { el: document.createElement('div') };
    w.el.setAttribute('data-testid', 'step-timer');
    w.el.setAttribute('role', 'timer');
    w.el.className = 'fea-timer';
    parentElement.appendChild(w.el);
  }
  if (w.key !== data.key) {  // a new timer (or a new page run of another one): count from now
    w.key = data.key;
    w.ends = performance.now() + data.left_ms;
  }
  w.data = data;
  function draw() {
    const left = Math.max(0, Math.ceil((w.ends - performance.now()) / 1000));
    const text = left > 0 ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : w.data.up;
    w.el.innerHTML = '';
    const label = document.createElement('span');
    label.className = 'fea-timer-label';
    label.textContent = left > 0 ? w.data.label : '';
    const value = document.createElement('span');
    value.className = 'fea-timer-value';
    value.textContent = text;
    w.el.append(label, value);
    w.el.classList.toggle('fea-timer-up', left === 0);
  }
  draw();
  clearInterval(w.interval);
  w.interval = setInterval(draw, 250);
  return () => { clearInterval(w.interval); delete parentElement.__feaTimer; };
}
"""

_CSS = """
.fea-timer { display: flex; flex-direction: column; align-items: center; line-height: 1.05;
             font-family: ui-monospace, Menlo, Consolas, monospace; color: #1f5fa8; }
.fea-timer-label { font-family: sans-serif; font-size: .9rem; color: rgb(85, 87, 97); }
.fea-timer-value { font-size: var(--fea-timer-size, 2rem); font-weight: 800; }
.fea-timer-up .fea-timer-value { color: #a3361f; font-size: calc(var(--fea-timer-size, 2rem) * .6); }
"""

_countdown = st.components.v2.component("fea_countdown", js=_COUNTDOWN_JS, css=_CSS)


def countdown(workshop: Workshop, *, key: str, size: str = "2rem", now: datetime | None = None) -> bool:
    """Draw the workshop's step timer if one is set; return whether one was drawn."""
    left = step_timer.remaining(workshop.timer_ends_at, now or utcnow())
    if left is None:
        return False
    with st.container(key=key):
        st.html(f"<style>.st-key-{key} {{ --fea-timer-size: {size}; }}</style>")
        _countdown(
            key=f"{key}_clock",
            data={
                "key": workshop.timer_ends_at.isoformat(),
                "left_ms": int((workshop.timer_ends_at - (now or utcnow())).total_seconds() * 1000),
                "label": t("timer.left"),
                "up": t("timer.up"),
            },
        )
    return True
