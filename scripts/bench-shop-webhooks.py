#!/usr/bin/env python3
"""Shop webhook load (issue 13): N signed Shopify orders/create webhooks sent as fast as C client threads can, on
loopback, to a release `herald serve`.

  scripts/bench-shop-webhooks.py [--orders 1000] [--clients 16] [--duplicates 100] [--database-url URL] [--binary PATH]

Half the buyers are existing contacts (matched by phone), half are new; every order names one of 10 products, whose
categories Herald asks of a fake Shopify Admin API on loopback once each. After the N webhooks, D of them are sent
again with the same X-Shopify-Webhook-Id (Shopify's retry). Reports acknowledgement latency (p50/p95/p99/max; the goal
is every one within Shopify's 5 s), the send rate, how long the worker took to apply the backlog, and checks that each
order was applied exactly once: N orders, each with its own total, N deliveries stored, none pending or failed.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from benchlib import call, free_port, percentile, wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "herald")
DOMAIN, TOKEN, SECRET = "bench-shop.myshopify.com", "shpat_bench", "bench-client-secret"


class FakeShopify(http.server.BaseHTTPRequestHandler):
    """Products only: `GET /admin/api/<v>/products/<id>.json` with the product type."""
    asked = []

    def do_GET(self):
        if self.headers.get("X-Shopify-Access-Token") != TOKEN:
            self.send_response(401)
            self.end_headers()
            return
        product = self.path.split("/products/")[-1].split(".json")[0]
        FakeShopify.asked.append(product)
        body = json.dumps({"product": {"id": int(product), "title": f"Product {product}", "product_type": f"Type {int(product) % 3}"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def order(n):
    phone = f"+1613555{n:04d}"
    return {"id": 7_000_000 + n, "name": f"#{1000 + n}", "email": f"buyer{n}@example.com", "phone": phone, "currency": "USD",
            "total_price": f"{10 + n}.{n % 100:02d}", "financial_status": "paid", "created_at": "2026-11-30T10:00:00-05:00",
            "customer": {"id": 9_000_000 + n, "email": f"buyer{n}@example.com", "phone": phone},
            "billing_address": {"country_code": "US"},
            "line_items": [{"id": 8_000_000 + n, "product_id": 500 + n % 10, "title": f"Product {500 + n % 10}", "quantity": 1,
                            "price": f"{10 + n}.{n % 100:02d}"}], "refunds": []}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duplicates", type=int, default=100)
    parser.add_argument("--database-url")
    parser.add_argument("--binary", default=BIN)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="herald-shop-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    shop = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeShopify)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    env = dict(os.environ, HERALD_DATABASE_URL=args.database_url or f"sqlite://{work}/herald.sqlite", HERALD_DATA_DIR=work,
               HERALD_PORT=str(port), HERALD_LOG_LEVEL="warning", HERALD_ALLOWED_API_HOSTS="127.0.0.1")
    server = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for(base + "/readyz")
        key = subprocess.run([args.binary, "workspace", "create", "Bench"], env=env, capture_output=True, text=True, check=True).stdout.split()[-1]
        existing = [{"phone": f"+1613555{n:04d}", "name": f"Known {n}"} for n in range(0, args.orders, 2)]
        call("POST", base + "/api/contacts/bulk", {"contacts": existing}, key)
        integration = call("POST", base + "/api/integrations", {
            "kind": "shopify", "shop_domain": DOMAIN, "access_token": TOKEN, "webhook_secret": SECRET,
            "api_base_url": f"http://127.0.0.1:{shop.server_address[1]}"}, key)

        bodies = [json.dumps(order(n)).encode() for n in range(args.orders)]
        jobs = [(f"bench-{n}", bodies[n]) for n in range(args.orders)]
        latencies, failures, lock = [], [], threading.Lock()

        def worker(items):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for webhook_id, body in items:
                signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
                headers = {"Content-Type": "application/json", "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": DOMAIN,
                           "X-Shopify-Webhook-Id": webhook_id, "X-Shopify-Hmac-Sha256": signature, "X-Shopify-API-Version": "2025-01"}
                started = time.perf_counter()
                try:
                    connection.request("POST", "/api/integrations/shopify/webhook", body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except Exception as error:  # a dropped connection counts as a failure, then a fresh one is used
                    status = str(error)
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        failures.append(status)

        def send(items):
            threads = [threading.Thread(target=worker, args=(items[i::args.clients],)) for i in range(args.clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return time.perf_counter() - started

        sent_at = time.time()
        duration = send(jobs)
        first = list(latencies)
        duplicates_duration = send(jobs[: args.duplicates])
        detail = call("GET", base + f"/api/integrations/{integration['id']}", None, key)
        pending_after_send = detail["deliveries"]["pending"]
        while detail["deliveries"]["pending"] > 0:
            time.sleep(0.2)
            detail = call("GET", base + f"/api/integrations/{integration['id']}", None, key)
        caught_up = time.time() - sent_at

        orders, cursor = [], None
        while True:
            page = call("GET", base + "/api/orders?limit=1000" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""), None, key)
            orders += page["data"]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        expected = {f"{DOMAIN}/{7_000_000 + n}": round((10 + n + (n % 100) / 100) * 100) for n in range(args.orders)}
        got = {o["external_id"]: o["total"] for o in orders}
        contacts = call("GET", base + "/api/contacts?limit=1", None, key)
        print(json.dumps({
            "database": "postgres" if args.database_url else "sqlite", "orders": args.orders, "clients": args.clients,
            "duplicates": args.duplicates,
            "ack_ms": {"p50": round(percentile(first, 50) * 1000, 1), "p95": round(percentile(first, 95) * 1000, 1),
                       "p99": round(percentile(first, 99) * 1000, 1), "max": round(max(first) * 1000, 1)},
            "over_5s": sum(1 for x in latencies if x > 5), "non_200": failures[:5], "non_200_count": len(failures),
            "send_s": round(duration, 2), "webhooks_per_s": round(args.orders / duration, 1),
            "duplicates_s": round(duplicates_duration, 2), "pending_after_send": pending_after_send,
            "applied_all_after_s": round(caught_up, 2),
            "deliveries": detail["deliveries"], "orders_stored": len(orders), "orders_match": got == expected,
            "product_lookups": len(FakeShopify.asked),
        }, indent=2))
        ok = not failures and got == expected and detail["deliveries"]["received"] == args.orders and detail["deliveries"]["failed"] == 0 \
            and max(latencies) <= 5
        sys.exit(0 if ok else 1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shop.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
