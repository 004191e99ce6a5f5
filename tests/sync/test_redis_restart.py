"""A Redis restart in the middle of the work fails nothing: cache, locks, the rate limiter and
the worker's broker connection ride it out. Each test runs its own redis-server, stopped and
started again mid-way."""

import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.core.cache import caches
from django.utils import timezone
from kombu import Connection, Queue

from connector.celery import app
from connector.locks import cache_lock
from sandbox.faults import clear_faults, set_faults
from sandbox.models import Emulator
from sync.models import SyncRun
from sync.tasks import run_import
from tests.conftest import require, start_worker, stop_worker
from tests.sync.conftest import external_ids, import_now, salesforce
from tests.sync.test_dead_workers import finished, wait_until


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
        """As a restart does: Redis closes its clients' connections and exits."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
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


def queue_import(broker_url: str, store, source: str) -> SyncRun:
    """A queued run whose task goes to the broker at `broker_url`."""
    run = SyncRun.objects.create(store=store, source=source, kind=SyncRun.Kind.FULL)
    with app.connection_for_write(broker_url) as connection:
        run_import.apply_async(args=[run.pk], queue="sync", connection=connection)
    return run


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_working_through_a_redis_restart(demo, redis_server, tmp_path):
    url = redis_server.url
    # Prefork, mingle and gossip as deployed: the task runs on while the consumer reconnects.
    log = tmp_path / "worker.log"
    worker = start_worker(
        log, pool="prefork", as_deployed=True, REDIS_URL=url, CELERY_BROKER_URL=url
    )
    set_faults(Emulator.SALESFORCE, latency_ms=150)
    try:
        run = queue_import(url, demo.store, "order")
        wait_until(lambda: salesforce("Account"), timeout=60, message="the import never started")
        redis_server.stop()
        time.sleep(1.5)
        redis_server.start()
        wait_until(lambda: finished(run), timeout=120, message="the import never ended")
        assert run.status == "succeeded", run.error
        later = queue_import(url, demo.store, "customer")
        wait_until(lambda: finished(later), timeout=120, message="no task after the restart")
        assert worker.poll() is None, worker.log_path.read_text()[-3000:]
    finally:
        stop_worker(worker)
        clear_faults(Emulator.SALESFORCE)
    assert later.status == "succeeded", later.error


def test_a_channel_closed_after_its_connection_keeps_its_unacknowledged_message(redis_server):
    """What a worker goes through when Redis restarts under it: its connection is torn down,
    then its channel closes and its running task acknowledges. Before, each step raised an
    AttributeError that the worker took for unrecoverable."""
    with Connection(redis_server.url, transport="connector.broker:Transport") as connection:
        queue = Queue("restart-test", routing_key="restart-test")
        with connection.Producer() as producer:
            producer.publish({"n": 1}, routing_key="restart-test", declare=[queue])
        channel = connection.channel()
        message = queue(channel).get(no_ack=False)
        assert message.payload == {"n": 1}
        connection._do_close_transport()  # as the consumer's reconnect does first
        channel.close()
        message.ack()
    with Connection(redis_server.url, transport="connector.broker:Transport") as connection:
        unacked = connection.default_channel.client.hlen("unacked")
    assert unacked == 1  # given back after the visibility timeout, not lost
