"""Fixtures for Herald's system tests: real `herald serve` and `herald simulator` processes.

Environment:
  HERALD_BIN             the herald binary (default .build/debug/herald)
  HERALD_SYSTEM_PG_URL   a PostgreSQL server URL; tests that need one create their own database on it
  HERALD_ARTIFACTS_DIR   where server logs of a failing test are kept (default test-artifacts)
"""

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import pytest

BIN = os.environ.get("HERALD_BIN", ".build/debug/herald")
APP_SECRET = "system-app-secret"
TOKEN = "system-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, key=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, (json.loads(raw) if raw else None)


def wait_until(predicate, timeout, what, interval=0.25):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Stack:
    """A simulator plus any number of Herald servers on one database."""

    def __init__(self, workdir: pathlib.Path, database_url: str):
        self.workdir = workdir
        self.database_url = database_url
        self.servers = {}
        self.logs = []
        self.sim_port = free_port()
        self.webhook_port = free_port()
        self.sim = None

    def env(self, port):
        env = dict(os.environ)
        env.update(
            HERALD_DATABASE_URL=self.database_url,
            HERALD_DATA_DIR=str(self.workdir / "data"),
            HERALD_PORT=str(port),
            HERALD_PUBLIC_URL=f"http://127.0.0.1:{self.webhook_port}",
            HERALD_SEND_IN_DOUBT_SECONDS="15",
            HERALD_ALLOWED_API_HOSTS="127.0.0.1",  # accounts point at the simulator
            HERALD_LOG_LEVEL="notice",
        )
        return env

    def spawn(self, name, args, env=None):
        log = open(self.workdir / f"{name}.log", "ab")
        self.logs.append(self.workdir / f"{name}.log")
        return subprocess.Popen([BIN, *args], stdout=log, stderr=subprocess.STDOUT, env=env)

    def start_simulator(self, throughput, templates=None):
        """`templates`: a JSON file of templates (`herald simulator --templates`) instead of the demo ones."""
        self.sim = self.spawn(
            "simulator",
            [
                "simulator", "--port", str(self.sim_port), "--webhook-url", f"http://127.0.0.1:{self.webhook_port}/webhooks/whatsapp",
                "--app-secret", APP_SECRET, "--access-token", TOKEN, "--throughput", str(throughput), "--time-scale", "0.02",
                "--seed", "11", "--link-base", f"http://127.0.0.1:{self.webhook_port}", "--log-level", "warning", "--batch-size", "100",
                *(["--templates", str(templates)] if templates else []),
            ],
        )
        wait_until(lambda: self.truth() is not None, 30, "the simulator")

    def start_server(self, name, port):
        self.servers[name] = (self.spawn(name, ["serve"], env=self.env(port)), port)
        wait_until(lambda: http("GET", f"http://127.0.0.1:{port}/readyz")[0] == 200 if self._up(port) else False, 60, f"server {name}")

    def _up(self, port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    def kill9(self, name):
        process, _ = self.servers.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def create_workspace(self):
        out = subprocess.run(
            [BIN, "workspace", "create", f"System {uuid.uuid4().hex[:6]}"], env=self.env(0), capture_output=True, text=True, check=True
        )
        return out.stdout.strip().split()[-1]

    def truth(self):
        try:
            status, body = http("GET", f"http://127.0.0.1:{self.sim_port}/_simulator/truth", timeout=5)
            return body if status == 200 else None
        except OSError:
            return None

    def stop(self):
        for process, _ in self.servers.values():
            process.terminate()
        for process, _ in self.servers.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.sim:
            self.sim.terminate()
            self.sim.wait(timeout=20)


@pytest.fixture
def workdir(request):
    path = pathlib.Path(tempfile.mkdtemp(prefix="herald-system-"))
    yield path
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        target = pathlib.Path(os.environ.get("HERALD_ARTIFACTS_DIR", "test-artifacts")).resolve() / request.node.name
        target.mkdir(parents=True, exist_ok=True)
        for log in path.glob("*.log"):
            shutil.copy(log, target / log.name)
    shutil.rmtree(path, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def postgres_database():
    base = os.environ.get("HERALD_SYSTEM_PG_URL")
    if not base:
        pytest.skip("HERALD_SYSTEM_PG_URL is not set")
    name = "herald_sys_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", base, "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return base.rsplit("/", 1)[0] + "/" + name
