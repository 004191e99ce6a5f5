"""A Redis restart in the middle of the work fails nothing: cache, locks and the rate limiter
ride it out. Each test runs its own redis-server, stopped and started again mid-way."""

import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.core.cache import caches
from django.utils import timezone

from connector.locks import cache_lock
from sandbox.faults import clear_faults, set_faults
from sandbox.models import Emulator
from tests.conftest import require
from tests.sync.conftest import external_ids, import_now


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.proc = None
        self.stopped_at = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(self.dir)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def restart_later(self, after: float, down_for: float) -> threading.Thread:
        def restart():
            time.sleep(after)
            self.stop()
            self.stopped_at = timezone.now()
            time.sleep(down_for)
            self.start()

        thread = threading.Thread(target=restart)
        thread.start()
        return thread


@pytest.fixture
def redis_server(tmp_path, settings):
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    settings.CACHES = {
        "default": {"BACKEND": "connector.cache.SharedClientRedisCache", "LOCATION": server.url}
    }
    yield server
    server.stop()


def test_cache_and_locks_work_through_a_redis_restart(redis_server):
    cache = caches["default"]
    restart = redis_server.restart_later(after=0.2, down_for=1.0)
    deadline = time.monotonic() + 2.5
    done = 0
    while time.monotonic() < deadline:
        cache.set(f"k{done}", done, timeout=60)
        assert cache.get(f"k{done}") in (done, None)  # None: written just before it stopped
        with cache_lock(f"restart-{done}", wait_seconds=5):
            done += 1
    restart.join()
    assert done > 10


def test_a_read_degrades_to_a_miss_when_redis_stays_away(redis_server, settings):
    settings.CACHE_BLIP_SECONDS = 0.5
    cache = caches["default"]
    cache.set("kept", 1)
    redis_server.stop()
    assert cache.get("kept", "missing") == "missing"


@pytest.mark.django_db(transaction=True)
def test_an_import_survives_a_redis_restart_in_its_middle(demo, redis_server):
    set_faults(Emulator.SALESFORCE, latency_ms=100)
    restart = redis_server.restart_later(after=1.0, down_for=1.5)
    try:
        run = import_now(demo.store, "order")
    finally:
        restart.join()
        clear_faults(Emulator.SALESFORCE)
    assert (run.status, run.failed) == ("succeeded", 0), run.error
    assert run.created_at < redis_server.stopped_at < run.finished_at, "not in the middle"
    assert len(external_ids("Order")) == 60
