"""Page styling: large touch targets on phones, a clean projector view for the room."""

from __future__ import annotations

import streamlit as st

# streamlit-authenticator's cookie components draw nothing, yet each took a 26 px row and a
# gap above the login form. Hidden, their frames still load and run.
_HIDDEN_COOKIE_FRAMES = 'div[data-testid="stElementContainer"]:has(iframe[title*="cookie_manager"]) { display: none; }'

_PHONE_CSS = """
<style>
/* Thumb-sized choices: the rating scale is the main thing a phone does. */
div[data-testid="stButtonGroup"] button { min-height: 3rem; font-size: 1.05rem; }
div[data-testid="stFormSubmitButton"] button { min-height: 3.2rem; font-size: 1.1rem; }
.block-container { padding-top: 1.2rem; max-width: 34rem; }
h1 { font-size: 1.9rem !important; }
h3 { font-size: 1.35rem !important; overflow-wrap: anywhere; hyphens: auto; }
%s
</style>
""" % _HIDDEN_COOKIE_FRAMES

_SCREEN_CSS = """
<style>
.block-container { padding-top: 3.5rem; }  /* clear of Streamlit's top bar */
.fea-code { font-size: 5.5rem; font-weight: 800; letter-spacing: .35rem; line-height: 1.1;
            font-family: ui-monospace, Menlo, Consolas, monospace; color: #1f5fa8; }
.fea-big { font-size: 1.6rem; }
div[data-testid="stMetricValue"] { font-size: 3rem; }
/* Trin 1 and 3's lists: one element of cards (ui/problem_solver_view.item_cards_html). */
.fea-items { display: flex; flex-direction: column; gap: .5rem; }
.fea-item { border: 1px solid rgba(49, 51, 63, .2); border-radius: .5rem; padding: .6rem .9rem;
            overflow-wrap: anywhere; white-space: pre-wrap; }
.fea-merged { color: rgba(49, 51, 63, .8); font-size: .875rem; margin-top: .25rem; }
%s
</style>
""" % _HIDDEN_COOKIE_FRAMES

# The room view (pages/screen.py): the projector shows the step, not Streamlit. No sidebar, no
# top bar, little padding; charts scaled to fit their column and the viewport (1280x720 to
# 1920x1080); the compact controls folded into a small button in a corner, over the page.
_ROOM_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"] { display: none !important; }
.block-container { padding: .6rem 1.5rem 0 1.5rem !important; max-width: 100% !important; }
/* Drawn but invisible (the keyboard listener, the watcher): out of the flow, so no gap above them. */
.stElementContainer:is(.st-key-room_keys, .st-key-room_watch) { position: absolute; }
.fea-room-title { font-size: 1.15rem; font-weight: 600; color: rgb(49, 51, 63); }
.st-key-room_head { justify-content: space-between; min-height: 2rem; }
.st-key-room_head { flex-wrap: nowrap; }
.st-key-room_head > div { width: auto !important; flex: 0 1 auto; }
.st-key-room_head > div:first-child { flex: 1 1 0; min-width: 10rem; }
.st-key-room_timer { flex: 0 0 auto; }
.fea-strip { font-size: 1.2rem; }
.fea-code { font-size: 5.5rem; font-weight: 800; letter-spacing: .35rem; line-height: 1.1;
            font-family: ui-monospace, Menlo, Consolas, monospace; color: #1f5fa8; }
.fea-big { font-size: 1.6rem; }
.fea-url { font-size: 1.8rem; font-weight: 700; overflow-wrap: anywhere; }
.st-key-room_qr img { max-height: calc(100vh - 9rem); width: auto !important; max-width: 100%; }
div[data-testid="stMetricValue"] { font-size: 3rem; }
.st-key-live_view h3 { font-size: 1.6rem; padding: .2rem 0; }
.st-key-live_view h4 { font-size: 1.3rem; padding: .1rem 0; }
.st-key-live_view [data-testid="stCaptionContainer"] p { font-size: 1rem; }
/* Charts: drawn at a fixed size, shown no larger than their column and the viewport allows. */
.st-key-live_view [data-testid="stVegaLiteChart"], .st-key-live_view .vega-embed { max-width: 100% !important; width: auto !important; }
.st-key-live_view [data-testid="stVegaLiteChart"] canvas, .st-key-live_view [data-testid="stVegaLiteChart"] svg.marks {
  width: auto !important; height: auto !important; max-width: 100% !important;
  max-height: calc(100vh - 16rem) !important; }
.st-key-live_view .vega-embed details, .st-key-live_view .vega-embed summary { display: none !important; }
/* A chart's key table: compact, and scrolling inside itself if a long list would leave the screen. */
.fea-key-table { max-height: calc(100vh - 12.5rem); overflow-y: auto; }
.fea-key-table table { border-collapse: collapse; width: 100%; font-size: 1.05rem; }
.fea-key-table caption { text-align: left; font-weight: 600; padding-bottom: .3rem; caption-side: top; }
.fea-key-table th, .fea-key-table td { border-bottom: 1px solid rgba(49, 51, 63, .2); padding: .25rem .5rem;
  text-align: left; overflow-wrap: anywhere; vertical-align: top; }
.fea-key-table th { background: #f0f2f6; position: sticky; top: 0; white-space: nowrap; }
/* Trin 1, 3, 5 and 6: cards, scrolling inside their column on a long day. */
.fea-items { display: flex; flex-direction: column; gap: .45rem; max-height: calc(100vh - 13rem); overflow-y: auto; }
.fea-item { border: 1px solid rgba(49, 51, 63, .2); border-radius: .5rem; padding: .5rem .9rem; font-size: 1.2rem;
            overflow-wrap: anywhere; white-space: pre-wrap; }
.fea-merged { color: rgba(49, 51, 63, .8); font-size: .95rem; margin-top: .25rem; }
.fea-muted { color: rgb(85, 87, 97); }
/* The compact controls: a small button in the bottom corner, over the page; open, a panel. */
[data-testid="stLayoutWrapper"]:has(> .st-key-room_controls) { position: fixed; right: .75rem; bottom: .5rem;
  left: auto; z-index: 1000; width: max-content !important; max-width: min(34rem, calc(100vw - 1.5rem)); }
.st-key-room_controls:has(details[open]) { width: min(34rem, calc(100vw - 1.5rem)); }
.st-key-room_controls { width: max-content;
  max-width: min(34rem, calc(100vw - 1.5rem)); background: white; border-radius: .5rem; }
/* Small, not faded: its label keeps 4.5:1 contrast (WCAG 1.4.3). */
.st-key-room_controls summary p { font-size: .85rem; }
.st-key-room_controls details[open] { max-height: calc(100vh - 2rem); overflow-y: auto; }
.st-key-room_controls summary { padding: .2rem .6rem; }
__HIDDEN__
</style>
""".replace("__HIDDEN__", _HIDDEN_COOKIE_FRAMES)

# Every page (ui/accessibility.py): WCAG 2.1 AA fixes for Streamlit's own parts.
FOCUS = "#1f5fa8"  # the theme's primaryColor: 6.4:1 on white, 3:1 needed for a focus indicator
# The step list (ui/control_panel.py): buttons that read like a list, text at the left, close together.
_STEP_LIST_CSS = """
<style>
.st-key-step_list { gap: .1rem; }
.st-key-step_list button { justify-content: flex-start; min-height: 2.1rem; padding: .15rem .6rem; }
.st-key-step_list button > div { width: 100%; justify-content: flex-start; text-align: left; }
</style>
"""
_SCREEN_CSS += _STEP_LIST_CSS
_ROOM_CSS += _STEP_LIST_CSS

CAPTION = "rgb(85, 87, 97)"  # 7:1 on white; Streamlit draws captions at 60 % opacity (3.9:1)

_ACCESSIBLE_CSS = f"""
<style>
.st-key-fea_page_language {{ display: none; }}
/* Captions and other muted text: full opacity in a darker grey, 4.5:1 or better. */
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; color: {CAPTION} !important; }}
[data-testid="stCaptionContainer"] * {{ color: inherit; }}
[data-testid="stWidgetLabel"] p, [data-testid="stMarkdownContainer"] small {{ color: inherit; opacity: 1; }}
/* Streamlit's focus ring is the primary colour at half strength (2.3:1): draw a solid one. */
:is(button, a, input, textarea, select, [role="radio"], [role="tab"], [role="option"], [tabindex]):focus-visible {{
  outline: 2px solid {FOCUS} !important; outline-offset: 2px !important;
}}
div[data-baseweb="input"]:focus-within, div[data-baseweb="textarea"]:focus-within,
div[data-baseweb="select"] > div:focus-within {{ border-color: {FOCUS} !important; box-shadow: 0 0 0 1px {FOCUS} !important; }}
/* The scrolling main area takes focus for keyboard scrolling; show where focus is. */
[data-testid="stMain"]:focus-visible, [data-testid="stAppScrollToBottomContainer"]:focus-visible {{
  outline: 2px solid {FOCUS} !important; outline-offset: -2px !important;
}}
</style>
"""


# Issue 16, point 5: Streamlit's own English words inside Danish screens, hidden where Streamlit
# 1.67 has no option to translate or turn them off (checked: st.dataframe has no toolbar
# setting; client.toolbarMode is the app's top bar). Every page gets these rules (accessible()).
# - A text field shows "Press Enter to submit form" / "Press Ctrl+Enter to apply" while focused,
#   followed by its "12/200" counter when it has max_chars: the words go, the counter stays (alone
#   outside a form, the one span is the counter; inside a form it is the words). The follow-up
#   forms say how to save in the session's language instead (ui.toml [day_field] save_hint).
# - A read-only table's hover toolbar ("Download as CSV", "Search", "Show/hide columns"): the
#   tables are short and read aloud; an editable table (one with "Add row") keeps its toolbar.
_STREAMLIT_ENGLISH_CSS = """
<style>
[data-testid="InputInstructions"] > span:not(:last-child),
[data-testid="stForm"] [data-testid="InputInstructions"] > span:only-child { display: none; }
[data-testid="stDataFrame"]:not(:has(button[aria-label="Add row"])) [data-testid="stElementToolbar"] { display: none; }
</style>
"""
_ACCESSIBLE_CSS += _STREAMLIT_ENGLISH_CSS

def phone() -> None:
    """Style a participant page for a phone."""
    st.html(_PHONE_CSS)


def screen() -> None:
    """Style a facilitator page for a shared screen."""
    st.html(_SCREEN_CSS)


def room() -> None:
    """Style the room view for a projector: no sidebar, nothing but the step, fitted to the screen."""
    st.html(_ROOM_CSS)


def accessible() -> None:
    """Draw every page's contrast and focus fixes for Streamlit's own parts."""
    st.html(_ACCESSIBLE_CSS)
