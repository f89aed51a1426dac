"""Browser test of the A/B test console (design section 10, "Browser"): create a test through the creation page
(two cards, shares, a segment, manual mode, a one-hour window so nothing decides by itself), start it, watch the
monitoring page's numbers change without a reload (Server-Sent Events), declare B by hand and see the decision.

Uses test_campaigns.py's setup: a `herald simulator` for the WhatsApp account, synced demo templates (spring_sale
and back_in_stock are both marketing templates with a link button) and a few opted-in contacts.
"""

import re
import secrets

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_campaigns import Console, simulator, text_of, wait, wait_for_path, path_of, whatsapp  # noqa: F401 (fixtures)


def card(driver, index):
    return driver.find_elements(By.CSS_SELECTOR, "#variation-cards .variation-card")[index]


def fill_card(driver, index, template, discount):
    c = card(driver, index)
    select = Select(c.find_element(By.CSS_SELECTOR, "select.v-template"))
    match = next((o.text for o in select.options if o.text.startswith(template + " ")), None)
    assert match, f"template {template} is not offered; options: {[o.text for o in select.options]}"
    select.select_by_visible_text(match)
    try:
        wait(driver, 10).until(lambda d: len(card(d, index).find_elements(By.CSS_SELECTOR, ".var-row")) == 2)
    except TimeoutException:
        raise AssertionError(f"{template} has two body variables; card {index} shows "
                             f"{len(card(driver, index).find_elements(By.CSS_SELECTOR, '.var-row'))} rows") from None
    c = card(driver, index)
    first, second = c.find_elements(By.CSS_SELECTOR, ".var-row")
    Select(first.find_element(By.CSS_SELECTOR, "select.var-source")).select_by_value("first_name")
    first.find_element(By.CSS_SELECTOR, "input.var-fallback").send_keys("there")
    Select(second.find_element(By.CSS_SELECTOR, "select.var-source")).select_by_value("text")
    second.find_element(By.CSS_SELECTOR, "input.var-text").send_keys(discount)
    cta = c.find_element(By.CSS_SELECTOR, "input.v-cta")
    assert cta.is_displayed(), f"{template} has a link button, so its card asks for the URL"
    cta.send_keys(f"https://shop.example/ab-{index}")


def sent_cells(driver):
    return [int(n.text.replace(",", "")) for n in driver.find_elements(By.CSS_SELECTOR, '#results-table [data-cell="sent"]')]


def test_create_start_watch_live_and_declare_by_hand(logged_in, base_url, credentials, whatsapp):  # noqa: F811
    driver = logged_in
    api = Console(base_url, *credentials)
    status, segment = api.call("POST", "/api/segments", {
        "name": f"AB browser {secrets.token_hex(3)}", "kind": "static", "rules": {"combinator": "and", "children": []}})
    assert status in (200, 201), segment

    driver.find_element(By.CSS_SELECTOR, 'nav#main-nav a[href="/ab-tests"]').click()
    wait_for_path(driver, "/ab-tests")
    driver.find_element(By.CSS_SELECTOR, "a#new-ab-test").click()
    wait_for_path(driver, "/ab-tests/new")
    wait(driver, 10).until(lambda d: d.find_element(By.ID, "ab-test-form").get_attribute("data-ready") == "1")

    name = f"Wording browser {secrets.token_hex(3)}"
    driver.find_element(By.ID, "t-name").send_keys(name)
    driver.find_element(By.ID, "t-audience-segment").click()
    Select(driver.find_element(By.ID, "t-segment")).select_by_value(segment["id"].lower())
    percentage = driver.find_element(By.ID, "t-percentage")
    percentage.clear()
    percentage.send_keys("100")
    driver.find_element(By.ID, "t-manual").click()
    assert len(driver.find_elements(By.CSS_SELECTOR, "#variation-cards .variation-card")) == 2, "a test starts with two cards"
    shares = [e.get_attribute("value") for e in driver.find_elements(By.CSS_SELECTOR, ".v-share")]
    assert shares == ["50", "50"], shares

    # A third card splits 34/33/33; removing it goes back to 50/50.
    driver.find_element(By.ID, "add-variation").click()
    shares = [e.get_attribute("value") for e in driver.find_elements(By.CSS_SELECTOR, ".v-share")]
    assert shares == ["34", "33", "33"], shares
    card(driver, 2).find_element(By.CSS_SELECTOR, ".remove-variation").click()
    shares = [e.get_attribute("value") for e in driver.find_elements(By.CSS_SELECTOR, ".v-share")]
    assert shares == ["50", "50"], shares

    fill_card(driver, 0, "spring_sale", "20%")
    fill_card(driver, 1, "back_in_stock", "the linen shirt")
    try:
        wait(driver, 10).until(lambda d: "Hi " in text_of(d, "#variation-cards .variation-card .v-preview"))
    except TimeoutException:
        raise AssertionError("card A shows no preview of spring_sale") from None

    # Shares that do not add up: the server's 422 is shown beside the variations.
    first_share = card(driver, 0).find_element(By.CSS_SELECTOR, ".v-share")
    first_share.clear()
    first_share.send_keys("40")
    assert "add up to 90%" in text_of(driver, "#share-total")
    driver.find_element(By.ID, "create-ab-test").click()
    try:
        wait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-field="variations"] > .field-error.from-server'))
    except TimeoutException:
        errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field-error, #form-error")]
        raise AssertionError(f"the refusal is not shown beside the variations; errors: {errors}") from None
    assert "add up to 90" in text_of(driver, '[data-field="variations"] > .field-error.from-server')
    first_share.clear()
    first_share.send_keys("50")

    driver.find_element(By.ID, "create-ab-test").click()
    try:
        wait(driver, 15).until(lambda d: re.fullmatch(r"/ab-tests/[0-9a-f-]{36}", path_of(d)))
    except TimeoutException:
        errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field-error, #form-error")]
        raise AssertionError(f"saving did not open the test's page; at {driver.current_url}, errors {errors}") from None
    assert name in text_of(driver, "h1")
    assert text_of(driver, "#ab-status") == "Draft: not started"
    test_id = path_of(driver).rsplit("/", 1)[1]
    status, test = api.call("GET", f"/api/ab-tests/{test_id}")
    assert status == 200 and [v["share"] for v in test["variations"]] == [50, 50], test
    assert test["auto_send_winner"] is False and test["test_percentage"] == 100 and test["outcome_window_seconds"] == 3600, test

    # Start: the page asks first (accepted here), then shows the running test.
    driver.execute_script("window.confirm = function () { return true; };")
    driver.find_element(By.ID, "start-test").click()
    try:
        wait(driver, 20).until(lambda d: text_of(d, "#ab-status") == "Running")
    except TimeoutException:
        error = text_of(driver, "#action-error") if driver.find_elements(By.ID, "action-error") else ""
        raise AssertionError(f"the test did not start; status {text_of(driver, '#ab-status')!r}, error {error!r}") from None

    # Live numbers without a reload: a marker on window survives while a sent cell changes.
    before = sent_cells(driver)
    driver.execute_script("window.stayed = 1;")
    try:
        wait(driver, 45).until(lambda d: sent_cells(d) != before)
    except TimeoutException:
        raise AssertionError(f"no sent cell changed within 45 s (still {before}); the live stream did not update the table") from None
    assert driver.execute_script("return window.stayed;") == 1, "the page reloaded instead of updating in place"

    # Declare B by hand.
    driver.find_element(By.ID, "declare-open").click()
    assert driver.find_element(By.ID, "declare-panel").is_displayed()
    driver.find_element(By.ID, "let-complete").click()
    assert not driver.find_element(By.ID, "declare-panel").is_displayed(), "Let test complete closes the panel"
    driver.find_element(By.ID, "declare-open").click()
    Select(driver.find_element(By.ID, "winner-variation")).select_by_visible_text("B")
    driver.find_element(By.ID, "winner-reason").send_keys("B's wording fits the season")
    driver.find_element(By.ID, "declare-winner").click()
    try:
        wait(driver, 20).until(lambda d: d.find_elements(By.ID, "decision"))
    except TimeoutException:
        error = text_of(driver, "#action-error") if driver.find_elements(By.ID, "action-error") else ""
        raise AssertionError(f"no decision shown after declaring B; error {error!r}") from None
    decision = text_of(driver, "#decision")
    assert "Winner: B" in decision and "by hand" in decision and "B's wording fits the season" in decision, decision
    status, test = api.call("GET", f"/api/ab-tests/{test_id}")
    assert status == 200 and test["winner_variation_id"] == test["variations"][1]["id"], test

    driver.get(base_url + "/ab-tests")
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table#ab-tests-table tbody tr")]
    assert any(name in r and "Winner: B" in r for r in rows), rows
