"""Crash tests: kill -9 a server while a campaign is sending; every eligible contact still gets exactly one message."""

import json

import pytest

from conftest import APP_SECRET, TOKEN, Stack, free_port, http, postgres_database, wait_until

CONTACTS = 3000


def contacts():
    rows = []
    for i in range(CONTACTS):
        consent = "opted_out" if i % 10 == 0 else "opted_in"
        rows.append({"phone": f"+9197{i:08d}", "name": f"Crash {i}", "consent": consent})
    return {"contacts": rows}


def eligible_phones():
    return {f"9197{i:08d}" for i in range(CONTACTS) if i % 10 != 0}


def start_campaign(stack, port, key):
    base = f"http://127.0.0.1:{port}"
    status, body = http("POST", base + "/api/contacts/bulk", contacts(), key=key, timeout=120)
    assert status == 200, body
    status, account = http(
        "POST", base + "/api/whatsapp/accounts",
        {
            "name": "Sim", "phone_number_id": "100000000000001", "waba_id": "200000000000001", "access_token": TOKEN,
            "app_secret": APP_SECRET, "verify_token": "v", "api_base_url": f"http://127.0.0.1:{stack.sim_port}", "throughput": 150,
            "messaging_tier": "TIER_UNLIMITED",
        },
        key=key,
    )
    assert status == 201, account
    status, synced = http("POST", base + f"/api/whatsapp/accounts/{account['id']}/templates/sync", key=key)
    assert status == 200, synced
    _, templates = http("GET", base + "/api/templates", key=key)
    template = next(t for t in templates["data"] if t["name"] == "spring_sale")
    status, campaign = http(
        "POST", base + "/api/campaigns",
        {
            "name": "Crash", "template_id": template["id"], "cta_url": "https://shop.example/c",
            "variables": {"1": {"field": "first_name", "fallback": "there"}, "2": {"text": "10%"}},
        },
        key=key,
    )
    assert status == 201, campaign
    status, scheduled = http("POST", base + f"/api/campaigns/{campaign['id']}/schedule", key=key)
    assert status == 200, scheduled
    return campaign["id"]


def finish_and_check(stack, port, key, campaign_id):
    base = f"http://127.0.0.1:{port}"

    def completed():
        _, body = http("GET", base + f"/api/campaigns/{campaign_id}", key=key)
        return body if body and body["status"] == "completed" else None

    detail = wait_until(completed, 240, "the campaign to complete", interval=1)
    truth = wait_until(lambda: (t := stack.truth()) and t["pendingEvents"] == 0 and t, 120, "the simulator to settle")
    received = truth["messagesPerRecipient"]
    twice = {phone: n for phone, n in received.items() if n != 1}
    assert twice == {}, f"contacts messaged more than once: {list(twice.items())[:10]}"
    missing = eligible_phones() - set(received)
    assert missing == set(), f"{len(missing)} eligible contacts got nothing, e.g. {sorted(missing)[:5]}"
    assert set(received) == eligible_phones(), "only eligible contacts are messaged"
    assert truth["maxObservedRatePerSecond"] <= 150
    assert detail["stats"]["accepted"] == len(eligible_phones()), json.dumps(detail["stats"])


def kill_when_partly_sent(stack, name, at_least=600):
    wait_until(lambda: (t := stack.truth()) and t["accepted"] >= at_least, 120, f"{at_least} messages to be sent")
    stack.kill9(name)
    accepted = stack.truth()["accepted"]
    assert accepted < CONTACTS * 0.9, "the kill came before the campaign finished"
    return accepted


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_kill9_and_restart_sends_each_message_once(workdir, engine):
    url = f"sqlite://{workdir}/herald.sqlite" if engine == "sqlite" else postgres_database()
    stack = Stack(workdir, url)
    try:
        stack.start_simulator(throughput=1000)
        stack.start_server("a", stack.webhook_port)
        key = stack.create_workspace()
        campaign = start_campaign(stack, stack.webhook_port, key)
        kill_when_partly_sent(stack, "a")
        stack.start_server("a2", stack.webhook_port)
        finish_and_check(stack, stack.webhook_port, key, campaign)
    finally:
        stack.stop()


def test_two_servers_on_one_postgres_share_a_campaign_and_survive_a_kill(workdir):
    stack = Stack(workdir, postgres_database())
    try:
        stack.start_simulator(throughput=1000)
        stack.start_server("a", stack.webhook_port)
        other = free_port()
        stack.start_server("b", other)
        key = stack.create_workspace()
        campaign = start_campaign(stack, stack.webhook_port, key)
        # b keeps running and finishes the work a had claimed; webhooks keep going to a's port, so a comes back.
        kill_when_partly_sent(stack, "a")
        stack.start_server("a2", stack.webhook_port)
        finish_and_check(stack, other, key, campaign)
    finally:
        stack.stop()
