#!/usr/bin/env python3
"""Messaging benchmarks against real processes (release build): send throughput and webhook ingestion.

  scripts/bench-messaging.py send     [--contacts N] [--throughput R] [--database-url URL] [--no-webhooks]
  scripts/bench-messaging.py webhooks [--statuses N] [--per-post 100] [--clients C] [--database-url URL]
  either with [--binary PATH] (default .build/release/herald)

send: `herald simulator` (limit R/s) and `herald serve` with an account at R/s; a campaign to N opted-in
contacts. Reports the sustained rate (accepted sends per second between the first and last send, sampled
from the simulator every 0.25 s), the per-second rate p50/p95/max, the simulator's own maximum in any
one-second window, and 130429 rejections.

webhooks: a campaign of N/3 messages is first sent to a simulator that sends no webhooks; then C client
threads POST signed deliveries of --per-post statuses (sent, delivered, read for those wamids) as fast as
Herald acknowledges them. Reports statuses/s acknowledged (each acknowledgement means the delivery is
committed to the database), acknowledgement latency p50/p95/p99, and how long processing took to catch up.
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from benchlib import call, free_port, percentile, wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "herald")
SECRET, TOKEN = "bench-app-secret", "bench-token"


class Stack:
    def __init__(self, database_url, throughput, webhooks=True):
        self.work = tempfile.mkdtemp(prefix="herald-bench-")
        self.port, self.sim_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url or f"sqlite://{self.work}/herald.sqlite"
        self.env = dict(os.environ, HERALD_DATABASE_URL=self.database_url, HERALD_DATA_DIR=self.work, HERALD_PORT=str(self.port),
                        HERALD_LOG_LEVEL="warning", HERALD_ALLOWED_API_HOSTS="127.0.0.1")
        sim_args = [BIN, "simulator", "--port", str(self.sim_port), "--app-secret", SECRET, "--access-token", TOKEN,
                    "--throughput", str(throughput), "--time-scale", "0.01", "--link-base", self.base, "--log-level", "error",
                    "--batch-size", "100"]  # the webhook load Herald sees, not the POST shape, is measured here
        if webhooks:
            sim_args += ["--webhook-url", self.base + "/webhooks/whatsapp"]
        self.sim = subprocess.Popen(sim_args, stdout=subprocess.DEVNULL)
        self.server = subprocess.Popen([BIN, "serve"], env=self.env, stdout=subprocess.DEVNULL)
        wait_for(f"http://127.0.0.1:{self.sim_port}/_simulator/truth")
        wait_for(self.base + "/readyz")
        out = subprocess.run([BIN, "workspace", "create", "Bench"], env=self.env, capture_output=True, text=True, check=True)
        self.key = out.stdout.strip().split()[-1]

    def truth(self):
        return call("GET", f"http://127.0.0.1:{self.sim_port}/_simulator/truth")

    def campaign(self, contacts, throughput):
        for start in range(0, contacts, 10_000):
            rows = [{"phone": f"+9196{i:08d}", "name": f"Bench {i}", "consent": "opted_in"} for i in range(start, min(start + 10_000, contacts))]
            call("POST", self.base + "/api/contacts/bulk", {"contacts": rows}, self.key)
        account = call("POST", self.base + "/api/whatsapp/accounts", {
            "name": "Bench", "phone_number_id": "100000000000001", "waba_id": "200000000000001", "access_token": TOKEN, "app_secret": SECRET,
            "verify_token": "v", "api_base_url": f"http://127.0.0.1:{self.sim_port}", "throughput": throughput, "messaging_tier": "TIER_UNLIMITED"}, self.key)
        call("POST", self.base + f"/api/whatsapp/accounts/{account['id']}/templates/sync", None, self.key)
        template = next(t for t in call("GET", self.base + "/api/templates", None, self.key)["data"] if t["name"] == "spring_sale")
        campaign = call("POST", self.base + "/api/campaigns", {
            "name": "Bench", "template_id": template["id"], "cta_url": "https://shop.example/b",
            "variables": {"1": {"field": "first_name", "fallback": "there"}, "2": {"text": "5%"}}}, self.key)
        return campaign["id"]

    def close(self):
        for p in (self.server, self.sim):
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(self.work, ignore_errors=True)


def bench_send(args):
    stack = Stack(args.database_url, args.throughput, webhooks=not args.no_webhooks)
    try:
        campaign = stack.campaign(args.contacts, args.throughput)
        call("POST", stack.base + f"/api/campaigns/{campaign}/schedule", None, stack.key)
        samples = []
        while True:
            t = stack.truth()
            samples.append((time.time(), t["accepted"]))
            if t["accepted"] >= args.contacts:
                break
            time.sleep(0.25)
        truth = stack.truth()
        start = next(i for i, (_, n) in enumerate(samples) if n > 0)
        (t0, n0), (t1, n1) = samples[start], samples[-1]
        per_second = []
        j = start
        for i in range(start, len(samples)):
            while samples[i][0] - samples[j][0] > 1.0:
                j += 1
            if samples[i][0] - samples[start][0] >= 1.0 and i > j:
                per_second.append((samples[i][1] - samples[j][1]) / (samples[i][0] - samples[j][0]))
        print(json.dumps({
            "benchmark": "send", "database": stack.database_url.split(":")[0], "messages": args.contacts, "limit_per_s": args.throughput,
            "sustained_per_s": round((n1 - n0) / (t1 - t0), 1), "seconds": round(t1 - t0, 1),
            "per_second_p50": round(percentile(per_second, 50), 1), "per_second_p95": round(percentile(per_second, 95), 1),
            "simulator_max_in_any_second": truth["maxObservedRatePerSecond"], "rejected": truth["rejected"],
            "webhooks": not args.no_webhooks,
        }))
    finally:
        stack.close()


def wamids(stack):
    if stack.database_url.startswith("sqlite"):
        out = subprocess.run(["sqlite3", stack.database_url[len("sqlite://"):], "SELECT wamid FROM messages WHERE wamid IS NOT NULL"],
                             capture_output=True, text=True, check=True)
    else:
        out = subprocess.run(["psql", stack.database_url, "-At", "-c", "SELECT wamid FROM messages WHERE wamid IS NOT NULL"],
                             capture_output=True, text=True, check=True)
    return out.stdout.split()


def bench_webhooks(args):
    messages = args.statuses // 3
    stack = Stack(args.database_url, 1000, webhooks=False)
    try:
        campaign = stack.campaign(messages, 1000)
        call("POST", stack.base + f"/api/campaigns/{campaign}/schedule", None, stack.key)
        while stack.truth()["accepted"] < messages:
            time.sleep(0.5)
        time.sleep(2)
        ids = wamids(stack)
        now = int(time.time())
        items = [{"id": w, "status": s, "timestamp": str(now + k), "recipient_id": "919600000000",
                  "pricing": {"billable": True, "pricing_model": "PMP", "type": "regular", "category": "marketing"}}
                 for k, s in enumerate(("sent", "delivered", "read")) for w in ids]
        bodies = []
        for i in range(0, len(items), args.per_post):
            body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "200000000000001", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001234", "phone_number_id": "100000000000001"},
                "statuses": items[i:i + args.per_post]}}]}]}).encode()
            signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            bodies.append((body, signature, len(items[i:i + args.per_post])))
        latencies, lock, cursor = [], threading.Lock(), [0]

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
            mine = []
            while True:
                with lock:
                    if cursor[0] >= len(bodies):
                        break
                    body, signature, _ = bodies[cursor[0]]
                    cursor[0] += 1
                started = time.perf_counter()
                conn.request("POST", "/webhooks/whatsapp", body=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - started)
                if response.status != 200:
                    raise SystemExit(f"webhook answered {response.status}")
            with lock:
                latencies.extend(mine)

        started = time.time()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        acknowledged = time.time() - started
        while True:
            stats = call("GET", stack.base + f"/api/campaigns/{campaign}", None, stack.key)["stats"]
            if stats["read"] >= len(ids) or time.time() - started > 1800:
                break
            time.sleep(0.5)
        processed = time.time() - started
        print(json.dumps({
            "benchmark": "webhooks", "database": stack.database_url.split(":")[0], "statuses": len(items), "per_post": args.per_post,
            "clients": args.clients, "acknowledged_statuses_per_s": round(len(items) / acknowledged), "ack_seconds": round(acknowledged, 1),
            "ack_ms_p50": round(percentile(latencies, 50) * 1000, 1), "ack_ms_p95": round(percentile(latencies, 95) * 1000, 1),
            "ack_ms_p99": round(percentile(latencies, 99) * 1000, 1), "processed_statuses_per_s": round(len(items) / processed),
            "processing_seconds": round(processed, 1),
        }))
    finally:
        stack.close()


def main():
    global BIN
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", choices=["send", "webhooks"])
    parser.add_argument("--contacts", type=int, default=30_000)
    parser.add_argument("--throughput", type=int, default=1000)
    parser.add_argument("--statuses", type=int, default=150_000)
    parser.add_argument("--per-post", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url")
    parser.add_argument("--no-webhooks", action="store_true", help="send: the simulator sends no status webhooks (isolates the send path)")
    parser.add_argument("--binary", default=None, help="the herald binary to measure, e.g. an older commit's release build to compare with")
    args = parser.parse_args()
    BIN = os.path.abspath(args.binary or BIN)
    if not os.path.exists(BIN):
        raise SystemExit("build first: swift build -c release")
    bench_send(args) if args.which == "send" else bench_webhooks(args)


if __name__ == "__main__":
    main()
