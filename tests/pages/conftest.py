"""Fixtures for the AppTest page tests: a fresh database per test and a session builder.

Every test gets its own SQLite file (FEA_DATABASE_URL points at it), a store opened on it,
and ``app(...)``, which builds an AppTest of the real entry point with an optional
logged-in facilitator and query parameters.

Two AppTest habits (Streamlit 1.67) that the tests rely on:
- ``at.switch_page(page)`` is sticky: every later ``run()`` asks for that page again, as a
  reload of its URL would. After a page sends the session on with ``st.switch_page``, call
  ``at.switch_page`` with the destination before clicking there, or the click is lost.
- The folder is called ``pages/``, so AppTest (which resets ``PagesManager.uses_pages_directory``
  every run) runs a page whose file name equals its url_path (screen, workshops) directly,
  without navigation.py. By Streamlit's code a freshly started server does the same with its very
  first request until some run has called st.navigation: one more reason why the
  facilitator pages check the role themselves.
"""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from datetime import UTC, date, datetime
from pathlib import Path

import bcrypt
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # a bare `pytest` from anywhere must import fea_core and ui
    sys.path.insert(0, str(REPO))

from fea_core import accounts, participation, workshops  # noqa: E402
from fea_core.storage import open_store  # noqa: E402

APP = REPO / "navigation.py"  # what each session runs; app.py serves it (ui/server/entry.py)
FACILITATOR = "anna"
FACILITATOR_NAME = "Anna Andersen"
PASSWORD = "korrekt-hest-batteri"
FACTOR_LABELS_DA = ("Innovation", "Åbenhed", "Teknikker og viden", "Motivation", "Systematik", "Tid og ressourcer")

class _HtmlText(HTMLParser):
    """Collect the text of an st.html element as a browser shows it (not its stylesheets)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _readable_html(value: str) -> str:
    parser = _HtmlText()
    parser.feed(value)
    return "".join(parser.parts).strip()


# Elements whose value is text the user reads.
_TEXT_TYPES = (
    "title", "header", "subheader", "markdown", "caption", "text", "code",
    "info", "warning", "error", "success", "exception", "toast",
)


def _phone_texts(state: dict) -> list[str]:
    """Return the texts ui/web/phone_step.js draws around its forms, in its order."""
    view, texts = state["view"], []
    texts += [view.get("title"), view.get("lead")]
    for chosen in (state["chosen_problem"], state["chosen_solution"]):
        if chosen:
            texts += [chosen.get("missing"), chosen.get("label"), chosen.get("text"), chosen.get("description")]
    texts += [n["text"] for n in view.get("notices", [])]
    texts += [view.get("caption"), *view.get("lines", [])]
    if view.get("answers"):
        texts.append(view.get("answers_title"))
        texts += [part for a in view["answers"] for part in (a["question"], a["answer"])]
    texts += [part for a in view.get("actions", []) for part in (f"{a['position']}. {a['what']}", a["meta"])]
    return [t for t in texts if t]


@pytest.fixture(autouse=True)
def served_routes():
    """AppTest runs navigation.py in this process, with no server: say the routes are served, as
    app.py's App does when it starts (tests/test_entry.py checks what happens when they are not)."""
    from ui.server import entry

    entry.mark_serving(True)
    yield
    entry.mark_serving(False)


@pytest.fixture(autouse=True)
def readable_errors():
    """Show the app's exceptions in full: .streamlit/config.toml redacts them for production."""
    with patch_config_options({"client.showErrorDetails": "full"}):
        yield


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    """Point the app at a fresh SQLite file and forget every cache from earlier tests."""
    url = f"sqlite:///{tmp_path}/t.sqlite3"
    monkeypatch.setenv("FEA_DATABASE_URL", url)
    monkeypatch.delenv("FEA_PUBLIC_URL", raising=False)
    # Caches are process-wide; summaries are keyed by (workshop id, revision), which repeat
    # from one fresh database to the next.
    st.cache_data.clear()
    st.cache_resource.clear()
    # Cheap hashes keep the suite fast; the login still checks a real bcrypt hash.
    real_gensalt = bcrypt.gensalt
    monkeypatch.setattr(bcrypt, "gensalt", lambda rounds=4, prefix=b"2b": real_gensalt(4, prefix))
    return url


@pytest.fixture
def store(db_url):
    """Return the store the app will use (the same object: open_store keeps one per URL)."""
    store = open_store(db_url)
    yield store
    store.engine.dispose()  # a long run must not hold one open file per test


@pytest.fixture
def facilitator(store) -> str:
    """Create the facilitator account and return its username."""
    accounts.create_facilitator(store, FACILITATOR, FACILITATOR_NAME, PASSWORD)
    return FACILITATOR


@pytest.fixture
def make_workshop(store, facilitator):
    """Return a function that creates a workshop (owned by the facilitator unless told)."""

    def make(name: str = "Temadag i Lager Nord", *, owner: str = facilitator, language: str = "da", **extra):
        values = {"department": "Lager Nord", "held_on": date(2025, 3, 14), "theme": "Social kapital"}
        values.update(extra)
        return workshops.create_workshop(store, name=name, language=language, owner=owner, **values)

    return make


@pytest.fixture
def join(store):
    """Return a function that joins a workshop as a new phone and returns the participant."""

    def do_join(workshop):
        return participation.join(store, workshop.code)[1]

    return do_join


@pytest.fixture
def app(db_url):
    """Return a builder of AppTests of navigation.py (each session's script in the real app).

    :param user: log this facilitator in (the session state streamlit-authenticator leaves).
    :param query: query parameters of the URL the session opens.
    """

    def build(*, user: str | None = None, query: dict[str, str] | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30)
        if user:
            # What a real login leaves in the session: Authenticate() (built on the login page,
            # which every real session passes through first) adds these keys, login() sets them.
            # Without "logout" the first run of a facilitator page raises, because its logout
            # button's key collides with that key (see test_logging_out_ends_the_facilitator_session).
            at.session_state["authentication_status"] = True
            at.session_state["username"] = user
            at.session_state["name"] = FACILITATOR_NAME
            at.session_state["email"] = None
            at.session_state["roles"] = None
            at.session_state["logout"] = None
            # The moment the login began: every run asks fea_core.logins whether it still counts.
            at.session_state["fea_login_began_at"] = datetime.now(UTC)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        return at

    return build


class StepList:
    """The list of steps (ui/control_panel.py): one button per step, the current one primary."""

    PREFIX = "step_to_"

    def __init__(self, buttons) -> None:
        self.buttons = {b.key[len(self.PREFIX):].split("_from_")[0]: b for b in buttons}
        current = [key for key, b in self.buttons.items() if b.proto.type == "primary"]
        assert len(current) == 1, f"expected one current step, got {current}"
        self.value = current[0]
        self.options = [b.label for b in buttons]

    def choose(self, activity: str) -> AppTest:
        """Click the step's button; return the AppTest after the click's run."""
        return self.buttons[activity].click().run()


class View:
    """Reading what a run rendered; handed to tests as the ``view`` fixture.

    (A fixture rather than ``from conftest import``: another conftest.py elsewhere in the
    tree would make that import ambiguous.)
    """

    PASSWORD = PASSWORD
    FACTOR_LABELS_DA = FACTOR_LABELS_DA

    @staticmethod
    def text(at: AppTest) -> str:
        """Return every readable text the last run rendered (main area and sidebar), one per line."""
        texts = []
        for element in list(at.main) + list(at.sidebar):
            if element.type == "exception":
                texts.append(element.message)
            elif element.type in _TEXT_TYPES and isinstance(getattr(element, "value", None), str):
                texts.append(element.value)
            elif element.type == "html":
                texts.append(_readable_html(element.value))
        phone = View.phone(at)
        if phone is not None:
            texts += _phone_texts(phone)
        return "\n".join(texts)

    @staticmethod
    def key_table(at: AppTest, test_id: str) -> list[list[str]] | None:
        """Return the room view's key table (ui/key_table.py) with this test id as rows of cell
        texts, the header row first; None if the run drew none."""
        from html.parser import HTMLParser

        class Cells(HTMLParser):
            def __init__(self):
                super().__init__()
                self.rows, self.cell = [], None

            def handle_starttag(self, tag, attrs):
                if tag == "tr":
                    self.rows.append([])
                elif tag in ("td", "th"):
                    self.cell = ""

            def handle_endtag(self, tag):
                if tag in ("td", "th") and self.cell is not None:
                    self.rows[-1].append(self.cell)
                    self.cell = None

            def handle_data(self, data):
                if self.cell is not None:
                    self.cell += data

        found = [h.value for h in at.get("html") if f"data-testid='{test_id}'" in h.value]
        assert len(found) <= 1, f"expected at most one key table {test_id!r}"
        if not found:
            return None
        parser = Cells()
        parser.feed(found[0])
        return parser.rows

    @classmethod
    def key_frame(cls, at: AppTest, test_id: str):
        """Return the room view's key table with this test id as a DataFrame of its cell texts."""
        import pandas as pd

        rows = cls.key_table(at, test_id)
        assert rows is not None, f"no key table {test_id!r} drawn"
        return pd.DataFrame(rows[1:], columns=rows[0])

    @staticmethod
    def steps(at: AppTest) -> "StepList | None":
        """Return the control view's (or the room's compact controls') list of steps, if drawn."""
        found = [b for b in at.button if (b.key or "").startswith(StepList.PREFIX)]
        return StepList(found) if found else None

    @staticmethod
    def button(at: AppTest, label: str):
        """Return the one button (main or sidebar, forms included) with this label."""
        found = [b for b in at.button if b.label == label]
        assert len(found) == 1, f"expected one button {label!r}, got {[b.label for b in at.button]}"
        return found[0]

    @staticmethod
    def phone(at: AppTest) -> dict | None:
        """Return the phone state the last run handed the phone's step component (None if not drawn).

        The phone's step (ui/answer_forms.py) is one browser component: AppTest sees it only as a
        "bidi_component" element, whose ``json`` is what the page hands the browser.
        """
        found = [c for c in at.get("bidi_component") if c.proto.component_name == "fea_phone_step"]
        assert len(found) <= 1, f"expected at most one phone step, got {len(found)}"
        return json.loads(found[0].proto.json)["state"] if found else None

    @staticmethod
    def form(at: AppTest, kind: str) -> dict | None:
        """Return the data of the phone's answer form of this kind ("rating", "items", "placement",
        "proposals"), or None when the phone shows no such form."""
        state = View.phone(at)
        if state is None or state["view"]["kind"] != kind:
            return None
        return state["view"].get("deck" if kind == "placement" else "form")

    @staticmethod
    def ok(at: AppTest) -> AppTest:
        """Fail with the app's own message if the last run raised; return the AppTest."""
        assert not at.exception, "\n".join(e.message + "\n" + "\n".join(e.stack_trace) for e in at.exception)
        return at


@pytest.fixture
def view() -> type[View]:
    """Return the helpers that read a run's output."""
    return View
