"""Two processes share one store's BigCommerce quota through the Redis limiter: together they
stay inside each window of the emulator's quota instead of collecting 429s."""

import json
import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings

from sandbox.bigcommerce.services import provision_store
from tests.conftest import database_url, require, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)

QUOTA, WINDOW_MS, CALLS_EACH = 10, 2000, 15
WORKER = """
import json, os, sys, django
django.setup()
from integrations.bigcommerce.client import BigCommerceClient
from integrations.recording import recording
from stores.models import Store
client = BigCommerceClient.for_store(Store.objects.get(pk=int(sys.argv[1])))
with recording() as calls:
    for _ in range({calls}):
        client.get("v2/time")
print(json.dumps([call.status for call in calls]))
"""


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        require(False, f"Redis at {url}")
    return url


def test_two_processes_share_the_quota_without_a_429(live_server, redis_url, store_a):
    sandbox = provision_store("limits1", "limits-token")
    sandbox.rate_limit_quota, sandbox.rate_limit_window_ms = QUOTA, WINDOW_MS
    sandbox.save()
    store_a.api_base_url = f"{live_server.url}/sandbox/bigcommerce"
    store_a.store_hash, store_a.access_token = "limits1", "limits-token"
    store_a.save()
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        CONNECTOR_VAR_DIR=str(settings.VAR_DIR),
    )
    code = WORKER.format(calls=CALLS_EACH)

    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(store_a.pk)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    elapsed = time.monotonic() - started

    statuses = []
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-2000:]
        statuses += json.loads(out)
    assert len(statuses) == 2 * CALLS_EACH
    assert statuses.count(429) == 0, statuses
    assert set(statuses) == {200}
    # 30 calls at 10 per window need at least two full windows of waiting.
    assert elapsed >= 2 * WINDOW_MS / 1000
