"""Live updates without periodic reruns: a tiny browser-side watcher.

The watcher polls a cheap JSON route (served next to the app by serve.py, no script
run) and triggers a rerun of its session only when the watched counter has changed.
Idle phones therefore cost one small HTTP request per interval and no script runs.
"""

from __future__ import annotations

import streamlit as st

LIVE_ROUTE = "/api/live"
POLL_INTERVAL_MS = 1000

_WATCHER_JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  // Streamlit calls this again on every rerun with new data: keep one poller per element.
  if (parentElement.__feaWatch) { parentElement.__feaWatch.data = data; return; }
  const w = { data, stopped: false, fired: null, delay: data.interval };
  parentElement.__feaWatch = w;
  async function tick() {
    try {
      const r = await fetch(w.data.url, { cache: 'no-store', credentials: 'same-origin' });
      if (r.ok) {
        const j = await r.json();
        const seen = j[w.data.field];
        if (seen !== undefined && seen !== w.data.value && seen !== w.fired) {
          w.fired = seen;  // one rerun per change, even if the rerun is slow
          setTriggerValue('changed', seen);
        }
        w.delay = w.data.interval;
      }
    } catch (e) {
      w.delay = Math.min(w.delay * 2, 10000);  // server away: back off, keep trying
    }
    if (!w.stopped) w.timer = setTimeout(tick, w.delay);
  }
  w.timer = setTimeout(tick, w.delay);
  return () => { w.stopped = true; clearTimeout(w.timer); delete parentElement.__feaWatch; };
}
"""

_watcher = st.components.v2.component("fea_live_watcher", js=_WATCHER_JS)


def watch(participant_token: str, field: str, value: int, *, key: str) -> None:
    """Rerun this phone's session when its workshop's ``field`` ("stage" or "revision") moves past ``value``."""
    _watcher(
        key=key,
        data={
            "url": f"{LIVE_ROUTE}/{participant_token}",
            "field": field,
            "value": value,
            "interval": POLL_INTERVAL_MS,
        },
        on_changed_change=lambda: None,
        height=0,
    )
