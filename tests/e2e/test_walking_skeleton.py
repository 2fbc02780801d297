"""The walking skeleton in a real browser: a facilitator creates a workshop, three phones
join with the join URL and rate, the shared screen follows without a reload."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.e2e.conftest import PATIENCE_MS, ARTIFACTS, DESKTOP, FACILITATOR, PATIENCE_SECONDS, PHONE, SCREENSHOTS, log_in_facilitator, open_room_controls, wait_for_app, warm_up

FACTORS = ["innovation", "aabenhed", "teknikker_og_viden", "motivation", "systematik", "tid_og_ressourcer"]
# Three phones' answers; None is "Ved ikke". Innovation splits the room (1, 5, 3).
ANSWERS = [
    {"innovation": 1, "aabenhed": 4, "teknikker_og_viden": 3, "motivation": 4, "systematik": 2, "tid_og_ressourcer": 2},
    {"innovation": 5, "aabenhed": 4, "teknikker_og_viden": 3, "motivation": 5, "systematik": 2, "tid_og_ressourcer": None},
    {"innovation": 3, "aabenhed": 5, "teknikker_og_viden": 4, "motivation": 4, "systematik": 3, "tid_og_ressourcer": 1},
]
LIVE_SECONDS = 2.0  # the promise: the other screen follows within 2 s


def login_and_create_workshop(page, base: str, name: str) -> str:
    log_in_facilitator(page, base)
    page.get_by_label("Navn på workshoppen").fill(name)
    page.get_by_label("Arbejdsplads / afdeling").fill("Akutmodtagelsen, Regionshospitalet")
    page.get_by_role("button", name="Opret workshop").click()
    page.locator(".fea-code").wait_for(timeout=PATIENCE_MS)
    wait_for_app(page)
    return page.locator(".fea-code").inner_text().strip()


def rate(phone, answers: dict) -> None:
    """Choose each factor's value on the phone's rating form, send, and wait for the reply."""
    for factor, value in answers.items():
        label = "Ved ikke" if value is None else str(value)
        phone.get_by_test_id(f"rate-{factor}").get_by_role("radio", name=label, exact=True).click()
    # The form posts the answer and draws the reply itself (no script run): wait for both.
    with phone.expect_response(lambda r: "/api/answer/" in r.url and r.request.method == "POST", timeout=PATIENCE_MS):
        phone.get_by_test_id("rate-send").click()
    phone.get_by_role("status").filter(has_text="Tak! Dine svar er gemt.").wait_for(timeout=PATIENCE_MS)


def selected_values(phone) -> dict:
    """Read which option of each factor's scale is shown as chosen."""
    chosen = {}
    for factor in FACTORS:
        active = phone.get_by_test_id(f"rate-{factor}").locator("[role='radio'][aria-checked='true']")
        chosen[factor] = active.inner_text().strip() if active.count() == 1 else None
    return chosen


def test_phones_join_rate_and_the_shared_screen_follows_live(app_server, browser):
    warm_up(browser, app_server.base)
    ARTIFACTS.mkdir(exist_ok=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    facilitator = browser.new_context(**DESKTOP).new_page()
    code = login_and_create_workshop(facilitator, app_server.base, "Temadag om psykisk arbejdsmiljø")
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    join_url = facilitator.get_by_text(re.compile(r"/\?code=")).first.inner_text().strip()
    assert join_url.endswith(f"/?code={code}")
    facilitator.screenshot(path=str(SCREENSHOTS / "shared-screen-join.png"))

    phones = []
    for _ in range(3):
        phone = browser.new_context(**PHONE).new_page()
        phone.goto(join_url.replace("localhost", "127.0.0.1"))
        wait_for_app(phone)
        phone.get_by_role("button", name="Deltag").click()
        phone.get_by_text("Velkommen!").wait_for(timeout=PATIENCE_MS)
        phones.append(phone)
    assert "p=" in phones[0].url, "the participant token must be in the URL so a reload keeps the identity"

    # The count of joined phones on the shared screen follows without a reload.
    facilitator.locator("[data-testid='stMetricValue']", has_text="3").wait_for(timeout=PATIENCE_SECONDS * 1000)

    # The facilitator starts the competence round; every phone switches by itself.
    open_room_controls(facilitator)  # one facilitator, one screen: the room view's compact controls
    facilitator.locator(".st-key-room_controls").get_by_text("Arbejdsmiljøkompetencemodellen").click()
    started = time.monotonic()
    for phone in phones:  # a condition, not a stopwatch: bench/load.py measures how fast
        phone.get_by_role("button", name="Send mine svar").wait_for(timeout=PATIENCE_SECONDS * 1000)
    print(f"phones followed the step change in {time.monotonic() - started:.2f} s")  # shown with -s

    phones[0].locator(".st-key-role").get_by_role("radio", name="Leder").click()
    wait_for_app(phones[0])
    for phone, answers in zip(phones, ANSWERS):
        wait_for_app(phone)
        rate(phone, answers)

    # The shared screen counts the answers without a reload, results still hidden.
    facilitator.get_by_text("3 af 3 har svaret").wait_for(timeout=PATIENCE_SECONDS * 1000)
    assert facilitator.locator("[data-testid='stVegaLiteChart']").count() == 0
    open_room_controls(facilitator)  # one facilitator, one screen: the room view's compact controls
    facilitator.get_by_role("button", name="Vis resultater").click()
    facilitator.locator("[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas").first.wait_for(
        timeout=PATIENCE_MS
    )
    wait_for_app(facilitator)
    facilitator.get_by_text(re.compile("Størst uenighed")).wait_for(timeout=PATIENCE_MS)
    assert "Innovation" in facilitator.get_by_text(re.compile("Størst uenighed")).inner_text()
    facilitator.screenshot(path=str(SCREENSHOTS / "shared-screen-radar.png"))

    # A fourth answer changes the screen's count within 2 s, with nobody reloading.
    phones[1].get_by_test_id("rate-tid_og_ressourcer").get_by_role("radio", name="2", exact=True).click()
    phones[1].get_by_role("button", name="Opdatér mine svar").click()
    phones[1].get_by_text("Tak! Dine svar er gemt.").first.wait_for(timeout=PATIENCE_MS)

    # Reloading a phone keeps the participant and shows its saved answers.
    phones[0].reload()
    wait_for_app(phones[0])
    phones[0].get_by_text("Dine svar er gemt.", exact=False).first.wait_for(timeout=PATIENCE_MS)
    expected = {k: ("Ved ikke" if v is None else str(v)) for k, v in ANSWERS[0].items()}
    assert selected_values(phones[0]) == expected

    # Closing the round reaches the phones; their saved answers stay.
    open_room_controls(facilitator)
    facilitator.get_by_role("button", name="Luk runden").click()
    phones[2].get_by_text("Runden er lukket. Dine gemte svar er bevaret.").wait_for(timeout=PATIENCE_SECONDS * 1000)
    expect(phones[2].get_by_text("Innovation: 3")).to_have_count(1)  # a condition: the saved answers are listed
    phones[2].screenshot(path=str(ARTIFACTS / "phone-closed.png"), full_page=True)


def test_the_demo_workshop_shows_leaders_and_employees_as_two_profiles(app_server, browser):
    import subprocess
    import sys

    from tests.e2e.conftest import REPO

    subprocess.run(
        [sys.executable, "-m", "fea_core.demo", "--owner", FACILITATOR[0]], cwd=REPO, env=app_server.env, check=True
    )
    warm_up(browser, app_server.base)
    page = browser.new_context(**DESKTOP).new_page()
    log_in_facilitator(page, app_server.base, then="(demo)")
    page.locator("[class*='st-key-ws_']", has_text="(demo)").get_by_text("Åbn storskærm").click()
    page.get_by_text("25 af 25 har svaret").wait_for(timeout=PATIENCE_MS)
    page.get_by_role("radio", name="Opdelt på grupper").click()
    wait_for_app(page)
    chart = page.locator("[data-testid='stVegaLiteChart']")
    chart.get_by_text("Leder", exact=True).wait_for(timeout=PATIENCE_MS)
    assert chart.get_by_text("Medarbejder", exact=True).count() == 1
    assert chart.get_by_text("AMR", exact=True).count() == 0, "2 AMR answers must not form a profile"
    page.get_by_text("grupper med under 3 svar ikke: AMR").wait_for(timeout=PATIENCE_MS)
    page.screenshot(path=str(SCREENSHOTS / "shared-screen-groups.png"))


def test_a_phone_that_opens_the_join_link_again_is_the_same_participant(app_server, browser):
    warm_up(browser, app_server.base)
    facilitator = browser.new_context(**DESKTOP).new_page()
    code = login_and_create_workshop(facilitator, app_server.base, "Anden tab")
    context = browser.new_context(**PHONE)
    first = context.new_page()
    first.goto(f"{app_server.base}/?code={code}")
    wait_for_app(first)
    first.get_by_role("button", name="Deltag").click()
    first.get_by_text("Velkommen!").wait_for(timeout=PATIENCE_MS)
    token = first.url.split("p=")[1].split("&")[0]

    # A second tab on the same phone, opened from the plain join link (no token in it).
    second = context.new_page()
    second.goto(f"{app_server.base}/?code={code}")
    second.get_by_text("Velkommen!").wait_for(timeout=PATIENCE_MS)
    assert f"p={token}" in second.url
    facilitator.locator("[data-testid='stMetricValue']", has_text="1").wait_for(timeout=PATIENCE_MS)
    assert facilitator.locator("[data-testid='stMetricValue']").first.inner_text().strip() == "1"
