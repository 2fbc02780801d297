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

# Every page (ui/accessibility.py): WCAG 2.1 AA fixes for Streamlit's own parts.
FOCUS = "#1f5fa8"  # the theme's primaryColor: 6.4:1 on white, 3:1 needed for a focus indicator
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


def accessible() -> None:
    """Draw every page's contrast and focus fixes for Streamlit's own parts."""
    st.html(_ACCESSIBLE_CSS)
