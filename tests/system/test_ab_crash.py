"""Crash tests for A/B tests (design-ab-testing.md section 10, "Crash"): kill -9 a server while a test's messages are
sending, or after the decision while the winner goes to the remaining audience. The test and its decision survive, the
look sequence has no gap and no duplicate, the decision is not taken again, and every eligible contact still receives
exactly one message (the simulator's ground truth)."""

import json
import sqlite3
import subprocess
import time
import uuid

import pytest

from conftest import APP_SECRET, TOKEN, Stack, free_port, http, postgres_database, wait_until
from test_crash import CONTACTS, contacts, eligible_phones

THROUGHPUT = 100  # the account's messages per second: the test's 1,080 messages take about 11 s, the rest about 16 s
TEST_PERCENTAGE = 40
WINDOW_SECONDS = 2
EVALUATION_SECONDS = "0.5"
CLICK_RATES = {"ab_plain": 0.10, "ab_bold": 0.40}  # A, the control, and B, truly better


def template(name, text, click_rate, link_base):
    """A marketing template with a tracked link; recipients read 90 % and click `click_rate` of those, nothing else."""
    return {
        "name": name, "language": "en_US", "category": "MARKETING", "status": "APPROVED", "parameter_format": "POSITIONAL",
        "components": [
            {"type": "BODY", "text": text, "example": {"body_text": [["Maria", "20%"]]}},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Shop", "url": f"{link_base}/r/{{{{1}}}}", "example": [f"{link_base}/r/abc123"]},
            ]},
        ],
        "behaviour": {
            "deliverRate": 1, "readRate": 0.9, "clickRate": click_rate, "quickReplyRate": 0, "textReplyRate": 0, "stopRate": 0,
            "failures": {},
        },
    }


def write_templates(stack):
    """The two variations' templates, pointing at this stack's Herald (the port changes per test, so written per test)."""
    link_base = f"http://127.0.0.1:{stack.webhook_port}"
    path = stack.workdir / "ab_templates.json"
    path.write_text(json.dumps([
        template("ab_plain", "Hi {{1}}, our spring sale is on: {{2}} off everything.", CLICK_RATES["ab_plain"], link_base),
        template("ab_bold", "{{1}}, it's on! {{2}} off EVERYTHING. Don't miss it.", CLICK_RATES["ab_bold"], link_base),
    ]))
    return path


class Database:
    """Reads Herald's database directly: no API shows the looks."""

    def __init__(self, url):
        self.url = url
        self.sqlite = url.startswith("sqlite://")

    def rows(self, sql):
        if self.sqlite:
            connection = sqlite3.connect(self.url[len("sqlite://"):], timeout=30)
            try:
                return [tuple(row) for row in connection.execute(sql).fetchall()]
            finally:
                connection.close()
        out = subprocess.run(["psql", self.url, "-At", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True)
        return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]

    def is_id(self, column, value):
        """`column = value` for an id (TEXT in upper case on SQLite, uuid on PostgreSQL); the value is a checked UUID."""
        value = str(uuid.UUID(value))
        return f"upper({column}) = '{value.upper()}'" if self.sqlite else f"{column} = '{value}'"

    def ab_test(self, test_id):
        (row,) = self.rows(
            f"SELECT status, winner_variation_id, decided_at, looks, winner_send FROM ab_tests WHERE {self.is_id('id', test_id)}"
        )
        status, winner, decided_at, looks, winner_send = row
        return {"status": status, "winner": norm(winner), "decided_at": decided_at, "looks": int(looks), "winner_send": winner_send}

    def looks(self, test_id):
        return [
            (int(look), owner, verdict, looked_at)
            for look, owner, verdict, looked_at in self.rows(
                f"SELECT look, owner, verdict, looked_at FROM ab_test_looks WHERE {self.is_id('ab_test_id', test_id)} ORDER BY look"
            )
        ]

    def messages(self, campaign_id):
        """(variation, phase, status) → messages of the campaign."""
        return {
            (norm(variation), phase or None, status): int(n)
            for variation, phase, status, n in self.rows(
                f"SELECT variation_id, ab_phase, status, COUNT(*) FROM messages WHERE {self.is_id('campaign_id', campaign_id)} "
                "GROUP BY variation_id, ab_phase, status"
            )
        }


def norm(value):
    return str(uuid.UUID(value)) if value else None


def set_up(stack, port, key):
    """3,000 contacts (every tenth opted out), the account with both templates, and a started A/B test on clicks:
    40 % of everyone, A = ab_plain (the control) against B = ab_bold, a 2 s window, auto-send."""
    base = f"http://127.0.0.1:{port}"
    status, body = http("POST", base + "/api/contacts/bulk", contacts(), key=key, timeout=120)
    assert status == 200, body
    status, account = http(
        "POST", base + "/api/whatsapp/accounts",
        {
            "name": "Sim", "phone_number_id": "100000000000001", "waba_id": "200000000000001", "access_token": TOKEN,
            "app_secret": APP_SECRET, "verify_token": "v", "api_base_url": f"http://127.0.0.1:{stack.sim_port}",
            "throughput": THROUGHPUT, "messaging_tier": "TIER_UNLIMITED",
        },
        key=key,
    )
    assert status == 201, account
    status, synced = http("POST", base + f"/api/whatsapp/accounts/{account['id']}/templates/sync", key=key)
    assert status == 200, synced
    _, templates = http("GET", base + "/api/templates", key=key)
    ids = {t["name"]: t["id"] for t in templates["data"]}
    message = {"variables": {"1": {"field": "first_name", "fallback": "there"}, "2": {"text": "20%"}}, "cta_url": "https://shop.example/ab"}
    status, test = http(
        "POST", base + "/api/ab-tests/create",
        {
            "name": "Crash A/B", "account_id": account["id"], "audience": {"type": "all"}, "test_percentage": TEST_PERCENTAGE,
            "duration_hours": 1, "success_metric": "click", "outcome_window_seconds": WINDOW_SECONDS, "auto_send_winner": True,
            "variations": [
                {"name": "A", "template_id": ids["ab_plain"], **message},
                {"name": "B", "template_id": ids["ab_bold"], **message},
            ],
        },
        key=key,
    )
    assert status == 201, test
    status, started = http("POST", base + f"/api/ab-tests/{test['id']}/start", key=key)
    assert status == 200, started
    return {
        "id": test["id"], "campaign": test["campaign_id"],
        "variations": {v["name"]: norm(v["id"]) for v in test["variations"]},
    }


def get_test(port, key, test):
    status, body = http("GET", f"http://127.0.0.1:{port}/api/ab-tests/{test['id']}", key=key)
    assert status == 200, body
    return body


def start_stack(workdir, engine, servers=("a",)):
    url = f"sqlite://{workdir}/herald.sqlite" if engine == "sqlite" else postgres_database()
    stack = Stack(workdir, url)
    stack.start_simulator(throughput=1000, templates=write_templates(stack))
    ports = {}
    for name in servers:
        ports[name] = stack.webhook_port if name == "a" else free_port()
        stack.start_server(name, ports[name])
    return stack, Database(url), ports


def finish_and_check(stack, db, port, key, test):
    """Waits for the test and its campaign to complete, then checks the decision, the looks and the messages."""
    base = f"http://127.0.0.1:{port}"
    done = wait_until(lambda: (t := get_test(port, key, test))["status"] in ("completed", "deciding", "cancelled") and t, 240,
                      "the test to be decided", interval=0.5)
    assert done["status"] == "completed", json.dumps(done)
    assert norm(done["winner_variation_id"]) == test["variations"]["B"], f"B (click rate 0.40) should win: {json.dumps(done)}"
    decision = done["decision"]
    assert decision and decision["kind"] in ("sequential", "horizon") and decision["by"] == "herald" and decision["at"], json.dumps(done)

    def campaign_completed():
        _, body = http("GET", base + f"/api/campaigns/{test['campaign']}", key=key)
        return body if body and body["status"] == "completed" else None

    campaign = wait_until(campaign_completed, 240, "the campaign to complete", interval=1)
    truth = wait_until(lambda: (t := stack.truth()) and t["pendingEvents"] == 0 and t, 120, "the simulator to settle")

    # Every eligible contact received exactly one message from the whole test, nobody else any.
    received = truth["messagesPerRecipient"]
    twice = {phone: n for phone, n in received.items() if n != 1}
    assert twice == {}, f"contacts messaged more than once: {list(twice.items())[:10]}"
    missing = eligible_phones() - set(received)
    assert missing == set(), f"{len(missing)} eligible contacts got nothing, e.g. {sorted(missing)[:5]}"
    assert set(received) == eligible_phones(), "only eligible contacts are messaged"
    assert campaign["stats"]["accepted"] == len(eligible_phones()), json.dumps(campaign["stats"])

    # Herald's rows: every message has a variation; the winner's are all B; A's are test messages only. The simulator,
    # which knows only template names, agrees: ab_plain went to A's test messages, ab_bold to everyone else.
    a, b = test["variations"]["A"], test["variations"]["B"]
    messages = db.messages(test["campaign"])
    assert not [k for k in messages if k[0] is None], f"messages without a variation: {messages}"
    assert not [k for k in messages if k[1] == "winner" and k[0] != b], f"winner messages not carrying the winner: {messages}"
    assert not [k for k in messages if k[0] == a and k[1] != "test"], f"A outside the test: {messages}"
    assert sum(messages.values()) == len(eligible_phones()), messages
    sent_a = sum(n for (variation, _, _), n in messages.items() if variation == a)
    per_template = {name: t["accepted"] for name, t in truth["perTemplate"].items()}
    assert per_template.get("ab_plain", 0) == sent_a, f"{per_template} against {sent_a} A messages"
    assert per_template.get("ab_bold", 0) == len(eligible_phones()) - sent_a, per_template
    assert done["test_audience_size"] == round(len(eligible_phones()) * TEST_PERCENTAGE / 100), json.dumps(done)

    # The looks: numbered 1..n without a gap or a duplicate, as many as the test row counts, and one decision, taken at
    # the last look.
    row = db.ab_test(test["id"])
    looks = db.looks(test["id"])
    numbers = [look for look, _, _, _ in looks]
    assert numbers == list(range(1, len(numbers) + 1)), f"look numbers with a gap or duplicate: {numbers}"
    assert row["looks"] == len(numbers), (row, numbers)
    winners = [look for look, _, verdict, _ in looks if verdict == "winner"]
    assert winners == [numbers[-1]], f"decided at looks {winners} of {numbers}"
    assert row["decided_at"] == looks[-1][3], f"decided at {row['decided_at']}, last look at {looks[-1][3]}"
    assert row["status"] == "completed" and row["winner"] == b and row["winner_send"] == "queued", row
    return done, looks, received


def restart_keeps_decision(stack, db, key, test, done, looks, received, name):
    """kill -9 after the decision and restart: the decision, its time and the looks are unchanged, nothing more is sent."""
    port = stack.servers[name][1]
    stack.kill9(name)
    stack.start_server(name + "-again", port)
    time.sleep(float(EVALUATION_SECONDS) * 8)  # eight evaluation intervals: time for any wrong second look or decision
    after = get_test(port, key, test)
    for field in ("status", "winner_variation_id", "decision", "ended_at", "test_audience_size"):
        assert after[field] == done[field], f"{field} changed across a restart: {done[field]} then {after[field]}"
    assert db.looks(test["id"]) == looks, "looks were added after the decision"
    truth = wait_until(lambda: (t := stack.truth()) and t["pendingEvents"] == 0 and t, 60, "the simulator to settle")
    assert truth["messagesPerRecipient"] == received, "messages were sent after the restart"


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_kill9_while_test_messages_send_loses_neither_test_nor_decision(workdir, engine, monkeypatch):
    monkeypatch.setenv("HERALD_AB_TEST_EVALUATION_SECONDS", EVALUATION_SECONDS)
    stack = None
    try:
        stack, db, ports = start_stack(workdir, engine)
        key = stack.create_workspace()
        test = set_up(stack, ports["a"], key)
        wait_until(lambda: (t := stack.truth()) and t["accepted"] >= 250, 120, "250 test messages to be sent")
        stack.kill9("a")
        at_kill = db.ab_test(test["id"])
        sent = stack.truth()["accepted"]
        assert at_kill["status"] == "running" and at_kill["winner"] is None, f"the kill came after the decision: {at_kill}"
        assert sent < round(len(eligible_phones()) * TEST_PERCENTAGE / 100), f"the kill came after the test messages: {sent}"
        stack.start_server("a2", ports["a"])
        done, looks, received = finish_and_check(stack, db, ports["a"], key, test)
        print(f"\n[{engine}] killed at {sent} sent, look {at_kill['looks']}; decided {done['decision']['kind']} at look {len(looks)}")
        restart_keeps_decision(stack, db, key, test, done, looks, received, "a2")
    finally:
        if stack:
            stack.stop()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_kill9_while_the_winner_sends_sends_nothing_twice(workdir, engine, monkeypatch):
    monkeypatch.setenv("HERALD_AB_TEST_EVALUATION_SECONDS", EVALUATION_SECONDS)
    stack = None
    try:
        stack, db, ports = start_stack(workdir, engine)
        key = stack.create_workspace()
        test = set_up(stack, ports["a"], key)
        decided = wait_until(lambda: (t := get_test(ports["a"], key, test))["status"] != "running" and t, 120, "the decision",
                             interval=0.2)
        assert decided["status"] == "completed", json.dumps(decided)
        at_decision = stack.truth()["accepted"]
        test_audience = decided["test_audience_size"]
        # The winner is on its way to the remaining audience: well past the test's messages.
        wait_until(lambda: (t := stack.truth()) and t["accepted"] >= max(at_decision, test_audience) + 200, 120, "the winner's send")
        stack.kill9("a")
        sent = stack.truth()["accepted"]
        at_kill = db.ab_test(test["id"])
        assert sent < len(eligible_phones()) - 100, f"the kill came after the winner's send finished: {sent}"
        winner_rows = sum(n for (_, phase, _), n in db.messages(test["campaign"]).items() if phase == "winner")
        stack.start_server("a2", ports["a"])
        done, looks, received = finish_and_check(stack, db, ports["a"], key, test)
        assert done["decision"] == decided["decision"], f"the decision changed across the kill: {decided['decision']} then {done['decision']}"
        assert at_kill["decided_at"] == db.ab_test(test["id"])["decided_at"]
        print(f"\n[{engine}] decided with {at_decision} sent, killed at {sent} sent ({winner_rows} winner rows, send {at_kill['winner_send']})")
        restart_keeps_decision(stack, db, key, test, done, looks, received, "a2")
    finally:
        if stack:
            stack.stop()


def test_two_servers_on_one_postgres_decide_a_test_once(workdir, monkeypatch):
    monkeypatch.setenv("HERALD_AB_TEST_EVALUATION_SECONDS", EVALUATION_SECONDS)
    stack = None
    try:
        stack, db, ports = start_stack(workdir, "postgres", servers=("a", "b"))
        key = stack.create_workspace()
        test = set_up(stack, ports["a"], key)
        # Whichever server took the first look is killed (the one that just looked is first again at the next one, so
        # without this a single server would look every time); the other must take over the looks and decide once.
        first = wait_until(lambda: (looks := db.looks(test["id"])) and looks[0], 120, "the first look", interval=0.05)
        looker = next(name for name, (process, _) in stack.servers.items() if first[1].startswith(f"herald-{process.pid}-"))
        stack.kill9(looker)
        at_kill = db.ab_test(test["id"])
        assert at_kill["status"] == "running" and at_kill["winner"] is None, f"the kill came after the decision: {at_kill}"
        stack.start_server(looker + "2", ports[looker])
        other = "b" if looker == "a" else "a"
        done, looks, received = finish_and_check(stack, db, ports[other], key, test)
        owners = {owner for _, owner, _, _ in looks}
        print(f"\n[postgres, two servers] killed {looker} after look {at_kill['looks']}; {len(looks)} looks by {len(owners)} servers")
        assert len(owners) >= 2, f"only one server evaluated: {owners}"
        restart_keeps_decision(stack, db, key, test, done, looks, received, other)
    finally:
        if stack:
            stack.stop()
