"""Report exports against a real `herald serve`: a campaign imported from history (José, Zoë, Łukasz and a contact
named like a spreadsheet formula), exported as PDF and CSV through the API, checked with qpdf, pdftotext and Python's
csv module against GET /api/analytics/campaigns/{id}/metrics."""

import csv
import io
import shutil
import subprocess
import urllib.request

import pytest
from conftest import Stack, free_port, http, postgres_database, wait_until

FILTERS = {"from": "2026-05-01", "to": "2026-05-31", "country": "BR"}
CAMPAIGN = "Outono Zoë"
# name, phone, the statuses of their message (each a minute after the last, from 10 May 2026 12:00 UTC)
PEOPLE = [
    ("José Silva", "+5511910000001", ["sent", "delivered", "read", "clicked"]),
    ("Zoë Costa", "+5511910000002", ["sent", "delivered", "read"]),
    ("Łukasz Nowak", "+5511910000003", ["sent", "delivered", "read", "clicked"]),
    ("=cmd", "+5511910000004", ["sent", "delivered"]),
]


def download(url, key):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers, response.read()


def export(base, key, body):
    status, accepted = http("POST", f"{base}/api/analytics/reports/export", body, key=key)
    assert status == 202, accepted
    job_url = f"{base}/api/jobs/{accepted['job']['id']}"
    assert accepted["download_url"] == job_url.removeprefix(base) + "/download"
    job = wait_until(lambda: (j := http("GET", job_url, key=key)[1]) and j["status"] in ("completed", "failed") and j, 120, "the report job")
    assert job["status"] == "completed", job
    headers, data = download(base + accepted["download_url"], key)
    assert len(data) == job["result"]["bytes"]
    assert headers["Content-Type"] == job["result"]["content_type"]
    assert headers["Content-Disposition"].startswith("attachment; filename=")
    return data


def seed(base, key):
    status, body = http("PATCH", f"{base}/api/workspace", {"time_zone": "America/Sao_Paulo", "currency": "USD"}, key=key)
    assert status == 200, body
    events = []
    for name, phone, steps in PEOPLE:
        status, body = http("POST", f"{base}/api/contacts", {"phone": phone, "name": name}, key=key)
        assert status == 201, body
        for minute, step in enumerate(steps):
            events.append({"contact": phone, "type": step, "occurred_at": f"2026-05-10T12:0{minute}:00Z", "campaign": CAMPAIGN})
    status, body = http("POST", f"{base}/api/events/import", events, key=key)
    assert status in (200, 201), body
    status, body = http("GET", f"{base}/api/campaigns", key=key)
    assert status == 200, body
    return next(c["id"] for c in body["data"] if c["name"] == CAMPAIGN)


def percent(rate):
    """ChartFormat.percent: at most one decimal, trailing zeros dropped."""
    text = f"{rate * 100:.1f}".rstrip("0").rstrip(".")
    return text + " %"


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_campaign_report_pdf_and_csv(workdir, engine):
    for tool in ("qpdf", "pdftotext"):
        assert shutil.which(tool), f"{tool} is missing: apt-get install qpdf poppler-utils"
    url = f"sqlite://{workdir}/herald.sqlite" if engine == "sqlite" else postgres_database()
    stack = Stack(workdir, url)
    port = free_port()
    try:
        stack.start_server("a", port)
        base, key = f"http://127.0.0.1:{port}", stack.create_workspace()
        campaign = seed(base, key)
        query = "&".join(f"{k}={v}" for k, v in FILTERS.items())
        status, metrics = http("GET", f"{base}/api/analytics/campaigns/{campaign}/metrics?{query}", key=key)
        assert status == 200, metrics
        counts, rates = metrics["metrics"]["counts"], metrics["metrics"]["rates"]
        assert (counts["sent"], counts["delivered"], counts["read"], counts["clicked"]) == (4, 4, 3, 2), counts

        body = {"report": "campaign", "campaign_id": campaign, "filters": FILTERS}
        pdf = export(base, key, {"format": "pdf", **body})
        assert pdf.startswith(b"%PDF-")
        path = workdir / "report.pdf"
        path.write_bytes(pdf)
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert f"Campaign report: {CAMPAIGN}" in text
        assert "1 May 2026 – 31 May 2026 · Country: BR" in text
        cards = {"Sent": str(counts["sent"]), "Delivered": str(counts["delivered"]), "Read": str(counts["read"]), "Clicked": str(counts["clicked"])}
        cards.update({f"{name.capitalize()} rate": percent(rates[name]["value"]) for name in ("delivery", "read", "click")})
        for label, value in cards.items():
            assert label in text and value in text, (label, value)
        assert "of 4 delivered" in text
        assert any("Łukasz Nowak" in line and "Clicked" in line for line in text.splitlines()), text
        assert "José Silva" in text and "Zoë Costa" in text

        records = list(csv.reader(io.StringIO(export(base, key, {"format": "csv", **body}).decode("utf-8"), newline="")))
        assert records[0] == ["section", "campaign", "variation", "metric", "value", "base", "currency"]
        key_metrics = {r[3]: r for r in records if r[0] == "Key metrics"}
        assert key_metrics["Sent"][1] == CAMPAIGN
        for label, name in [("Sent", "sent"), ("Delivered", "delivered"), ("Read", "read"), ("Clicked", "clicked"), ("Failed", "failed")]:
            assert int(key_metrics[label][4]) == counts[name], label
        for label, name in [("Delivery rate", "delivery"), ("Read rate", "read"), ("Click rate", "click"), ("Conversion rate", "conversion")]:
            api = rates[name]["value"]
            assert (key_metrics[label][4] == "") if api is None else abs(float(key_metrics[label][4]) - api) < 1e-6, label
        steps = {r[0].split(": ", 1)[1].split(" · ")[0]: r[4] for r in records if r[0].startswith("Recipients: ") and r[3] == "Step"}
        assert steps == {"José Silva": "clicked", "Zoë Costa": "read", "Łukasz Nowak": "clicked", "=cmd": "delivered"}, steps
        for record in records:
            for field in record:
                assert not field.startswith(("=", "+", "@")), f"a formula-like cell: {record}"

        overview = export(base, key, {"format": "pdf", "report": "overview", "filters": FILTERS})
        (workdir / "overview.pdf").write_bytes(overview)
        assert subprocess.run(["qpdf", "--check", str(workdir / "overview.pdf")], capture_output=True).returncode == 0
        text = subprocess.run(["pdftotext", str(workdir / "overview.pdf"), "-"], capture_output=True, text=True, check=True).stdout
        assert "Analytics overview" in text
    finally:
        stack.stop()
