"""Live updates without periodic reruns: a tiny browser-side watcher.

The watcher asks a cheap JSON route (served next to the app by app.py, no script run) and
triggers a rerun of its session only when the watched counter has changed. The route holds the
question until the counter moves (or for up to ui/routes.HOLD_SECONDS), so a phone learns of a
step change within a fraction of a second, and an idle phone costs one small request per hold
and no script runs.
"""

from __future__ import annotations

import streamlit as st

LIVE_ROUTE = "/api/live"
# Not a polling period (a held poll is asked again at once): the pause after an answer that came
# at once (a change, or a server that does not hold) or a failed one, and the back-off's base.
RETRY_INTERVAL_MS = 1000
ROOM_ROUTE = "/api/room"  # the room and control views, with a signed watch token (fea_core/room_watch.py)

_WATCHER_JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  // Streamlit calls this again on every rerun with new data: keep one poller per element.
  if (parentElement.__feaWatch) { parentElement.__feaWatch.data = data; return; }
  const w = { data, stopped: false, fired: null, delay: data.interval, abort: new AbortController() };
  parentElement.__feaWatch = w;
  async function tick() {
    const started = Date.now();
    try {
      // What this page shows, or what it has already asked to rerun for: held until it moves.
      const known = w.fired === null ? w.data.value : Math.max(w.data.value, w.fired);
      const r = await fetch(`${w.data.url}?field=${w.data.field}&seen=${known}`,
                            { cache: 'no-store', credentials: 'same-origin', signal: w.abort.signal });
      if (r.ok) {
        const j = await r.json();
        const seen = j[w.data.field];
        if (seen !== undefined && seen !== w.data.value && seen !== w.fired) {
          w.fired = seen;  // one rerun per change, even if the rerun is slow
          setTriggerValue('changed', seen);
        }
        // Held and answered: ask again at once. Answered at once (a change, or a server that
        // does not hold): wait an interval, so that nothing can make this a busy loop.
        w.delay = Date.now() - started >= w.data.interval ? 0 : w.data.interval;
      } else {
        w.delay = w.data.interval;
      }
    } catch (e) {
      w.delay = Math.min(Math.max(w.delay, w.data.interval) * 2, 10000);  // server away: back off, keep trying
    }
    if (!w.stopped) w.timer = setTimeout(tick, w.delay);
  }
  w.timer = setTimeout(tick, w.delay);
  // Gone from the page: end the held request too, or it would keep a connection for its hold.
  return () => { w.stopped = true; clearTimeout(w.timer); w.abort.abort(); delete parentElement.__feaWatch; };
}
"""

_watcher = st.components.v2.component("fea_live_watcher", js=_WATCHER_JS)


def watch(participant_token: str, field: str, value: int, *, key: str) -> None:
    """Rerun this phone's session when its workshop's ``field`` ("stage" or "revision") moves past ``value``."""
    _watch(f"{LIVE_ROUTE}/{participant_token}", field, value, key=key)


def watch_room(watch_token: str, revision: int, *, key: str) -> None:
    """Rerun this facilitator view (its fragment) when its workshop's revision moves past ``revision``.

    At most about one rerun per RETRY_INTERVAL_MS while phones answer: a poll answered at once
    waits an interval before the next one (see _WATCHER_JS), and an idle view costs no run.
    """
    _watch(f"{ROOM_ROUTE}/{watch_token}", "revision", revision, key=key)


def _watch(url: str, field: str, value: int, *, key: str) -> None:
    _watcher(
        key=key,
        data={
            "url": url,
            "field": field,
            "value": value,
            "interval": RETRY_INTERVAL_MS,
        },
        on_changed_change=lambda: None,
        height=0,
    )
