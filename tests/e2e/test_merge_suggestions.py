"""Trin 1 at the speed of talk, in a real browser: three phones send the same problem in their own
words, the screen suggests them as duplicates, one click merges them; the screen and the phones
then show one item (issue 16)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import PATIENCE_MS, DESKTOP, PATIENCE_SECONDS, PHONE, wait_for_app, warm_up
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_problem_solver import send, switch_activity
from tests.e2e.test_walking_skeleton import login_and_create_workshop


def test_three_similar_problems_from_phones_are_suggested_and_merged_in_one_click(app_server, browser, tmp_path):
    warm_up(browser, app_server.base)
    facilitator = browser.new_context(**DESKTOP).new_page()
    code = login_and_create_workshop(facilitator, app_server.base, "Dubletter")
    phones = []
    for _ in range(3):
        phone = browser.new_context(**PHONE).new_page()
        phone.goto(f"{app_server.base}/?code={code}")
        wait_for_app(phone)
        phone.get_by_role("button", name="Deltag").click()
        phone.get_by_text("Velkommen!").wait_for(timeout=PATIENCE_MS)
        phones.append(phone)

    switch_activity(facilitator, "Trin 1: Problematikker", phones, "Trin 1: Tal om problematikker i arbejdsmiljøet")
    send(phones[0], "For mange afbrydelser")
    send(phones[1], "Mange afbrydelser i løbet af dagen")
    send(phones[2], "afbrydelser, afbrydelser!")
    send(phones[2], "For lidt sparring")

    # The list changed: the page reruns and the tools suggest the three as one group.
    suggestion = facilitator.locator(".st-key-suggest_problem")
    suggestion.wait_for(timeout=PATIENCE_SECONDS * 1000)
    expect(suggestion).to_contain_text("Ligner hinanden – samle dem?")
    for text in ("1. For mange afbrydelser", "2. Mange afbrydelser i løbet af dagen", "3. afbrydelser, afbrydelser!"):
        expect(suggestion).to_contain_text(text)
    expect(suggestion).not_to_contain_text("sparring")
    facilitator.screenshot(path=str(tmp_path / "trin1-suggestion-1440x900.png"))
    assert_accessible(facilitator, "da", "trin 1 with a duplicate suggestion")

    suggestion.get_by_role("button", name="Saml").click()  # the one click
    wait_for_app(facilitator)
    cards = facilitator.get_by_test_id("item-list-problem").locator(".fea-item")
    expect(cards).to_have_count(2, timeout=PATIENCE_SECONDS * 1000)
    expect(cards.first).to_contain_text("1. For mange afbrydelser")
    expect(cards.first).to_contain_text("Samlet med nr. 2, 3")
    expect(facilitator.get_by_text("Samlet i nr. 1: nr. 2, 3.")).to_be_visible()
    expect(facilitator.locator(".st-key-suggest_problem")).to_have_count(0)

    # The phones place what the screen lists: two items, the merged one under its own number.
    switch_activity(facilitator, "Trin 2: Vælg et problem", phones, "0 af 2 placeret")
    for phone in phones:
        card = phone.get_by_test_id("deck-card")
        card.wait_for(timeout=PATIENCE_MS)
        expect(card).to_contain_text("For mange afbrydelser")
        expect(phone.get_by_text("Mange afbrydelser i løbet af dagen")).to_have_count(0)
