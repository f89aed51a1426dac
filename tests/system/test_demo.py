"""`herald demo` as a new user starts it: settings come from HERALD_* variables like every other command."""

import contextlib
import os
import re
import subprocess

import pytest
from conftest import BIN, free_port, http, wait_until


@contextlib.contextmanager
def running_demo(workdir, env_settings, flags, port, contacts=200):
    """Starts `herald demo` in `workdir` with these HERALD_* variables and flags; yields once it answers on `port`."""
    env = dict(os.environ)
    env.pop("HERALD_DATABASE_URL", None)
    env.update(HERALD_LOG_LEVEL="warning", **env_settings)
    log_path = workdir / "demo.log"
    with open(log_path, "ab") as log:
        demo = subprocess.Popen(
            [os.path.abspath(BIN), "demo", "--contacts", str(contacts), "--simulator-port", str(free_port()), "--shop-port", str(free_port()), *flags],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir,
        )
    try:
        wait_until(lambda: demo.poll() is not None or _ready(port), 120, f"herald demo on port {port}")
        assert demo.poll() is None, "herald demo exited: " + log_path.read_text()
        yield log_path
    finally:
        demo.terminate()
        try:
            demo.wait(timeout=20)
        except subprocess.TimeoutExpired:
            demo.kill()


def test_demo_honours_herald_port_and_data_dir(workdir):
    port, data = free_port(), workdir / "demo-data"
    with running_demo(workdir, {"HERALD_PORT": str(port), "HERALD_DATA_DIR": str(data)}, [], port) as log:
        assert (data / "herald.sqlite").exists(), "the demo's database is not in HERALD_DATA_DIR"
        assert (data / "demo-password.txt").exists()
        assert not (workdir / "herald-demo").exists(), "the demo ignored HERALD_DATA_DIR and used ./herald-demo"
        output = log.read_text()
        assert f"http://127.0.0.1:{port}" in output
        assert f"data folder: {data}" in output


def test_demo_flags_win_over_the_environment(workdir):
    env_port, flag_port, data = free_port(), free_port(), workdir / "flag-data"
    settings = {"HERALD_PORT": str(env_port), "HERALD_DATA_DIR": str(workdir / "env-data")}
    with running_demo(workdir, settings, ["--port", str(flag_port), "--data-dir", str(data)], flag_port):
        assert (data / "herald.sqlite").exists()
        assert not (workdir / "env-data").exists()


def test_demo_ab_test_finds_the_better_wording(workdir):
    """The demo's A/B test (spring_sale against spring_sale_bold, which the simulator makes clicked about twice as
    often) is created and started through the API after the demo campaign; when it exists, wait for its winner."""
    port = free_port()
    with running_demo(workdir, {"HERALD_PORT": str(port), "HERALD_DATA_DIR": str(workdir / "ab-data")}, [], port, contacts=8000) as log:
        key = wait_until(lambda: re.search(r"API key:\s+(\S+)", log.read_text()), 60, "the demo's API key").group(1)
        base = f"http://127.0.0.1:{port}"
        # The demo's shop is connected, its products were imported, and its signed orders arrive as webhooks.
        status, body = http("GET", f"{base}/api/integrations", key=key)
        assert status == 200 and [i["shop_host"] for i in body["data"]] == ["herald-demo.myshopify.com"], body
        shop = body["data"][0]["id"]
        wait_until(lambda: any(d.get("outcome") == "order_saved" for d in http("GET", f"{base}/api/integrations/{shop}/deliveries", key=key)[1]["data"]),
                   120, "a demo shop order applied")
        status, syncs = http("GET", f"{base}/api/integrations/{shop}/syncs", key=key)
        assert [(s["resource"], s["status"]) for s in syncs["data"]] == [("products", "done")], syncs

        def demo_test():
            status, body = http("GET", f"{base}/api/ab-tests", key=key)
            assert status == 200, body
            return next((t for t in body["data"] if t["name"] == "Spring sale wording (demo)"), None)

        try:
            test = wait_until(demo_test, 240, "the demo A/B test")
        except AssertionError:
            pytest.skip("herald demo made no A/B test: " + log.read_text()[-2000:])
        assert [v["template_name"] for v in test["variations"]] == ["spring_sale", "spring_sale_bold"]
        decided = wait_until(lambda: (t := demo_test()) and t["winner_variation_id"] and t, 600, "the demo A/B test's winner", interval=2)
        winner = next(v for v in decided["variations"] if v["id"] == decided["winner_variation_id"])
        assert winner["name"] == "B", decided
        wait_until(lambda: "demo A/B test completed: declared variation B" in log.read_text(), 60, "the demo's decision line")


def _ready(port):
    try:
        return http("GET", f"http://127.0.0.1:{port}/readyz", timeout=2)[0] == 200
    except OSError:
        return False
