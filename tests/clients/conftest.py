"""Fixtures for the client tests: a third-party WhatsApp client (pywa) against `herald simulator` and `herald serve`.

The process helpers (Stack, free_port, http, wait_until, postgres_database, the `workdir` fixture that keeps
server logs of a failing test) are the system tests' own, loaded from tests/system/conftest.py by path: both
files are named conftest.py, so `import conftest` here would find this one.

Environment: as tests/system (HERALD_BIN, HERALD_SYSTEM_PG_URL, HERALD_ARTIFACTS_DIR).
"""

import hashlib
import hmac
from http import server as http_server
import importlib.util
import json
import pathlib
import subprocess
import threading
import urllib.error
import urllib.request

import httpx
import pytest

_spec = importlib.util.spec_from_file_location(
    "herald_system_conftest", pathlib.Path(__file__).resolve().parent.parent / "system" / "conftest.py"
)
system = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(system)

BIN = system.BIN
Stack = system.Stack
free_port = system.free_port
http = system.http
wait_until = system.wait_until
postgres_database = system.postgres_database
workdir = system.workdir  # re-exported: pytest registers fixtures and hooks found in a conftest's namespace
pytest_runtest_makereport = system.pytest_runtest_makereport

APP_SECRET = "client-app-secret"
TOKEN = "client-token"
PHONE_ID = "100000000000001"
WABA_ID = "200000000000001"


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSink:
    """A plain HTTP server that stands where a pywa app would: it keeps every POST (raw body and
    X-Hub-Signature-256) and answers 200; GETs (the simulator's link clicks) get 200 too."""

    def __init__(self):
        self.posts = []
        self._lock = threading.Lock()
        sink = self

        class Handler(http_server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with sink._lock:
                    sink.posts.append((body, self.headers.get("X-Hub-Signature-256")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http_server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def snapshot(self):
        with self._lock:
            return list(self.posts)

    def bodies(self):
        return [json.loads(body) for body, _ in self.snapshot()]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sink():
    server = WebhookSink()
    yield server
    server.close()


class Simulator:
    """`herald simulator` as a subprocess, log in the test's workdir."""

    def __init__(self, workdir, args):
        self.port = free_port()
        self.log_path = workdir / "simulator.log"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [BIN, "simulator", "--port", str(self.port), "--app-secret", APP_SECRET, "--access-token", TOKEN,
                 "--log-level", "warning", *args],
                stdout=log, stderr=subprocess.STDOUT,
            )
        wait_until(lambda: self.process.poll() is not None or self.truth() is not None, 30, "the simulator")
        assert self.process.poll() is None, "herald simulator exited: " + self.log_path.read_text()

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def truth(self):
        try:
            status, body = http("GET", self.base + "/_simulator/truth", timeout=5)
            return body if status == 200 else None
        except OSError:
            return None

    def control(self, method, path, body=None):
        status, answer = http(method, self.base + "/_simulator/" + path, body)
        assert 200 <= status < 300, f"{method} /_simulator/{path}: {status} {answer}"
        return answer

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ToSimulator(httpx.HTTPTransport):
    """pywa always calls https://graph.facebook.com/v{version}; this transport sends those calls to the simulator."""

    def __init__(self, port):
        super().__init__()
        self.port = port

    def handle_request(self, request):
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return super().handle_request(request)


def pywa_client(simulator_port, token=TOKEN):
    from pywa import WhatsApp

    return WhatsApp(
        phone_id=PHONE_ID,
        token=token,
        waba_id=WABA_ID,
        app_secret=APP_SECRET,
        verify_token="client-verify-token",
        validate_updates=True,
        skip_duplicate_updates=False,
        session=httpx.Client(transport=ToSimulator(simulator_port), timeout=30),
    )


def post_signed(url, body: bytes, secret=APP_SECRET):
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Hub-Signature-256", signature(body, secret))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
