"""Browser tests of the segment builder: "total spend > $500 in the last 60 days AND read a message in
the last 30 days" built rule by rule with the live count checked against the API, saved as a dynamic
segment and targeted by a campaign; moving rules with the keyboard and by dragging; problems shown at
the rule they are about; the pages at phone width.

Data comes through the JSON API with a console session: orders (which create their contacts) and read
events, with phone numbers unique to the run, so the suite also passes against a server it ran on before.
The campaign part reuses test_campaigns' simulator-backed WhatsApp account.
"""

import datetime
import re
import secrets
import time

import pytest
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from test_campaigns import (  # noqa: F401  (simulator and whatsapp are fixtures used by name)
    Console,
    choose_template,
    path_of,
    simulator,
    text_of,
    variable_row,
    wait,
    wait_for_path,
    whatsapp,
)

SPEND = {"field": "purchases.total_spend", "operator": "gt", "value": 500, "window": {"last_days": 60}}
READ = {"field": "engagement.read", "operator": "gte", "value": 1, "window": {"last_days": 30}}


def tree(*children, combinator="and"):
    return {"combinator": combinator, "not": False, "children": list(children)}


def iso(days_ago):
    at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def api(base_url, credentials):
    return Console(base_url, *credentials)


@pytest.fixture(scope="module")
def shoppers(api):
    """Six contacts: four spent $600 ten days ago (two of them read a message five days ago), one spent
    $600 ninety days ago and read, one spent $100 and read. Only two match both rules."""
    token = secrets.randbelow(10_000)
    people = [  # (spent in cents, days ago, read five days ago)
        (60000, 10, True), (60000, 10, True), (60000, 10, False), (60000, 10, False), (60000, 90, True), (10000, 10, True)]
    orders, events = [], []
    for index, (total, days, read) in enumerate(people):
        phone = f"+4477008{token:04d}{index}"
        orders.append({"external_id": f"seg-{token}-{index}", "contact": phone, "total": total, "currency": "USD",
                       "ordered_at": iso(days)})
        if read:
            events.append({"contact": phone, "type": "read", "occurred_at": iso(5)})
    status, body = api.call("POST", "/api/orders", orders)
    assert status in (200, 201), body
    status, body = api.call("POST", "/api/events/import", events)
    assert status in (200, 201), body
    return token


def preview_count(api, rules):
    status, body = api.call("POST", "/api/segments/preview", {"rules": rules, "limit": 1})
    assert status == 200, body
    return body["count"]


def live_count(driver):
    """The builder's live count as a number, or None while there is none."""
    for _ in range(10):
        try:
            raw = driver.find_element(By.CSS_SELECTOR, "#live-count").get_attribute("data-count")
            return int(raw) if raw else None
        except WebDriverException:
            time.sleep(0.1)
    return None


def wait_for_count(driver, expected, why):
    try:
        wait(driver, 15).until(lambda d: live_count(d) == expected)
    except TimeoutException:
        errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".seg-error") if e.is_displayed()]
        raise AssertionError(f"{why}: the live count should be {expected} (the API's answer), it shows {live_count(driver)}; "
                             f"note {text_of(driver, '#live-took')!r}, rule errors {errors}") from None


def rules(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#rule-builder .seg-rule")


def root_button(driver, css):
    return driver.find_element(By.CSS_SELECTOR, f"#rule-builder .seg-root > .seg-group-foot {css}")


def set_rule(rule, field, operator, value=None, last_days=None):
    Select(rule.find_element(By.CSS_SELECTOR, "select.seg-field")).select_by_value(field)
    Select(rule.find_element(By.CSS_SELECTOR, "select.seg-operator")).select_by_value(operator)
    if value is not None:
        box = rule.find_element(By.CSS_SELECTOR, ".seg-value input, .seg-value select")
        if box.tag_name == "select":
            Select(box).select_by_value(str(value))
        else:
            box.clear()
            box.send_keys(str(value))
    if last_days is not None:
        Select(rule.find_element(By.CSS_SELECTOR, "select.seg-window-mode")).select_by_value("last")
        days = rule.find_element(By.CSS_SELECTOR, "input.seg-window-days")
        days.clear()
        days.send_keys(str(last_days))


def field_of(rule):
    return Select(rule.find_element(By.CSS_SELECTOR, "select.seg-field")).first_selected_option.get_attribute("value")


def open_builder(driver, base_url):
    driver.get(base_url + "/segments")
    driver.find_element(By.CSS_SELECTOR, "a#new-segment").click()
    wait_for_path(driver, "/segments/new")
    wait(driver, 15).until(lambda d: live_count(d) is not None)


def test_spend_and_read_segment_counts_live_saves_and_becomes_a_campaign_audience(logged_in, base_url, api, shoppers, whatsapp):
    driver = logged_in
    driver.find_element(By.CSS_SELECTOR, 'nav#main-nav a[href="/segments"]').click()
    wait_for_path(driver, "/segments")
    driver.find_element(By.CSS_SELECTOR, "a#new-segment").click()
    wait_for_path(driver, "/segments/new")
    wait_for_count(driver, preview_count(api, tree()), "with no rule every contact matches")

    first = rules(driver)[0]
    set_rule(first, "purchases.total_spend", "gt", 500, last_days=60)
    assert first.find_element(By.CSS_SELECTOR, ".seg-currency").text == "$", "money shows the workspace currency"
    spenders = preview_count(api, tree(SPEND))
    assert spenders >= 4, "the four recent $600 orders"
    wait_for_count(driver, spenders, "after the spend rule")
    shown_before = text_of(driver, "#live-count")
    assert "ms" in text_of(driver, "#live-took")

    root_button(driver, "button.seg-add-rule").click()
    wait(driver).until(lambda d: len(rules(d)) == 2)
    set_rule(rules(driver)[1], "engagement.read", "gte", 1, last_days=30)
    both = preview_count(api, tree(SPEND, READ))
    assert 2 <= both < spenders, (both, spenders)
    wait_for_count(driver, both, "after adding the read rule")
    assert text_of(driver, "#live-count") != shown_before, "the count on screen changed as the rule was added"
    preview_rows = driver.find_elements(By.CSS_SELECTOR, "#preview-table tbody tr")
    assert len(preview_rows) == min(both, 20), [r.text for r in preview_rows]

    name = f"Spend and read {shoppers}-{secrets.token_hex(2)}"
    driver.find_element(By.CSS_SELECTOR, "input#s-name").send_keys(name)
    driver.find_element(By.CSS_SELECTOR, "input#kind-dynamic").click()
    driver.find_element(By.CSS_SELECTOR, "button#save-segment").click()
    try:
        wait(driver, 15).until(lambda d: re.fullmatch(r"/segments/[0-9a-f-]{36}", path_of(d)))
    except TimeoutException:
        raise AssertionError(f"saving did not open the segment's page; at {driver.current_url}, "
                             f"error {text_of(driver, '#builder-error')!r}") from None
    segment_id = path_of(driver).rsplit("/", 1)[1]
    assert "Segment saved" in text_of(driver, "#notice")
    assert name in text_of(driver, "h1")
    status, segment = api.call("GET", f"/api/segments/{segment_id}")
    assert status == 200, segment
    assert segment["kind"] == "dynamic" and segment["name"] == name
    assert segment["rules"]["combinator"] == "and" and not segment["rules"]["not"]
    assert [(c["field"], c["operator"], c["value"], c.get("window")) for c in segment["rules"]["children"]] == [
        (r["field"], r["operator"], r["value"], r["window"]) for r in (SPEND, READ)]
    assert text_of(driver, "#saved-count") == f"{both:,}"
    try:
        wait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#members-table tbody tr:not(.empty)")) == min(both, 50))
    except TimeoutException:
        raise AssertionError(f"the members list should show {min(both, 50)} contacts; status {text_of(driver, '#members-status')!r}") from None

    # A campaign for that segment, through the New campaign form.
    driver.get(base_url + "/campaigns/new")
    wait_for_path(driver, "/campaigns/new")
    driver.find_element(By.CSS_SELECTOR, "input#c-name").send_keys(f"To {name}")
    choose_template(driver, "spring_sale")
    wait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#var-rows .var-row")) == 2)
    Select(variable_row(driver, "1").find_element(By.CSS_SELECTOR, "select.var-source")).select_by_value("first_name")
    variable_row(driver, "1").find_element(By.CSS_SELECTOR, "input.var-fallback").send_keys("there")
    Select(variable_row(driver, "2").find_element(By.CSS_SELECTOR, "select.var-source")).select_by_value("text")
    variable_row(driver, "2").find_element(By.CSS_SELECTOR, "input.var-text").send_keys("20%")
    driver.find_element(By.CSS_SELECTOR, "input#c-cta").send_keys("https://shop.example/vip")
    driver.find_element(By.CSS_SELECTOR, "input#audience-segment").click()
    audience = Select(driver.find_element(By.CSS_SELECTOR, "select#c-segment"))
    audience.select_by_value(segment_id)
    assert name in audience.first_selected_option.text and f"{both:,} contact" in audience.first_selected_option.text
    driver.find_element(By.CSS_SELECTOR, "input#when-draft").click()
    driver.find_element(By.CSS_SELECTOR, "button#create-campaign").click()
    try:
        wait(driver, 15).until(lambda d: re.fullmatch(r"/campaigns/[0-9a-f-]{36}", path_of(d)))
    except TimeoutException:
        errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field-error, #page-error")]
        raise AssertionError(f"saving the campaign did not open its page; at {driver.current_url}, errors {errors}") from None
    campaign_id = path_of(driver).rsplit("/", 1)[1]
    status, campaign = api.call("GET", f"/api/campaigns/{campaign_id}")
    assert status == 200, campaign
    assert campaign["audience"]["type"] == "segment", campaign["audience"]
    assert campaign["audience"]["segment_id"].lower() == segment_id
    assert f"Saved segment “{name}”" in text_of(driver, "main"), "the campaign's page names its audience"

    # The segment's page: refresh it now, and deleting it is refused while the draft campaign uses it.
    driver.get(base_url + f"/segments/{segment_id}")
    driver.find_element(By.CSS_SELECTOR, "button#refresh-segment").click()
    wait(driver, 10).until(lambda d: text_of(d, "#refresh-status") == "Refreshed.")
    assert text_of(driver, "#saved-count") == f"{both:,}"
    wait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#refreshes-table tbody tr:not(.empty)"))
    driver.find_element(By.CSS_SELECTOR, "button#delete-segment").click()
    driver.switch_to.alert.accept()
    try:
        wait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "#delete-error").is_displayed())
    except TimeoutException:
        raise AssertionError(f"deleting a segment a draft campaign uses should be refused on the page; at {driver.current_url}") from None
    assert path_of(driver) == f"/segments/{segment_id}"
    assert api.call("GET", f"/api/segments/{segment_id}")[0] == 200, "the segment is still there"


def test_rules_move_with_alt_arrow_keys_and_by_dragging(logged_in, base_url, api, shoppers):
    driver = logged_in
    open_builder(driver, base_url)
    set_rule(rules(driver)[0], "purchases.total_spend", "gt", 500, last_days=60)
    root_button(driver, "button.seg-add-rule").click()
    set_rule(rules(driver)[1], "engagement.read", "gte", 1, last_days=30)
    root_button(driver, "button.seg-add-group").click()
    group = driver.find_element(By.CSS_SELECTOR, "#rule-builder .seg-root > .seg-children > .seg-group")
    group.find_element(By.CSS_SELECTOR, ".seg-comb[data-value=or]").click()
    set_rule(group.find_element(By.CSS_SELECTOR, ".seg-rule"), "contact.consent_status", "eq", "unknown")
    consent = {"field": "contact.consent_status", "operator": "eq", "value": "unknown"}
    wait_for_count(driver, preview_count(api, tree(SPEND, READ, tree(consent, combinator="or"))), "three rules")

    read_rule = rules(driver)[1]
    handle = read_rule.find_element(By.CSS_SELECTOR, ".seg-handle")

    def press(key, expect):
        driver.switch_to.active_element.send_keys(Keys.ALT, key)
        try:
            wait(driver, 5).until(lambda d: expect in text_of(d, "#move-announcer"))
        except TimeoutException:
            raise AssertionError(f"expected the announcement to say {expect!r}; it says {text_of(driver, '#move-announcer')!r}") from None
        assert driver.switch_to.active_element == handle, "focus stays on the moved rule's handle"

    handle.click()
    press(Keys.ARROW_UP, "to position 1 of 3 in the top group")
    assert [field_of(r) for r in rules(driver)[:2]] == ["engagement.read", "purchases.total_spend"]
    press(Keys.ARROW_DOWN, "to position 2 of 3 in the top group")
    press(Keys.ARROW_DOWN, "to position 1 of 2 in a group at level 2")
    inside = group.find_elements(By.CSS_SELECTOR, ".seg-rule")
    assert [field_of(r) for r in inside] == ["engagement.read", "contact.consent_status"], "the rule moved into the group"
    wait_for_count(driver, preview_count(api, tree(SPEND, tree(READ, consent, combinator="or"))), "the read rule inside the ANY group")
    press(Keys.ARROW_UP, "to position 2 of 3 in the top group")
    assert len(group.find_elements(By.CSS_SELECTOR, ".seg-rule")) == 1, "the rule left the group"
    wait_for_count(driver, preview_count(api, tree(SPEND, READ, tree(consent, combinator="or"))), "the read rule back at the top")

    # Dragging: Chromium does not let WebDriver start a native drag, so the page gets the same events
    # a mouse drag sends: press on the handle, dragstart, dragover above the group's rule, drop, dragend.
    moved = driver.execute_script("""
        const spend = document.querySelectorAll('#rule-builder .seg-rule')[0];
        const target = document.querySelector('#rule-builder .seg-root > .seg-children > .seg-group .seg-rule');
        const handle = spend.querySelector('.seg-handle');
        const data = new DataTransfer();
        handle.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}));
        spend.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
        const box = target.getBoundingClientRect();
        target.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data, clientY: box.top + 2}));
        target.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data, clientY: box.top + 2}));
        spend.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: data}));
        return Array.from(target.parentElement.querySelectorAll(':scope > .seg-rule select.seg-field')).map(s => s.value);
    """)
    assert moved == ["purchases.total_spend", "contact.consent_status"], moved
    assert "position 1 of 2 in a group at level 2" in text_of(driver, "#move-announcer")
    wait_for_count(driver, preview_count(api, tree(READ, tree(SPEND, consent, combinator="or"))), "the spend rule dragged into the group")


def test_problems_show_at_their_rule_and_a_taken_name_at_the_name(logged_in, base_url, api, shoppers):
    taken = f"Taken {shoppers}-{secrets.token_hex(2)}"
    status, body = api.call("POST", "/api/segments", {"name": taken, "kind": "static", "rules": tree(SPEND)})
    assert status == 201, body
    driver = logged_in
    open_builder(driver, base_url)
    set_rule(rules(driver)[0], "purchases.total_spend", "gt", 500)
    root_button(driver, "button.seg-add-rule").click()
    bad = rules(driver)[1]
    Select(bad.find_element(By.CSS_SELECTOR, "select.seg-field")).select_by_value("purchases.order_count")
    Select(bad.find_element(By.CSS_SELECTOR, "select.seg-operator")).select_by_value("between")
    low, high = bad.find_elements(By.CSS_SELECTOR, ".seg-value input")
    low.send_keys("5")
    high.send_keys("2")
    try:
        wait(driver, 10).until(lambda d: rules(d)[1].find_element(By.CSS_SELECTOR, ".seg-error").is_displayed())
    except TimeoutException:
        raise AssertionError("the server's problem with the second rule is not shown next to it") from None
    assert "must not be larger" in rules(driver)[1].find_element(By.CSS_SELECTOR, ".seg-error").text
    assert not rules(driver)[0].find_element(By.CSS_SELECTOR, ".seg-error").is_displayed(), "the first rule is fine"
    assert text_of(driver, "#live-count") == "—"

    high.clear()
    high.send_keys("9")
    wait(driver, 10).until(lambda d: not rules(d)[1].find_element(By.CSS_SELECTOR, ".seg-error").is_displayed())
    driver.find_element(By.CSS_SELECTOR, "input#s-name").send_keys(taken)
    driver.find_element(By.CSS_SELECTOR, "button#save-segment").click()
    try:
        wait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "#error-name").is_displayed())
    except TimeoutException:
        raise AssertionError(f"a taken name should be reported at the name; page error {text_of(driver, '#builder-error')!r}") from None
    assert "already exists" in text_of(driver, "#error-name")
    assert path_of(driver) == "/segments/new"


def test_segment_pages_fit_a_phone(logged_in, base_url, api, shoppers):
    status, body = api.call("POST", "/api/segments", {
        "name": f"Phone {shoppers}-{secrets.token_hex(2)}", "kind": "dynamic",
        "rules": tree(SPEND, tree(READ, {"field": "contact.country", "operator": "in", "value": ["GB", "DE"]}, combinator="or"))})
    assert status == 201, body
    driver = logged_in
    driver.set_window_size(390, 844)
    for path in ("/segments", "/segments/new", f"/segments/{body['id'].lower()}"):
        driver.get(base_url + path)
        wait_for_path(driver, path)
        if path != "/segments":
            wait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#rule-builder .seg-rule"))
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a 390px phone screen"


def test_a_late_answer_never_replaces_a_newer_count(logged_in, base_url, api, shoppers):
    driver = logged_in
    open_builder(driver, base_url)
    # The next preview's answer is held back 2 s; later ones arrive at once.
    driver.execute_script("""
        const real = window.fetch;
        window.heldBack = null;
        window.fetch = function (url, init) {
            const answer = real(url, init);
            if (!String(url).includes('/api/segments/preview') || window.heldBack !== null) return answer;
            window.heldBack = JSON.parse(init.body).rules;
            return answer.then(r => new Promise(done => setTimeout(() => done(r), 2000)));
        };
    """)
    first = rules(driver)[0]
    set_rule(first, "purchases.total_spend", "gt", 500, last_days=60)
    wait(driver, 5).until(lambda d: d.execute_script("return window.heldBack !== null"))
    slow = driver.execute_script("return window.heldBack")
    box = first.find_element(By.CSS_SELECTOR, ".seg-value input")
    box.clear()
    box.send_keys("250000")
    newest = preview_count(api, tree(dict(SPEND, value=250000)))
    assert newest != preview_count(api, slow), "the two states must count differently for this check"
    wait_for_count(driver, newest, "the newer request answered first")
    time.sleep(2.5)
    assert live_count(driver) == newest, "the held-back answer to the older request replaced the newer count"
