"""pywa 4.5.0, a widely used Python Cloud API client that shares no code with Herald, as an independent check.

Part A (simulator → pywa): pywa calls `herald simulator`'s Graph API (list, create and send templates, by phone
and by BSUID) and parses every webhook the simulator delivers with its own update types, signature check
included. A simulator whose webhooks pywa cannot read would teach Herald a Cloud API that does not exist.

Part B (Meta's shapes → Herald): webhook bodies shaped as Meta's reference pages show them (tests/clients/meta),
with and without phone numbers, are posted signed to `herald serve`; the test checks what Herald stored.
"""

import json
import logging
import pathlib
import re
import subprocess
import time

import pytest
from pywa import errors as pywa_errors
from pywa import handlers as pywa_handlers
from pywa.types import CallbackButton, Message, MessageStatus, PhoneNumberChange
from pywa.types import templates as tpl

from conftest import (
    APP_SECRET, PHONE_ID, TOKEN, WABA_ID, Simulator, Stack, http, post_signed, postgres_database, pywa_client, wait_until,
)

META = pathlib.Path(__file__).resolve().parent / "meta"

# Part A recipients: no +1 numbers, whose marketing messages Meta (and the simulator) fail with 131026.
RECIPIENTS = (
    [f"4477009{i:05d}" for i in range(8)] + [f"91981234{i:04d}" for i in range(6)] + [f"55119876{i:05d}" for i in range(6)]
)
# Writes first, with a username: Meta does not share this phone with the business.
WITHHELD = "4915112345678"
# Everyone delivers and reads, many react, nobody fails (see the docstring of the Part A test).
BEHAVIOUR = {
    "deliverRate": 1, "readRate": 0.9, "clickRate": 0.3, "quickReplyRate": 0.3, "textReplyRate": 0.3, "stopRate": 0.15,
    "failures": {},
}
# pywa's handler types for what the simulator sends; each typed update is counted once.
TYPED_HANDLERS = (
    pywa_handlers.MessageHandler, pywa_handlers.CallbackButtonHandler, pywa_handlers.CallbackSelectionHandler,
    pywa_handlers.MessageStatusHandler, pywa_handlers.PhoneNumberChangeHandler, pywa_handlers.IdentityChangeHandler,
    pywa_handlers.TemplateStatusUpdateHandler, pywa_handlers.UserMarketingPreferencesHandler,
)


class PywaRecords(logging.Handler):
    """Keeps pywa's WARNING and ERROR records: it logs "Failed to construct update" instead of raising."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def check_template(name):
    """A marketing template made with pywa's own types, with the examples Meta requires for its variables."""
    return tpl.Template(
        name=name,
        category=tpl.TemplateCategory.MARKETING,
        language=tpl.TemplateLanguage.ENGLISH_US,
        parameter_format=tpl.ParamFormat.POSITIONAL,
        components=[
            tpl.BodyText("Hi {{1}}, {{2}} off the new collection this week.", "Maria", "15%"),
            tpl.FooterText(text="Reply STOP to opt out"),
            tpl.Buttons(buttons=[
                tpl.URLButton(text="Shop now", url="https://shop.example/c/{{1}}", example="https://shop.example/c/abc123"),
                tpl.QuickReplyButton(text="Stop promotions"),
            ]),
        ],
    )


def template_params(i):
    return [
        tpl.BodyText.params(f"Client {i}", "15%"),
        tpl.URLButton.params(url_variable=f"t{i:04d}", index=0),
        tpl.QuickReplyButton.params(callback_data=f"stop-{i}", index=1),
    ]


def values(body):
    return [change["value"] for entry in body.get("entry", []) for change in entry.get("changes", [])]


def statuses(sink):
    return [s for body in sink.bodies() for v in values(body) for s in v.get("statuses", [])]


def wait_for_quiet(simulator, sink, what):
    """pendingEvents 0, then no new POST for a second (a POST in flight is not pending any more)."""
    wait_until(lambda: (t := simulator.truth()) and t["pendingEvents"] == 0, 60, f"the simulator to settle ({what})")
    last = -1
    while last != len(sink.snapshot()):
        last = len(sink.snapshot())
        time.sleep(1)


def test_pywa_lists_creates_sends_and_parses_every_simulator_webhook(workdir, sink):
    """Failed statuses are left out on purpose: Meta sends them without a `contacts` block and pywa 4.5.0's
    MessageStatus.from_update reads `value["contacts"][0]` unconditionally (pywa/types/message_status.py, line
    204), so no failure rates and no +1 marketing here; Herald's handling of contact-less failed statuses is
    Part B's and the Swift tests' job. Likewise the number change is made by a user whose phone the business
    may see (user_changed_number, with `from`): pywa reads `user_changed_user_id` with the same type, which
    needs `from` (pywa/types/system.py, line 71), and Meta sends that message without a phone. Everything
    else the simulator sends must parse: 100 %."""
    simulator = Simulator(workdir, [
        "--webhook-url", f"http://127.0.0.1:{sink.port}/", "--time-scale", "0.02", "--seed", "7",
        "--link-base", f"http://127.0.0.1:{sink.port}", "--username-share", "0.3",
    ])
    try:
        wa = pywa_client(simulator.port)

        # Listing: the page's summary and every template's components as pywa's types, not dicts.
        listed = wa.get_templates()
        assert listed.total_count == 3
        assert sorted(t.name for t in listed) == ["back_in_stock", "order_update", "spring_sale"]
        for template in listed:
            assert template.parameter_format is not None, template.name
            bodies = [c for c in template.components if isinstance(c, tpl.BodyText)]
            assert len(bodies) == 1, f"{template.name}: {template.components}"
            assert not any(isinstance(c, dict) for c in template.components), f"{template.name}: unparsed {template.components}"

        # Creating: PENDING at once, APPROVED by webhook.
        created = wa.create_template(check_template("pywa_check"))
        assert created.status == tpl.TemplateStatus.PENDING
        wait_until(
            lambda: any(v.get("event") == "APPROVED" and v.get("message_template_name") == "pywa_check"
                        for body in sink.bodies() for v in values(body)),
            30, "the APPROVED webhook of pywa_check",
        )
        assert "pywa_check" in [t.name for t in wa.get_templates()]

        # Sending by phone, each with a tracker that comes back in its statuses.
        simulator.control("PUT", "behaviour", BEHAVIOUR)
        for i, phone in enumerate(RECIPIENTS):
            sent = wa.send_template(
                to=phone, name="pywa_check", language=tpl.TemplateLanguage.ENGLISH_US, params=template_params(i),
                tracker=f"pywa-{i}",
            )
            assert sent.id.startswith("wamid."), sent
        wait_until(lambda: len({s["id"] for s in statuses(sink) if s["status"] == "sent"}) == len(RECIPIENTS), 60,
                   "a sent status for every message")

        # A username user the business never sent to writes first: Meta withholds the phone, so the reply
        # goes by BSUID (pywa sends `recipient`) and its statuses carry no wa_id. Two users the business sent to
        # by phone get a second message by BSUID too. Then the first user sends STOP, and a user the business
        # sent to changes number (user_changed_number: the new number is shared).
        simulator.control("POST", "inbound", {"from": WITHHELD, "username": "lena.k", "text": "Hello there"})
        first = wait_until(
            lambda: next((v for body in sink.bodies() for v in values(body)
                          if any(m.get("text", {}).get("body") == "Hello there" for m in v.get("messages", []))), None),
            30, "the withheld-phone user's message",
        )
        assert "wa_id" not in first["contacts"][0] and "from" not in first["messages"][0], first
        withheld_bsuid = first["contacts"][0]["user_id"]
        known = sorted({c["user_id"] for body in sink.bodies() for v in values(body) if "statuses" in v
                        for c in v.get("contacts", []) if c.get("wa_id")})
        assert len(known) == len(RECIPIENTS), f"statuses name {len(known)} BSUIDs for {len(RECIPIENTS)} recipients"
        for j, bsuid in enumerate([withheld_bsuid, *known[:2]]):
            sent = wa.send_template(
                to=bsuid, name="pywa_check", language=tpl.TemplateLanguage.ENGLISH_US,
                params=template_params(100 + j), tracker=f"pywa-bsuid-{j}",
            )
            assert sent.id.startswith("wamid.") and sent.input == bsuid, sent
        simulator.control("POST", "inbound", {"from": WITHHELD, "username": "lena.k", "text": "STOP"})
        simulator.control("POST", "change-number", {"from": RECIPIENTS[0], "new_phone": "447700988888"})

        # Errors map to pywa's exceptions.
        with pytest.raises(pywa_errors.ExpiredAccessToken):
            pywa_client(simulator.port, token="wrong-token").send_template(
                to=RECIPIENTS[1], name="pywa_check", language=tpl.TemplateLanguage.ENGLISH_US, params=template_params(1)
            )
        with pytest.raises(pywa_errors.TemplateNotExists):
            wa.send_template(to=RECIPIENTS[1], name="no_such_template", language=tpl.TemplateLanguage.ENGLISH_US)

        wait_for_quiet(simulator, sink, "every webhook delivered")
        posts = sink.snapshot()
        check_every_post_parses(wa, posts)
    finally:
        simulator.stop()


def check_every_post_parses(wa, posts):
    assert posts, "the simulator delivered no webhooks"
    # One update per POST, as Meta usually sends and as pywa reads (entry[0].changes[0], statuses[0]).
    for body, _ in posts:
        parsed = json.loads(body)
        vals = values(parsed)
        assert len(parsed["entry"]) == 1 and len(vals) == 1, body[:300]
        for key in ("statuses", "messages"):
            assert len(vals[0].get(key, [None])) == 1, f"{len(vals[0][key])} {key} in one POST: {body[:300]}"

    # Signatures: every POST passes pywa's check; a flipped byte does not.
    for body, sig in posts:
        assert sig and sig.startswith("sha256="), "a webhook without X-Hub-Signature-256"
        assert wa.webhook_update_validator(body, sig) is None, f"pywa rejects the signature of {body[:200]}"
        tampered = bytes([body[0] ^ 1]) + body[1:]
        assert wa.webhook_update_validator(tampered, sig) == ("Forbidden", 403)

    typed, raw, kinds = [], [], {}

    def on_typed(_, update):
        typed.append(update)
        kinds[type(update).__name__] = kinds.get(type(update).__name__, 0) + 1

    wa.add_handlers(*(handler(on_typed) for handler in TYPED_HANDLERS))
    wa.add_handlers(pywa_handlers.RawUpdateHandler(lambda _, update: raw.append(update)))
    records = PywaRecords()
    logger = logging.getLogger("pywa")
    logger.addHandler(records)
    try:
        for body, _ in posts:
            assert wa.webhook_update_handler(body) == ("ok", 200)
    finally:
        logger.removeHandler(records)

    problems = [f"{r.levelname} {r.getMessage()}" + (f": {r.exc_info[1]!r}" if r.exc_info else "") for r in records.records]
    assert problems == [], f"pywa could not read {len(problems)} of {len(posts)} webhooks: {problems[:5]}"
    assert len(raw) == len(posts)
    assert len(typed) == len(posts), f"pywa typed {len(typed)} of {len(posts)} webhooks: {kinds}"

    # What the typed updates say, in pywa's words.
    status_updates = [u for u in typed if isinstance(u, MessageStatus)]
    assert status_updates and all(u.from_user.bsuid for u in status_updates)
    assert {u.tracker for u in status_updates} >= {f"pywa-{i}" for i in range(len(RECIPIENTS))} | {f"pywa-bsuid-{j}" for j in range(3)}
    assert [u for u in status_updates if u.tracker == "pywa-bsuid-0" and u.from_user.wa_id is None], \
        "no status without a phone for the message sent by BSUID to the user who withholds it"
    messages = [u for u in typed if isinstance(u, (Message, CallbackButton))]
    assert messages and all(u.from_user.bsuid for u in messages)
    assert any(isinstance(u, CallbackButton) for u in typed), kinds
    phoneless = [u for u in messages if u.from_user.wa_id is None]
    assert phoneless, "no inbound message came from a user who withholds their phone"
    assert all(u.from_user.username for u in phoneless), "a phone-less sender without a username"
    assert any(isinstance(u, PhoneNumberChange) for u in typed), kinds


# ---------------------------------------------------------------- Part B: Meta's shapes → herald serve

PEOPLE = {"ada": "+447700900001", "ben": "+447700900002", "cleo": "+447700900003", "dev": "+447700900004"}


def fill(text, now, wamids):
    """Meta bodies carry placeholders: {{ts+N}} (a Unix time as Meta's string), "{{int ts+N}}" (as a number),
    {{wamid:name}} (the wamid Herald got for that contact's campaign message)."""
    text = re.sub(r'"\{\{int ts\+(\d+)\}\}"', lambda m: str(now + int(m.group(1))), text)
    text = re.sub(r"\{\{ts\+(\d+)\}\}", lambda m: str(now + int(m.group(1))), text)
    return re.sub(r"\{\{wamid:(\w+)\}\}", lambda m: wamids[m.group(1)], text)


class Herald:
    """One `herald serve` with a workspace, an account on a simulator that sends no webhooks (so the test's
    own bodies are the only ones), four opted-in contacts and a sent campaign."""

    def __init__(self, stack, engine):
        self.stack, self.engine = stack, engine
        self.base = f"http://127.0.0.1:{stack.webhook_port}"
        self.key = stack.create_workspace()

    def api(self, method, path, body=None, expect=200):
        status, answer = http(method, self.base + path, body, key=self.key)
        assert status == expect, f"{method} {path}: {status} {answer}"
        return answer

    def contacts(self):
        return self.api("GET", "/api/contacts?limit=1000")["data"]

    def unprocessed(self):
        """Webhook deliveries stored but not applied yet, with their last error (no API says this)."""
        query = "SELECT count(*), coalesce(max(error), '') FROM webhook_deliveries WHERE processed_at IS NULL"
        if self.engine == "sqlite":
            command = ["sqlite3", self.stack.database_url.removeprefix("sqlite://"), query]
        else:
            command = ["psql", self.stack.database_url, "-At", "-F", "|", "-c", query]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
        count, _, error = out.partition("|")
        return int(count), error

    def send_campaign(self, name):
        template = next(t for t in self.api("GET", "/api/templates")["data"] if t["name"] == "spring_sale")
        campaign = self.api("POST", "/api/campaigns", {
            "name": name, "template_id": template["id"], "cta_url": "https://shop.example/c",
            "variables": {"1": {"field": "first_name", "fallback": "there"}, "2": {"text": "10%"}},
        }, expect=201)
        self.api("POST", f"/api/campaigns/{campaign['id']}/schedule")
        wait_until(lambda: self.api("GET", f"/api/campaigns/{campaign['id']}")["status"] == "completed", 60,
                   f"campaign {name} to complete", interval=0.5)
        return campaign["id"]

    def messages(self, campaign_id):
        return self.api("GET", f"/api/campaigns/{campaign_id}/messages?limit=1000")["data"]


def start_herald(workdir, engine):
    url = f"sqlite://{workdir}/herald.sqlite" if engine == "sqlite" else postgres_database()
    stack = Stack(workdir, url)
    stack.sim = stack.spawn("simulator", [
        "simulator", "--port", str(stack.sim_port), "--app-secret", APP_SECRET, "--access-token", TOKEN,
        "--phone-number-id", PHONE_ID, "--waba-id", WABA_ID, "--seed", "3", "--log-level", "warning",
    ])
    wait_until(lambda: stack.truth() is not None, 30, "the simulator")
    stack.start_server("serve", stack.webhook_port)
    herald = Herald(stack, engine)
    herald.api("POST", "/api/contacts/bulk", {"contacts": [
        {"phone": phone, "name": name.title(), "consent": "opted_in"} for name, phone in PEOPLE.items()
    ]})
    account = herald.api("POST", "/api/whatsapp/accounts", {
        "name": "Meta shapes", "phone_number_id": PHONE_ID, "waba_id": WABA_ID, "access_token": TOKEN,
        "app_secret": APP_SECRET, "verify_token": "v", "api_base_url": f"http://127.0.0.1:{stack.sim_port}",
        "messaging_tier": "TIER_UNLIMITED",
    }, expect=201)
    herald.api("POST", f"/api/whatsapp/accounts/{account['id']}/templates/sync")
    return stack, herald


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_meta_shaped_webhooks_with_and_without_phone_numbers_are_stored(workdir, engine):
    """Each body of tests/clients/meta is posted signed, in file order, and applied before the next one is
    posted (webhook_deliveries drained), so the outcome does not depend on Herald's apply order. Every check
    is made and the failing ones are listed together."""
    stack, herald = start_herald(workdir, engine)
    try:
        campaign = herald.send_campaign("Meta shapes")
        sent = herald.messages(campaign)
        by_phone = {m["phone"]: m for m in sent}
        assert set(by_phone) == set(PEOPLE.values()), sent
        wamids = {name: by_phone[phone]["wamid"] for name, phone in PEOPLE.items()}
        ids = {name: by_phone[phone]["contact_id"] for name, phone in PEOPLE.items()}

        problems = []
        now = int(time.time()) - 13  # the bodies span now+1 … now+12: in the past, after the contacts were made
        for path in sorted(META.glob("*.json")):
            body = fill(path.read_text(), now, wamids).encode()
            json.loads(body)
            status = post_signed(herald.base + "/webhooks/whatsapp", body)
            assert status == 200, f"{path.name}: HTTP {status}"
            try:
                wait_until(lambda: herald.unprocessed()[0] == 0, 20, f"{path.name} to be applied")
            except AssertionError:
                problems.append(f"{path.name} was not applied within 20 s: {herald.unprocessed()[1]}")

        contacts = herald.contacts()
        by_id = {c["id"]: c for c in contacts}

        def check(what, ok):
            if not ok:
                problems.append(what)

        # 02, 03: a username user without a phone writes, then STOPs: one contact, no phone, opted out.
        zoe = [c for c in contacts if c.get("username") == "zoe.k" or c.get("bsuid") in ("GB.20000000000000000002", "GB.50000000000000000005")]
        check(f"02/03: one contact for the phone-less username user, found {len(zoe)}", len(zoe) == 1)
        if zoe:
            z = zoe[0]
            check(f"02: the phone-less user has no phone, got {z.get('phone')!r}", z.get("phone") is None)
            check(f"02: the username is zoe.k, got {z.get('username')!r}", z.get("username") == "zoe.k")
            check(f"03: STOP opted the phone-less user out, got {z['consent']}", z["consent"]["status"] == "opted_out")
            # 09: user_changed_user_id moved the BSUID.
            check(f"09: the BSUID changed to GB.5…, got {z.get('bsuid')!r}", z.get("bsuid") == "GB.50000000000000000005")

        # 01: a message with phone and BSUID records the pair, the parent BSUID and the username.
        ada = by_id.get(ids["ada"], {})
        check(f"01: Ada's BSUID recorded, got {ada.get('bsuid')!r}", ada.get("bsuid") == "GB.10000000000000000001")
        check(f"01: Ada's parent BSUID recorded, got {ada.get('parent_bsuid')!r}", ada.get("parent_bsuid") == "GB.ENT.10000000000000000091")
        check(f"01: Ada's username recorded, got {ada.get('username')!r}", ada.get("username") == "ada.lovelace")
        # 07: a failed 131050 without contacts finds its message and opts the contact out.
        check(f"07: 131050 opted Ada out, got {ada.get('consent')}", ada.get("consent", {}).get("status") == "opted_out")

        # 04-06: statuses with a contacts block update the message and teach Ben's BSUID and username; 08 then
        # changes his number (and BSUID); 10 (user_preferences by user_id alone) opts him out.
        ben = by_id.get(ids["ben"], {})
        check(f"08: Ben's new number applied, got {ben.get('phone')!r}", ben.get("phone") == "+447700900099")
        check(f"08: Ben's new BSUID applied, got {ben.get('bsuid')!r}", ben.get("bsuid") == "GB.40000000000000000004")
        check(f"05/06: Ben's username learned from statuses, got {ben.get('username')!r}", ben.get("username") == "ben.t")
        check(f"10: user_preferences stop by user_id opted Ben out, got {ben.get('consent')}",
              ben.get("consent", {}).get("status") == "opted_out")
        check(f"08: no second contact for Ben's new number or BSUID: {[c['id'] for c in contacts if c.get('phone') == '+447700900099' or c.get('bsuid') == 'GB.40000000000000000004']}",
              [c["id"] for c in contacts if c.get("phone") == "+447700900099" or c.get("bsuid") == "GB.40000000000000000004"] == [ids["ben"]])

        # 11: one POST, two entries, several statuses: all applied.
        cleo = by_id.get(ids["cleo"], {})
        check(f"11: Cleo's BSUID learned from the second status batch, got {cleo.get('bsuid')!r}", cleo.get("bsuid") == "GB.60000000000000000006")
        messages = {m["contact_id"]: m for m in herald.messages(campaign)}
        expected = {"ada": "failed", "ben": "read", "cleo": "read", "dev": "delivered"}
        for name, status in expected.items():
            got = messages.get(ids[name], {}).get("status")
            check(f"04-07/11: {name}'s message is {status}, got {got}", got == status)
        check(f"07: Ada's message failed with 131050, got {messages.get(ids['ada'], {}).get('error_code')}",
              messages.get(ids["ada"], {}).get("error_code") == 131050)

        check(f"no contact beyond the four and the phone-less user: {len(contacts)} contacts", len(contacts) == 5)

        # A later campaign skips everyone who opted out, the phone-less user included.
        later = herald.messages(herald.send_campaign("After the STOPs"))
        skipped = {ids["ada"], ids["ben"]} | {z["id"] for z in zoe}
        check(f"a later campaign messages no opted-out contact: {[m['contact_id'] for m in later if m['contact_id'] in skipped and m['status'] != 'suppressed']}",
              not [m for m in later if m["contact_id"] in skipped and m["status"] != "suppressed"])

        assert problems == [], f"{len(problems)} checks failed on {engine}:\n  " + "\n  ".join(problems)
    finally:
        stack.stop()
