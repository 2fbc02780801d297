"""Participants' and facilitators' words are plain text in a real browser, and nothing leaves the server.

One server for the module (a start costs about ten seconds of this machine's two cores). The
hostile texts go in through the phones' answer route (items) and the domain services the pages
use (names, trin 5/6 fields, interview notes, forløb), all against the server's own database;
then every page where they show is opened and its DOM searched for anything made from them: a
heading, KaTeX, a link or image pointing at 127.0.0.2 (a stand-in for an attacker's host that
answers nothing), a bold "x", coloured text. Every request the browser makes is recorded: any to
another host than the app's fails the test (the projector fetching an image, a font CDN, Google's
tab icon).
"""

from __future__ import annotations

import json
import urllib.request
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from fea_core import accounts, action_history, courses, decisions, handleplan, items, participation, placement, sharing
from fea_core import interviews as iv
from fea_core import talk
from fea_core.i18n import translate
from fea_core.model import (
    ACTIVITY_CONCRETISE, ACTIVITY_IDEAS, ACTIVITY_IMPLEMENT, ACTIVITY_PROBLEM_MATRIX, ACTIVITY_PROBLEMS,
    ACTIVITY_SOLUTION_MATRIX, ACTIVITY_TALK, ACTIVITY_WELCOME,
)
from fea_core.storage import open_store
from fea_core.workshops import create_workshop, set_activity, set_results_visible
from tests.e2e.conftest import (
    PATIENCE_MS, DESKTOP, FACILITATOR, PHONE, create_facilitator_account, free_port, log_in_facilitator, start_server, wait_for_app,
    warm_up,
)
from tests.interview_fixtures import make_link

ATTACKER = "127.0.0.2"  # loopback, nothing listens on port 9: a request there fails at once, but is seen
HOSTILE = (
    "# x",
    "$x^2$",
    f"[a](http://{ATTACKER}:9/a)",
    f'=HYPERLINK("http://{ATTACKER}:9/b")',
    ":red[x]",
    f"![](http://{ATTACKER}:9/x.png)",
    f"<img src=http://{ATTACKER}:9/y>",
    "<b>x</b>",
)
# One line holding most of them, for single-line fields (names, labels; at most 120 characters).
COMBINED = f"# x $x^2$ [a](http://{ATTACKER}:9/a) :red[x] ![](http://{ATTACKER}:9/x.png) <img src=http://{ATTACKER}:9/y> <b>x</b>"
FORMULA = HOSTILE[3]
MULTILINE = "\n".join(HOSTILE)
ALL_ITEMS = HOSTILE  # each one an item of every kind
SECOND = ("bodil", "Bo Medfacilitator", "endnu-et-kodeord-43")

# The page and the shadow roots its components draw into (the phone's answer forms).
_ROOTS = """const roots = [document];
  const walk = root => { for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { roots.push(el.shadowRoot); walk(el.shadowRoot); } };
  walk(document);
  const all = selector => roots.flatMap(root => [...root.querySelectorAll(selector)]);"""
# The text a person sees in the elements ``within`` selects ("shadow": the components' shadow roots; null:
# the whole page), less the invisible word joiners fea_core.markdown_escape puts into bare addresses.
SHOWN_TEXT = f"""within => {{ {_ROOTS}
  // A shadow root's words, without its <style> (the forms' CSS is not text a person sees).
  const words = r => {{
    const walker = document.createTreeWalker(r, NodeFilter.SHOW_TEXT, {{ acceptNode: n =>
      n.parentElement && ['STYLE', 'SCRIPT'].includes(n.parentElement.tagName)
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT }});
    const found = [];
    while (walker.nextNode()) found.push(walker.currentNode.nodeValue);
    return found.join('');
  }};
  const parts = within === 'shadow' ? roots.slice(1).map(words)
    : within ? [...document.querySelectorAll(within)].map(el => el.innerText)
    : [document.body.innerText, ...roots.slice(1).map(words)];
  return parts.join('\\n').replaceAll('\\u2060', '');
}}"""
LIVE = ".st-key-live_view"  # the shared screen's live part, below the workshop's name
TABLE = "[data-testid^='matrix-key-table']"  # the room view's key table beside the matrix (ui/key_table.py)
# Markdown the page wrote, less headings and captions (where the workshop's name and the owners are).
# Anything in the DOM that Markdown, HTML or LaTeX made out of the texts above.
FIND_RENDERED = f"""() => {{ {_ROOTS}
  const bad = [];
  for (const h of all('h1,h2,h3,h4,h5,h6')) {{
    const text = h.textContent.trim();
    if (text === 'x' || text.startsWith('x ')) bad.push('heading: ' + text);
  }}
  if (all('.katex, .katex-html, math').length) bad.push('katex');
  for (const el of all('[href*="127.0.0.2"], [src*="127.0.0.2"], [srcset*="127.0.0.2"]'))
    bad.push(el.tagName + ': ' + (el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('srcset')));
  for (const el of all('b, strong'))
    if (el.textContent.trim() === 'x') bad.push('bold x');
  for (const el of all('a[href]'))
    if (new URL(el.href, location.href).host !== location.host) bad.push('foreign link: ' + el.href);
  for (const el of all('span[style*="color"], [class*="colored"]'))
    if (el.textContent.trim() === 'x') bad.push('coloured x');
  for (const el of all('img'))
    if (!el.src.startsWith(location.origin) && !el.src.startsWith('data:') && !el.src.startsWith('blob:'))
      bad.push('foreign img: ' + el.src);
  return bad;
}}"""


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """This module's server, with its public address set: every link on a page must then point at
    the app itself (without it, the join link names the machine's LAN address, another host)."""
    data_dir = tmp_path_factory.mktemp("plain")
    create_facilitator_account(data_dir)
    port = free_port()
    process, server = start_server(data_dir, port, {"FEA_PUBLIC_URL": f"http://127.0.0.1:{port}"})
    yield server
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def store(app_server, browser):
    warm_up(browser, app_server.base)
    s = open_store(f"sqlite:///{app_server.data_dir / 'fea.sqlite3'}")  # the server's database
    yield s
    s.engine.dispose()


class Requests:
    """Every request a browser context makes; ``foreign`` lists those to another host than the app's."""

    def __init__(self, context, base: str):
        self.app = urlsplit(base).netloc
        self.urls: list[str] = []
        context.on("request", lambda request: self.urls.append(request.url))

    @property
    def foreign(self) -> list[str]:
        return [u for u in self.urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).netloc != self.app]


def post_item(base: str, participant, kind: str, text: str) -> dict:
    """Send one item as the phone's form does (the answer route), return its reply."""
    body = json.dumps({"kind": kind, "text": text, "lang": "da"}).encode()
    request = urllib.request.Request(f"{base}/api/answer/{participant.token}/items", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def hostile_workshop(store, base: str):
    """A workshop with the hostile texts in every free-text field, its interviews and its forløb."""
    workshop = create_workshop(store, name=COMBINED, department=FORMULA, held_on=date.today(),
                               theme=COMBINED, language="da", owner=FACILITATOR[0])
    wid = workshop.id
    talk.save_questions(store, wid, list(HOSTILE))
    _, phone = participation.join(store, workshop.code)
    _, other = participation.join(store, workshop.code)
    set_activity(store, wid, ACTIVITY_PROBLEMS)
    for text in ALL_ITEMS:
        assert post_item(base, phone, "problem", text)["ok"]
        assert post_item(base, other, "keep", text)["ok"]
    set_activity(store, wid, ACTIVITY_PROBLEM_MATRIX)
    problems = items.list_items(store, wid, "problem")
    for n, item in enumerate(problems):
        placement.place_item(store, phone, item.id, 1 + n % 5, 5 - n % 5)
    decisions.choose_problem(store, wid, problems[0].id)
    decisions.describe_problem(store, wid, MULTILINE)
    set_activity(store, wid, ACTIVITY_IDEAS)
    for text in ALL_ITEMS:
        assert post_item(base, phone, "idea", text)["ok"]
    set_activity(store, wid, ACTIVITY_SOLUTION_MATRIX)
    ideas = items.list_items(store, wid, "idea")
    for n, item in enumerate(ideas):
        placement.place_item(store, phone, item.id, 5 - n % 5, 1 + n % 5)
    decisions.choose_idea(store, wid, ideas[1].id)
    set_activity(store, wid, ACTIVITY_CONCRETISE)
    for index in range(handleplan.question_count()):
        handleplan.propose_answer(store, phone, index, HOSTILE[index % len(HOSTILE)] + " " + HOSTILE[-1 - index])
        handleplan.save_answer(store, wid, index, MULTILINE)
    overdue = date.today() - timedelta(days=3)  # an overdue action shows a warning naming its words
    handleplan.save_actions(store, wid, [
        {"what": text, "owner": HOSTILE[-1 - n], "deadline": overdue, "follow_up": text}
        for n, text in enumerate(HOSTILE)
    ])
    link = make_link(store, wid, COMBINED)
    interview = iv.start_interview(store, link, group_size=1)
    for theme in iv.theme_keys():
        for field_name in iv.NOTE_FIELDS:
            iv.save_note(store, link, interview.number, theme, field_name, MULTILINE)
    iv.save_advice(store, link, interview.number, MULTILINE)
    for position, text in zip(iv.POINT_POSITIONS, (COMBINED, FORMULA, HOSTILE[0])):
        iv.save_point(store, link, interview.number, position, text, iv.theme_keys()[0])
    accounts.create_facilitator(store, SECOND[0], COMBINED, SECOND[2])
    sharing.share_workshop(store, wid, SECOND[0])
    course = courses.create_course(store, name=COMBINED, department=FORMULA, starts_on=date.today() - timedelta(days=30),
                                   language="da", owner=FACILITATOR[0], steering_group=MULTILINE)
    courses.add_workshop(store, course.id, wid)
    courses.add_course_facilitator(store, course.id, SECOND[0])
    meeting = courses.add_meeting(store, course.id, date.today(), MULTILINE, by=FACILITATOR[0])
    action = handleplan.list_actions(store, wid)[0]
    action_history.record_update(store, action.id, status="adjusted", works=MULTILINE, not_working=COMBINED,
                                 adjustment=FORMULA, by=FACILITATOR[0], meeting_id=meeting.id)
    return workshop, phone, link, course


def check_plain(page, where: str, shown: tuple[str, ...], within: str | None = None) -> None:
    """Wait until every text in ``shown`` is visible as typed (in ``within``), then fail on anything
    rendered from them anywhere on the page."""
    for text in shown:
        try:
            page.wait_for_function(f"([t, w]) => ({SHOWN_TEXT})(w).includes(t)", arg=[text, within], timeout=PATIENCE_MS)
        except PlaywrightTimeout:
            seen = page.evaluate(SHOWN_TEXT, within)
            raise AssertionError(f"{where}: {text!r} not shown in {within or 'the page'}: {seen!r}") from None
        # Typed without a backslash, so none may show: an escape shown is an escape applied twice.
        assert "\\" not in page.evaluate(SHOWN_TEXT, within), where
    bad = page.evaluate(FIND_RENDERED)
    assert not bad, f"{where}: {bad}"


TOOLTIP = "() => { const t = document.getElementById('vg-tooltip-element'); " \
          "return t && t.classList.contains('visible') ? t.textContent : null; }"


def hover_tooltips(page, where: str) -> set[str]:
    """Move the mouse over the matrix (a canvas) and return the text of every tooltip it shows,
    failing on anything rendered in the page while one shows."""
    box = page.get_by_test_id("stVegaLiteChart").first.bounding_box()
    seen: set[str] = set()
    steps = 30
    for i in range(1, steps):
        for j in range(1, steps):
            page.mouse.move(box["x"] + box["width"] * i / steps, box["y"] + box["height"] * j / steps)
            text = page.evaluate(TOOLTIP)
            if text and text not in seen:
                seen.add(text)
                bad = page.evaluate(FIND_RENDERED)
                assert not bad, f"{where}, tooltip {text!r}: {bad}"
    return seen


def test_hostile_texts_show_as_typed_on_every_page_and_make_the_browsers_fetch_nothing(app_server, browser, store):
    workshop, phone, link, course = hostile_workshop(store, app_server.base)
    base, wid = app_server.base, workshop.id
    screen_context = browser.new_context(**DESKTOP)
    screen_requests = Requests(screen_context, base)
    screen = screen_context.new_page()
    log_in_facilitator(screen, base)
    check_plain(screen, "workshop list", (COMBINED, FORMULA))

    # The shared screen at every step that shows words (the activity is set as the facilitator's radio would).
    steps = {
        ACTIVITY_WELCOME: ((), None),
        ACTIVITY_TALK: (HOSTILE, LIVE),  # the questions
        ACTIVITY_PROBLEMS: (HOSTILE, LIVE),  # two lists of cards
        ACTIVITY_PROBLEM_MATRIX: (HOSTILE, TABLE),  # the table next to the matrix
        ACTIVITY_IDEAS: (HOSTILE, LIVE),  # the chosen problem, its description, the ideas
        ACTIVITY_SOLUTION_MATRIX: (HOSTILE, TABLE),
        ACTIVITY_CONCRETISE: (HOSTILE, "[data-testid='fea-room-answers']"),  # the questions and their answers
        ACTIVITY_IMPLEMENT: (HOSTILE, "[data-testid='fea-room-actions']"),  # the agreement cards
    }
    for activity, (shown, within) in steps.items():
        set_activity(store, wid, activity)
        set_results_visible(store, wid, True)
        screen.goto(f"{base}/screen?w={workshop.code}")
        wait_for_app(screen)
        # The room view names the workshop only (the department stays on the control view).
        check_plain(screen, f"shared screen, {activity}: the workshop", (COMBINED,))
        check_plain(screen, f"shared screen, {activity}", shown, within)
        if within == TABLE:  # the matrix's tooltips name each item (vega-tooltip, as HTML)
            tips = hover_tooltips(screen, f"shared screen, {activity}")
            assert any(text in tip for tip in tips for text in HOSTILE[1:]), tips
    # The control view's trin 5 and 6 editors: the phones' proposals beside each question, the
    # agreement cards and the overdue warnings that name each action's words.
    for activity, within in ((ACTIVITY_CONCRETISE, ".st-key-fea_plan_answers"),
                             (ACTIVITY_IMPLEMENT, ".st-key-fea_plan_actions")):
        set_activity(store, wid, activity)
        screen.goto(f"{base}/control?w={workshop.code}")
        wait_for_app(screen)
        check_plain(screen, f"control view, {activity}", HOSTILE, within)
    screen.goto(f"{base}/control?w={workshop.code}")  # sharing sits on the control view
    wait_for_app(screen)
    check_plain(screen, "control view", (COMBINED, FORMULA))
    screen.get_by_test_id("stExpander").filter(has_text=translate("da", "sharing.title")).locator("summary").click()
    check_plain(screen, "sharing panel", (COMBINED,))

    screen.goto(f"{base}/interviews?w={workshop.code}")
    wait_for_app(screen)
    check_plain(screen, "interviews", (COMBINED, FORMULA, HOSTILE[0]))
    screen.get_by_text(translate("da", "interviews.raw_show")).click()
    wait_for_app(screen)
    raw = screen.get_by_test_id("stExpander").filter(has_text=COMBINED)
    raw.locator("summary").first.click()
    check_plain(screen, "raw notes", HOSTILE, "[data-testid='stExpanderDetails']")

    screen.goto(f"{base}/course?c={course.id}")
    wait_for_app(screen)
    check_plain(screen, "forløb overview", (COMBINED, FORMULA))
    tabs = (("tab_follow_up", HOSTILE, "[class*='st-key-fu_']"), ("tab_workshops", (COMBINED,), "[class*='st-key-cw_']"),
            ("tab_group", (COMBINED,), None))
    for tab, shown, within in tabs:
        screen.get_by_role("tab", name=translate("da", f"course.{tab}"), exact=True).click()
        wait_for_app(screen)
        if tab == "tab_follow_up":
            screen.get_by_test_id("stExpander").filter(has_text=translate("da", "course.history", n=1)).first \
                .locator("summary").click()
        check_plain(screen, f"forløb {tab}", shown, within)

    # The phone at every step, and the interviewer's own page.
    phone_context = browser.new_context(**PHONE)
    phone_requests = Requests(phone_context, base)
    page = phone_context.new_page()
    phone_steps = {
        ACTIVITY_WELCOME: ((), None),
        ACTIVITY_TALK: ((), None),
        ACTIVITY_PROBLEMS: (HOSTILE, "shadow"),  # the phone's own problems, drawn by its form
        ACTIVITY_PROBLEM_MATRIX: ((), None),  # the cards to place: one at a time, below
        ACTIVITY_IDEAS: (HOSTILE, "shadow"),
        ACTIVITY_SOLUTION_MATRIX: ((), None),
        ACTIVITY_CONCRETISE: ((), None),
        ACTIVITY_IMPLEMENT: (HOSTILE, "shadow"),  # the actions as the phone reads them, drawn by its step
    }
    for activity, (shown, within) in phone_steps.items():
        set_activity(store, wid, activity)
        page.goto(f"{base}/?code={workshop.code}&p={phone.token}")
        wait_for_app(page)
        check_plain(page, f"phone, {activity}: the workshop", (COMBINED,))
        check_plain(page, f"phone, {activity}", shown, within)
        if activity in (ACTIVITY_PROBLEM_MATRIX, ACTIVITY_SOLUTION_MATRIX):
            for n, text in enumerate(HOSTILE):  # the deck shows one card at a time, in number order
                check_plain(page, f"phone, {activity}, card {n + 1}", (text,), "shadow")
                if n + 1 < len(HOSTILE):
                    page.get_by_role("button", name="Næste →").click()
    page.goto(f"{base}/interview?i={link.token}")
    wait_for_app(page)
    check_plain(page, "interviewer page", (COMBINED,))

    assert screen_requests.urls and phone_requests.urls  # the recorders saw the pages load
    assert screen_requests.foreign == []
    assert phone_requests.foreign == []
    screen_context.close()
    phone_context.close()


def test_every_page_loads_only_from_the_app_itself_favicon_and_icons_included(app_server, browser, store):
    workshop = create_workshop(store, name="Temadag", department="Hjemmeplejen", held_on=date.today(),
                               theme="Travlhed", language="da", owner=FACILITATOR[0])
    base = app_server.base
    context = browser.new_context(**PHONE)
    requests = Requests(context, base)
    page = context.new_page()
    page.goto(base + "/")
    wait_for_app(page)
    page.goto(f"{base}/?code={workshop.code}")
    wait_for_app(page)
    page.get_by_text("Temadag").first.wait_for()
    token = participation.join(store, workshop.code)[1].token
    for activity in (ACTIVITY_WELCOME, ACTIVITY_PROBLEMS, ACTIVITY_CONCRETISE):
        set_activity(store, workshop.id, activity)
        page.goto(f"{base}/?code={workshop.code}&p={token}")
        wait_for_app(page)
    # The tab icon is the app's own file, and the page's icons (Material Symbols) came from the app.
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    assert icons and all(urlsplit(href).netloc == urlsplit(base).netloc for href in icons), icons
    facilitator = browser.new_context(**DESKTOP)
    requests_desktop = Requests(facilitator, base)
    screen = facilitator.new_page()
    screen.goto(base + "/facilitator")
    wait_for_app(screen)
    log_in_facilitator(screen, base)
    for path in (f"/screen?w={workshop.code}", f"/interviews?w={workshop.code}", "/facilitators", "/workshops"):
        screen.goto(base + path)
        wait_for_app(screen)
    course = courses.create_course(store, name="Forløb", department="Hjemmeplejen", starts_on=date.today(),
                                   language="da", owner=FACILITATOR[0])
    screen.goto(f"{base}/course?c={course.id}")
    wait_for_app(screen)
    screen.get_by_role("tab").first.wait_for()
    fonts = [u for u in requests_desktop.urls + requests.urls if "font" in u.lower() or u.endswith(".woff2")]
    assert fonts, "the pages' fonts and icons were expected to load from the app"
    assert requests.foreign == []
    assert requests_desktop.foreign == []
    context.close()
    facilitator.close()
