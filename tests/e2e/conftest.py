"""Real-browser tests: `streamlit run app.py` (the README's command) on a free port against a temporary database,
driven by Playwright in Debian's Chromium (`playwright install` cannot download browsers here)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FEA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FACILITATOR = ("anna", "Anna Facilitator", "hemmeligt-kodeord-42")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
ARTIFACTS = REPO / "test-artifacts"
# How long a condition may take before it counts as never: generous, since a loaded machine is slow.
# Timing goals are benchmarks (bench/), not pass/fail limits here.
PATIENCE_SECONDS = 60.0
PATIENCE_MS = int(PATIENCE_SECONDS * 1000)
# Tests never rewrite the README's tracked screenshots: they land in test-artifacts/ unless
# `./run screenshots` names docs/screenshots/ (FEA_SCREENSHOTS) to refresh them on purpose.
SCREENSHOTS = Path(os.environ.get("FEA_SCREENSHOTS") or ARTIFACTS / "screenshots")
SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


class AppServer:
    """A running app: its base URL and the data folder of its database."""

    def __init__(self, base: str, data_dir: Path, env: dict):
        self.base = base
        self.data_dir = data_dir
        self.env = env


def start_server(
    data_dir: Path, port: int, extra_env: dict | None = None, entry: str = "app.py"
) -> tuple[subprocess.Popen, AppServer]:
    env = dict(os.environ)
    env.pop("FEA_DATABASE_URL", None)  # the temporary SQLite file, unless a test names a database
    env.update({"FEA_DATA_DIR": str(data_dir), **(extra_env or {})})
    log = open(data_dir / f"streamlit-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", entry, "--server.port", str(port), "--server.headless", "true"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_health(base, process)
    return process, AppServer(base, data_dir, env)


def create_facilitator_account(data_dir: Path) -> None:
    """Create the test facilitator in a server's data folder, as the README's command does."""
    env = {**os.environ, "FEA_DATA_DIR": str(data_dir), "FEA_NEW_PASSWORD": FACILITATOR[2]}
    env.pop("FEA_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "fea_core.accounts", "create", FACILITATOR[0], "--name", FACILITATOR[1]],
        cwd=REPO,
        env=env,
        check=True,
    )


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("app")
    create_facilitator_account(data_dir)
    process, server = start_server(data_dir, free_port())
    yield server
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(autouse=True)
def _close_the_tests_contexts(request):
    """Close the browser contexts a test opened and left open, when it ends.

    The browser lives for a whole module: a page left open goes on holding polls and Streamlit
    sessions on the server while the next tests run, and a module's later tests then pay for it.
    """
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    before = list(browser.contexts)
    yield
    for context in browser.contexts:
        if not any(context is kept for kept in before):
            try:
                context.close()
            except Exception:  # closed by the test already, or the browser is gone
                pass


def _patient(new_context):
    """Wrap Browser.new_context: every page action and wait of the context waits PATIENCE_MS."""

    def opened(**options):
        context = new_context(**options)
        context.set_default_timeout(PATIENCE_MS)
        return context

    return opened


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=PATIENCE_MS)  # expect(...) assertions wait as long as any other condition
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        b.new_context = _patient(b.new_context)
        yield b
        b.close()


def wait_for_app(page, timeout: float = PATIENCE_SECONDS * 1000) -> None:
    """Wait until the Streamlit script run this page triggered has finished."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )
    page.wait_for_timeout(300)
    # Streamlit may greet the first session on a non-default page with a spurious
    # "Page not found" dialog (streamlit/streamlit#9992) that blocks every input behind it.
    notice = page.get_by_role("dialog").filter(has_text="Page not found")
    if notice.count():
        page.keyboard.press("Escape")
        notice.wait_for(state="hidden", timeout=timeout)


def settled(page) -> None:
    """Wait for the script run and for every components-v2 element to have drawn itself."""
    wait_for_app(page)
    page.wait_for_timeout(500)
    # And for Streamlit's fade-ins to end: axe measured a caption mid-fade (3.88:1) when an
    # English page's <html lang="en"> let it start at once.
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running'"
        " || a.effect.getComputedTiming().iterations === Infinity)", timeout=PATIENCE_MS)
    # And for no element to be marked stale (faded) by a script run still under way.
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=PATIENCE_MS)


def warm_up(browser, base: str) -> None:
    """Load the app once: Streamlit's first session after start may show a spurious
    'Page not found' for a non-default page (streamlit/streamlit#9992)."""
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(base + "/")
    wait_for_app(page)
    context.close()


def log_in_facilitator(page, base: str, password: str = FACILITATOR[2], *, then: str | None = "Ny workshop") -> None:
    """Log in at /facilitator as the test facilitator; wait for ``then`` (the workshop list) to show."""
    page.goto(base + "/facilitator")
    wait_for_app(page)
    page.get_by_label("Brugernavn").fill(FACILITATOR[0])
    page.get_by_label("Adgangskode").fill(password)
    button = page.get_by_role("button", name="Log ind")
    button.click()
    if then:
        shown = page.get_by_text(then).first
        # Seen once on a loaded machine: the click landed while the cookie component's first
        # rerun redrew the form, and the form came back filled, with no message. A person
        # clicks again; so does this, only while the form is still there, with no run under way.
        for _ in range(2):
            try:
                shown.wait_for(timeout=20_000)
                break
            except Exception:
                wait_for_app(page)
                if shown.is_visible() or not button.is_visible() or page.get_by_role("alert").count():
                    break
                button.click()
        shown.wait_for(timeout=PATIENCE_MS)
    wait_for_app(page)


LOCKED_DA = r"For mange forkerte forsøg\. Prøv igen om \d+ sekunder\."


def fail_login_until_locked(page, username: str, max_attempts: int = 20) -> int:
    """Submit wrong passwords at /facilitator until the lock message shows; return the attempts.

    A login run takes over a second on a loaded machine (bcrypt), longer than wait_for_app
    notices: a click during the previous run is lost, so count until the lock, not to five.
    """
    import re

    locked = page.get_by_text(re.compile(LOCKED_DA))
    for attempt in range(1, max_attempts + 1):
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill("forkert-kodeord")
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_timeout(1_500)
        wait_for_app(page)
        if locked.count():
            return attempt
    raise AssertionError(f"no lock after {max_attempts} wrong passwords")


def open_room_controls(page) -> None:
    """Unfold the room view's compact controls (pages/screen.py), where one facilitator steers."""
    wait_for_app(page)
    panel = page.locator(".st-key-room_controls details").first
    if panel.get_attribute("open") is None:
        page.locator(".st-key-room_controls summary").first.click()
    page.locator(".st-key-room_controls [data-testid='stExpanderDetails']").first.wait_for(timeout=PATIENCE_SECONDS * 1000)


def open_room_tool(page, label: str) -> None:
    """Unfold the room controls and, inside them, the tools folded under ``label`` ("Redigér problemerne").

    The controls are checked first every time: once in CI (session 11's run) they were folded
    when the test reached for a tool, for a reason not found since; a person would open them again.
    """
    open_room_controls(page)
    tool = page.locator(".st-key-room_controls details").filter(has=page.get_by_text(label, exact=True)).last
    if tool.get_attribute("open") is None:
        tool.locator("summary").first.click()
    tool.locator("[data-testid='stExpanderDetails']").first.wait_for(timeout=PATIENCE_SECONDS * 1000)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test: keep a picture of every open page and show the server log's tail.

    CI prints only the test output; without the server's side a failure on a loaded machine is
    a guess. The pictures land in test-artifacts/failures/ (untracked).
    """
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    server = item.funcargs.get("app_server")
    if server is not None:
        logs = sorted(Path(server.data_dir).glob("streamlit-*.log"))
        for log in logs:
            lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
            report.sections.append((f"server log {log.name} (last 60 lines)", "\n".join(lines[-60:])))
    browser = item.funcargs.get("browser")
    if browser is not None:
        folder = ARTIFACTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        shown = []
        for c, context in enumerate(browser.contexts):
            for p, page in enumerate(context.pages):
                path = folder / f"{item.name[:80]}-{c}-{p}.png"
                try:
                    page.screenshot(path=str(path), full_page=True, timeout=10_000)
                    shown.append(f"{page.url} -> {path.relative_to(REPO)}")
                except Exception as error:  # a closed or hung page: say so, keep the report
                    shown.append(f"{page.url}: no picture ({error.__class__.__name__})")
        report.sections.append(("open pages", "\n".join(shown) or "none"))
