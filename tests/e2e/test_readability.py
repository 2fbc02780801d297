"""Small grey text stays readable: WCAG AA contrast (4.5:1), on a phone and on the shared screen.

Danish public-sector sites must meet WCAG 2.1 AA. The phone's answer forms draw their hints
(the character counter, "where it lands", "your items") in a lighter text colour; at 60 % of the
text colour that was about 3.7:1 on white.
"""

from __future__ import annotations

import re
from datetime import date

from fea_core import participation
from fea_core.model import ACTIVITY_PROBLEMS
from fea_core.storage import open_store
from fea_core.workshops import create_workshop, set_activity
from tests.e2e.conftest import PATIENCE_MS, DESKTOP, FACILITATOR, PHONE, log_in_facilitator, settled, wait_for_app, warm_up

AA_SMALL_TEXT = 4.5
GREY_TEXT = "[data-testid='stCaptionContainer'], .fea-caption, .fea-merged"


def contrast_on_white(css_color: str, opacity: float = 1.0) -> float:
    """Return the WCAG contrast ratio against white of a computed CSS colour drawn on white.

    Takes ``rgb(r, g, b)``, ``rgba(r, g, b, a)`` (0-255) and ``color(srgb r g b / a)`` (0-1),
    the forms browsers give getComputedStyle().color. ``opacity`` is what the element and its
    ancestors multiply it by (Streamlit draws captions at 60 % opacity, not in a lighter colour).
    """
    numbers = [float(v) for v in re.findall(r"[\d.]+", css_color)]
    scale = 1.0 if css_color.startswith("color(") else 255.0
    rgb = [v / scale for v in numbers[:3]]
    alpha = (numbers[3] if len(numbers) > 3 else 1.0) * opacity
    drawn = [alpha * c + (1 - alpha) for c in rgb]

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(drawn[0]) + 0.7152 * linear(drawn[1]) + 0.0722 * linear(drawn[2])
    return 1.05 / (luminance + 0.05)


# Each element's colour and the product of its own and its ancestors' opacity (across shadow roots).
_DRAWN = """els => els.map(e => {
  let opacity = 1;
  for (let n = e; n; n = n.parentElement || (n.getRootNode() && n.getRootNode().host) || null) {
    opacity *= parseFloat(getComputedStyle(n).opacity);
  }
  return [getComputedStyle(e).color, opacity];
})"""


def grey_text_colours(page) -> list[tuple[str, float]]:
    # Playwright's CSS engine also looks inside the forms' shadow roots.
    return [tuple(drawn) for drawn in page.eval_on_selector_all(GREY_TEXT, _DRAWN)]


def lowest_contrast(drawn: list[tuple[str, float]]) -> float:
    return min(contrast_on_white(colour, opacity) for colour, opacity in drawn)


def test_the_contrast_formula_matches_known_values():
    assert round(contrast_on_white("rgb(0, 0, 0)"), 1) == 21.0
    assert round(contrast_on_white("rgba(49, 51, 63, 0.6)"), 1) == 3.7
    assert round(contrast_on_white("color(srgb 0.192 0.2 0.247 / 0.6)"), 1) == 3.7
    assert round(contrast_on_white("rgb(49, 51, 63)", opacity=0.6), 1) == 3.7  # Streamlit's caption


def test_the_hints_of_a_phones_problem_form_meet_aa(app_server, browser):
    warm_up(browser, app_server.base)
    store = open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}")
    workshop = create_workshop(store, name="Læsbarhed", department="Lager", held_on=date.today(),
                               theme="Travlhed", language="da", owner=FACILITATOR[0])
    set_activity(store, workshop.id, ACTIVITY_PROBLEMS)
    _, phone = participation.join(store, workshop.code)
    store.engine.dispose()
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{app_server.base}/?code={workshop.code}&p={phone.token}")
    wait_for_app(page)
    page.get_by_test_id("item-text").wait_for(timeout=PATIENCE_MS)
    settled(page)  # not mid-fade: Streamlit fades new elements in
    colours = grey_text_colours(page)
    assert colours, "the problem form has a character counter"
    assert lowest_contrast(colours) >= AA_SMALL_TEXT, colours


def test_captions_on_the_facilitators_pages_meet_aa(app_server, browser):
    page = browser.new_context(**DESKTOP).new_page()
    log_in_facilitator(page, app_server.base)
    settled(page)  # not mid-fade: Streamlit fades new elements in
    colours = grey_text_colours(page)
    assert colours, "the workshop list has captions"
    assert lowest_contrast(colours) >= AA_SMALL_TEXT, colours


def test_the_join_pages_anonymity_caption_meets_aa_with_streamlits_opacity_counted(app_server, browser):
    page = browser.new_context(**PHONE).new_page()
    page.goto(app_server.base + "/")
    wait_for_app(page)
    page.get_by_text("Du er anonym").wait_for(timeout=PATIENCE_MS)
    settled(page)  # not mid-fade: Streamlit fades new elements in
    colours = grey_text_colours(page)
    assert colours, "the join page has a caption"
    assert lowest_contrast(colours) >= AA_SMALL_TEXT, colours


def test_the_keyboard_focus_ring_on_streamlits_button_is_solid_and_3_to_1(app_server, browser):
    page = browser.new_context(**PHONE).new_page()
    page.goto(app_server.base + "/")
    wait_for_app(page)
    join = page.get_by_role("button", name="Deltag")
    join.wait_for()  # drawn before the first Tab, or the Tabs pass through an empty page
    for _ in range(30):
        page.keyboard.press("Tab")
        if join.evaluate("e => e === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the join button")
    ring = join.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }")
    assert ring[0] == "solid" and float(ring[1].rstrip("px")) >= 2, ring
    assert contrast_on_white(ring[2]) >= 3.0, ring
