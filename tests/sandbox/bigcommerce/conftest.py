import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from sandbox.bigcommerce import webhooks
from sandbox.bigcommerce.demo import generate_demo_data
from sandbox.bigcommerce.services import provision_store
from sandbox.faults import clear_faults
from sandbox.models import Emulator

STORE_HASH = "abc123xyz"
TOKEN = "sandbox-token-0123456789abcdef"


@pytest.fixture(autouse=True)
def stop_webhook_thread(settings):
    settings.SANDBOX_WEBHOOK_THREAD = True  # off elsewhere in the suite (tests/settings.py)
    yield
    webhooks.dispatcher.stop()


@pytest.fixture
def bc_store(transactional_db):
    store = provision_store(STORE_HASH, TOKEN, name="Test store")
    # A quota no test meets by accident; the rate-limit tests set their own.
    store.rate_limit_quota = 100_000
    store.save()
    yield store
    # Before the database is emptied: the delivery thread must not be using it then.
    webhooks.dispatcher.stop()
    clear_faults(Emulator.BIGCOMMERCE)


@pytest.fixture
def seeded_store(bc_store):
    generate_demo_data(bc_store, customers=12, products=8, orders=40, seed=7)
    return bc_store


class Api:
    """requests against the emulated store, with its token; paths are relative to the store."""

    def __init__(self, root: str, token: str):
        self.root = root
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": token, "Accept": "application/json"})

    def url(self, path: str) -> str:
        return f"{self.root}/{path.lstrip('/')}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, self.url(path), timeout=30, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(live_server, bc_store):
    return Api(f"{live_server.url}/sandbox/bigcommerce/stores/{bc_store.store_hash}", TOKEN)


@pytest.fixture
def seeded_api(api, seeded_store):
    return api


class Receiver:
    """A webhook destination on a free loopback port that records what it is sent."""

    def __init__(self):
        self.calls = []
        self.statuses = []  # answers to give, in turn; 200 once they run out
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.arrived:
                    receiver.calls.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.calls) >= count, timeout)
        return self.calls

    def payloads(self) -> list[dict]:
        return [json.loads(call["body"]) for call in self.calls]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()
