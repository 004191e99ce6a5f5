import json
import time

import pytest
import requests

from mappings.defaults import apply_default_template
from sandbox.bigcommerce import webhooks as emulator_webhooks
from sandbox.bigcommerce.services import provision_store
from sandbox.faults import clear_faults
from sandbox.models import Emulator
from stores.models import Role
from tests.conftest import make_store

SECRET = "webhook-secret-for-tests-0123456789"
STORE_HASH = "hookstore1"
TOKEN = "sandbox-token-for-webhook-tests"


@pytest.fixture
def drains(monkeypatch):
    """The drains enqueued, by store id, instead of sending them to the broker."""
    from webhooks import tasks

    enqueued = []
    monkeypatch.setattr(tasks.drain_inbox, "delay", enqueued.append)
    return enqueued


@pytest.fixture
def started_runs(monkeypatch):
    """Runs that start_run would send to a worker, by id."""
    from sync import tasks

    started = []
    monkeypatch.setattr(tasks.run_import, "delay", started.append)
    return started


@pytest.fixture
def hook_store(alice, victor, oscar, org_a):
    """A store with the default object settings and a webhook secret."""
    store = make_store(
        "Hook store",
        members=[(alice, Role.ADMIN), (victor, Role.VIEWER), (oscar, Role.OPERATOR)],
        salesforce_org=org_a,
        webhook_secret=SECRET,
    )
    apply_default_template(store)
    return store


def payload(scope="store/order/updated", data=None, *, created_at=1_760_000_000, **extra) -> dict:
    data = {"type": "order", "id": 250} if data is None else data
    return {
        "scope": scope,
        "store_id": "1025646",
        "data": data,
        "hash": f"h{abs(hash(json.dumps(data, sort_keys=True))) % 10**12}",
        "created_at": created_at,
        "producer": "stores/abc",
        **extra,
    }


class Callbacks:
    """POSTs to the receiver over real HTTP, as BigCommerce does."""

    def __init__(self, base_url: str, header: str):
        self.base_url = base_url
        self.header = header
        self.session = requests.Session()

    def post(self, store_id, body, *, secret=SECRET, headers=None) -> requests.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {"Content-Type": "application/json", **(headers or {})}
        if secret is not None:
            sent[self.header] = secret
        url = f"{self.base_url}/webhooks/bigcommerce/{store_id}/"
        return self.session.post(url, data=raw, headers=sent, timeout=10)


@pytest.fixture
def callbacks(live_server, settings):
    return Callbacks(live_server.url, settings.WEBHOOK_SECRET_HEADER)


@pytest.fixture
def sandbox_store(live_server, settings, hook_store):
    """hook_store, served by the BigCommerce emulator of the live server, whose delivery
    thread really sends the callbacks."""
    settings.SANDBOX_WEBHOOK_THREAD = True
    settings.CONNECTOR_PUBLIC_URL = live_server.url
    emulated = provision_store(STORE_HASH, TOKEN, name="Hook store")
    emulated.rate_limit_quota = 100_000
    emulated.save()
    hook_store.store_hash = STORE_HASH
    hook_store.access_token = TOKEN
    hook_store.api_base_url = f"{live_server.url}/sandbox/bigcommerce"
    hook_store.save()
    hook_store.emulated = emulated
    yield hook_store
    emulator_webhooks.dispatcher.stop()
    clear_faults(Emulator.BIGCOMMERCE)


def wait_until(condition, timeout: float = 15.0, message: str = "timed out") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


@pytest.fixture
def seeded_api(sandbox_store, live_server):
    from sandbox.bigcommerce.demo import generate_demo_data
    from tests.sandbox.bigcommerce.conftest import Api

    generate_demo_data(sandbox_store.emulated, customers=5, products=4, orders=6, seed=3)
    return Api(f"{sandbox_store.api_base_url}/stores/{STORE_HASH}", TOKEN)
