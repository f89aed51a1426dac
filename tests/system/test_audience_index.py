"""Two `herald serve` processes on one PostgreSQL: a write through one is counted by the other's audience index."""

import time

from conftest import Stack, free_port, http, postgres_database, wait_until

RULES = {"combinator": "and", "children": [
    {"field": "contact.tags", "operator": "contains", "value": "vip"},
    {"field": "purchases.total_spend", "operator": "gt", "value": 100, "window": {"last_days": 30}},
]}


def preview(port, key):
    status, body = http("POST", f"http://127.0.0.1:{port}/api/segments/preview", {"rules": RULES, "limit": 0}, key=key)
    assert status == 200, body
    return body


def test_a_write_through_one_server_is_counted_by_the_other_within_a_second(workdir):
    stack = Stack(workdir, postgres_database())
    try:
        a, b = free_port(), free_port()
        stack.start_server("a", a)
        stack.start_server("b", b)
        key = stack.create_workspace()
        for i in range(20):
            status, body = http("POST", f"http://127.0.0.1:{a}/api/contacts",
                                {"phone": f"+4915100{i:05d}", "tags": ["vip"] if i % 2 == 0 else []}, key=key)
            assert status == 201, body
        # Server b builds its index on first use; from then on it answers from it.
        wait_until(lambda: preview(b, key)["engine"] == "index", 30, "server b's index", interval=0.1)
        assert preview(b, key)["count"] == 0

        lags = []
        for i in range(10):
            phone = f"+4915100{i * 2:05d}"  # a vip contact
            before = preview(b, key)["count"]
            status, body = http("POST", f"http://127.0.0.1:{a}/api/orders",
                                [{"external_id": f"o{i}", "contact": phone, "total": 20000}], key=key)
            assert status == 201, body
            written = time.monotonic()
            seen = wait_until(lambda: (p := preview(b, key))["count"] == before + 1 and p, 1.0,
                              "server b to count the order written through server a", interval=0.01)
            lags.append(time.monotonic() - written)
            assert seen["engine"] == "index", seen
        print(f"write-to-count lag through another server: max {max(lags) * 1000:.1f} ms over {len(lags)} writes")
        assert preview(b, key)["count"] == 10
        assert preview(a, key)["count"] == 10
    finally:
        stack.stop()
