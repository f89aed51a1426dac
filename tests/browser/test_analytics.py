"""Browser test of the analytics pages: the dashboard's date range changes a card, the drill-down from a campaign,
a recipient search, the recipients CSV (parsed) and the contact's journey."""

import csv
import io
import os
import secrets
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_campaigns import Console, wait, wait_for_path


def card(driver, key):
    return driver.find_element(By.CSS_SELECTOR, f'.metric-card[data-metric="{key}"] .metric-value').text


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_dashboard_drill_down_recipients_csv_and_journey(logged_in, base_url, credentials):
    driver = logged_in
    api = Console(base_url, *credentials)
    tag = secrets.token_hex(3)
    campaign = f"Spring {tag}"
    people = [("Zoë", "+4915123" + tag_digits(tag, 1)), ("José", "+4915123" + tag_digits(tag, 2)), ("Łukasz", "+4915123" + tag_digits(tag, 3))]
    for name, phone in people:
        status, body = api.call("POST", "/api/contacts", {"phone": phone, "name": f"{name} {tag}"})
        assert status in (200, 201), body
    now = datetime.now(timezone.utc)
    recent, old = now - timedelta(days=1), now - timedelta(days=60)
    events = []
    for (name, phone), when in zip(people, [recent, recent, old]):
        for offset, kind in enumerate(["sent", "delivered", "read"]):
            events.append({"contact": phone, "type": kind, "occurred_at": iso(when + timedelta(minutes=offset)), "campaign": campaign})
    events.append({"contact": people[0][1], "type": "clicked", "occurred_at": iso(recent + timedelta(minutes=5)), "campaign": campaign})
    status, body = api.call("POST", "/api/events/import", events)
    assert status in (200, 201, 202), body

    # The dashboard, narrowed to the campaign: 90 days hold all three messages, 7 days only the two recent ones.
    driver.get(base_url + "/analytics")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#analytics-filters"))
    Select(driver.find_element(By.CSS_SELECTOR, "select#campaign_id")).select_by_visible_text(campaign)
    driver.find_element(By.CSS_SELECTOR, "button#apply-filters").click()
    wait(driver).until(lambda d: "campaign_id=" in d.current_url)
    campaign_id = Select(driver.find_element(By.CSS_SELECTOR, "select#campaign_id")).first_selected_option.get_attribute("value")
    driver.find_element(By.CSS_SELECTOR, "a#range-90").click()
    wait(driver).until(lambda d: card(d, "sent") == "3")
    driver.find_element(By.CSS_SELECTOR, "a#range-7").click()
    wait(driver).until(lambda d: card(d, "sent") == "2")
    assert "from=" in driver.current_url and f"campaign_id={campaign_id}" in driver.current_url

    # Drill down from the campaign's own page.
    driver.get(f"{base_url}/campaigns/{campaign_id}")
    driver.find_element(By.CSS_SELECTOR, "a#campaign-analytics").click()
    wait_for_path(driver, f"/analytics/campaigns/{campaign_id}")
    funnel = driver.find_element(By.CSS_SELECTOR, "#funnel-table").text
    assert "Converted" in funnel and "Sent 3" in funnel, funnel

    # Search a recipient by name.
    box = driver.find_element(By.CSS_SELECTOR, "input#q")
    box.clear()
    box.send_keys("Zo")
    driver.find_element(By.CSS_SELECTOR, "button#search-recipients").click()
    wait(driver).until(lambda d: "q=Zo" in d.current_url)
    rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "table#recipients-table tbody tr")]
    assert len(rows) == 1 and f"Zoë {tag}" in rows[0] and "clicked" in rows[0], rows

    # The CSV link, fetched with the same session, parses and holds Zoë's row.
    href = driver.find_element(By.CSS_SELECTOR, "a#recipients-csv").get_attribute("href")
    with api.opener.open(href) as response:
        assert response.headers["Content-Type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(response.read().decode("utf-8"))))
    assert table[0][:3] == ["contact_id", "name", "phone"], table[0]
    assert [row[1] for row in table[1:]] == [f"Zoë {tag}"], table
    assert table[1][table[0].index("step")] == "clicked"

    # And the contact's journey.
    driver.find_element(By.CSS_SELECTOR, "a.recipient-link").click()
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#journey"))
    journey = driver.find_element(By.CSS_SELECTOR, "#journey").text
    assert "Clicked the link" in journey and campaign in journey, journey


def tag_digits(tag, n):
    """Seven digits unique to this run and person."""
    return str(int(tag, 16) % 100000).zfill(5) + str(n).zfill(2)
