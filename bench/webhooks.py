"""Benchmark of the webhook receiver under concurrent load, and of webhook → Salesforce latency.

    BENCH_DATABASE_URL=postgres://... BENCH_REDIS_URL=redis://... python bench/webhooks.py
        [--events 3000] [--rounds 5] [--concurrency 6] [--workers 3] [--e2e-seconds 30]
        [--e2e-rate 20]

1. Receiver: gunicorn (sync workers) serves the connector; an asyncio load generator POSTs
   authenticated callbacks (a new connection each, as BigCommerce does) from `--concurrency`
   clients, in the same process pool of two cores. Prints each round's events accepted per
   second and p50/p99 acknowledgement latency, then the medians (a shared machine's rounds
   vary).
2. End to end: a Celery worker drains the inbox through the real pipeline into the Salesforce
   emulator. At `--e2e-rate` events per second, a customer is changed in the BigCommerce
   emulator (as from its control panel) and its callback is POSTed, with latency on both
   emulators and BigCommerce's default rate limit on the connector's reads; prints the
   p50/p95/p99 time until the Contact holds the change.

It runs on a throwaway database (BENCH_DATABASE_URL for PostgreSQL, which should be empty).
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness

SECRET = "bench-webhook-secret-0123456789abcdef"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000, help="callbacks per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--e2e-seconds", type=int, default=30)
    parser.add_argument("--e2e-rate", type=float, default=20.0)
    parser.add_argument("--e2e-latency-ms", type=int, default=100, help="on both emulators")
    args = parser.parse_args()
    harness.setup_django()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    store = prepare_store(base_url)
    server = start_gunicorn(port, args.workers)
    try:
        receiver_throughput(port, store.pk, args.events, args.concurrency, args.rounds)
        if args.e2e_seconds:
            end_to_end_latency(
                base_url, store, args.e2e_seconds, args.e2e_rate, args.e2e_latency_ms
            )
    finally:
        stop(server)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_store(base_url: str):
    from django.contrib.auth import get_user_model

    from sandbox.services import ensure_demo_environment

    owner = get_user_model().objects.create_superuser("bench", "bench@example.com", "pw")
    store = ensure_demo_environment(owner, base_url).store
    store.webhook_secret = SECRET
    store.save()
    return store


def child_env(**extra) -> dict:
    """Production settings, with the keys and flags tests.settings put in the environment;
    not tests.settings itself, which closes database connections after each request."""
    return {
        **os.environ,
        "CONNECTOR_ENV_FILE": "/nonexistent/.env",
        "DJANGO_SETTINGS_MODULE": "connector.settings",
        "CONN_MAX_AGE": "60",
        **extra,
    }


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "connector.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--log-level=warning",
        "--backlog=2048",
    ]
    server = subprocess.Popen(argv, env=child_env(), cwd=harness.ROOT)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# --- 1. receiver throughput and acknowledgement latency ---------------------------------------
def callback_request(port: int, store_id: int, n: int) -> bytes:
    from django.conf import settings

    body = json.dumps(
        {
            "scope": "store/order/updated",
            "store_id": "1001",
            "data": {"type": "order", "id": 1 + n % 500},
            "hash": f"{n:040x}",
            "created_at": 1_760_000_000 + n,
            "producer": "stores/bench",
        }
    ).encode()
    head = (
        f"POST /webhooks/bigcommerce/{store_id}/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"{settings.WEBHOOK_SECRET_HEADER}: {SECRET}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def post(port: int, request: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    return int(status_line.split()[1]), (time.perf_counter() - started) * 1000


async def load(port: int, requests: list[bytes], concurrency: int):
    queue = list(reversed(requests))
    results = []

    async def client():
        while queue:
            results.append(await post(port, queue.pop()))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return results, time.perf_counter() - started


def receiver_throughput(port: int, store_id: int, events: int, concurrency: int, rounds: int):
    from webhooks.models import WebhookEvent

    warmup = [callback_request(port, store_id, -n - 1) for n in range(200)]
    asyncio.run(load(port, warmup, concurrency))
    print(f"receiver: {rounds} rounds of {events} callbacks, {concurrency} concurrent clients")
    figures = []
    for round_ in range(rounds):
        first = round_ * events
        requests = [callback_request(port, store_id, first + n) for n in range(events)]
        before = WebhookEvent.objects.count()
        results, seconds = asyncio.run(load(port, requests, concurrency))
        accepted = [ms for status, ms in results if status == 200]
        stored = WebhookEvent.objects.count() - before
        figures.append(
            (len(accepted) / seconds, percentile(accepted, 50), percentile(accepted, 99))
        )
        print(
            f"  round {round_ + 1}: accepted {len(accepted)} (stored {stored}), "
            f"{figures[-1][0]:5.0f} events/s, ack p50 {figures[-1][1]:5.1f} ms, "
            f"p99 {figures[-1][2]:5.1f} ms"
        )
        WebhookEvent.objects.filter(scope="store/order/updated").delete()
    throughput, p50, p99 = (statistics.median(column) for column in zip(*figures, strict=True))
    print(f"  median: {throughput:.0f} events/s, ack p50 {p50:.1f} ms, p99 {p99:.1f} ms")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# --- 2. end-to-end latency --------------------------------------------------------------------
def end_to_end_latency(base_url: str, store, seconds: int, rate: float, latency_ms: int) -> None:
    from mappings.models import ObjectSetting
    from sandbox.faults import set_faults
    from sandbox.models import Emulator
    from stores.services import connect_org

    connect_org(store.salesforce_org)
    for emulator in (Emulator.BIGCOMMERCE, Emulator.SALESFORCE):
        set_faults(emulator, latency_ms=latency_ms)
    ObjectSetting.objects.filter(store=store).exclude(source="customer").update(realtime=False)
    worker = start_worker()
    try:
        latencies = drive_changes(base_url, store, seconds, rate)
    finally:
        stop(worker)
    print(
        f"end to end: {len(latencies)} changes at {rate:g}/s, webhook → Salesforce Contact, "
        f"{latency_ms} ms latency on both emulators, BigCommerce's default rate limit"
    )
    if latencies:
        print(f"  latency p50     {percentile(latencies, 50):8.0f} ms")
        print(f"  latency p95     {percentile(latencies, 95):8.0f} ms")
        print(f"  latency p99     {percentile(latencies, 99):8.0f} ms")
        print(f"  mean            {statistics.mean(latencies):8.0f} ms")


def start_worker() -> subprocess.Popen:
    argv = [sys.executable, "-m", "celery", "-A", "connector", "worker", "--pool=solo"]
    argv += ["--queues=webhooks", "--loglevel=WARNING", "--without-mingle", "--without-gossip"]
    return subprocess.Popen(argv, env=child_env(), cwd=harness.ROOT)


def drive_changes(base_url: str, store, seconds: int, rate: float) -> list[float]:
    import requests
    from django.utils import timezone

    from integrations.bigcommerce.client import BigCommerceClient
    from sandbox.bigcommerce.models import Customer, SandboxStore

    client = BigCommerceClient.for_store(store)
    customers = [c["id"] for c in client.iter_v3("v3/customers")]
    emulated = SandboxStore.objects.get(store_hash=store.store_hash)
    sent: dict[str, float] = {}
    arrived: dict[str, float] = {}
    done = threading.Event()
    watcher = threading.Thread(target=watch_contacts, args=(sent, arrived, done), daemon=True)
    watcher.start()
    session = requests.Session()
    from django.conf import settings

    headers = {settings.WEBHOOK_SECRET_HEADER: SECRET}
    url = f"{base_url}/webhooks/bigcommerce/{store.pk}/"
    count = int(seconds * rate)
    started = time.monotonic()
    for n in range(count):
        time.sleep(max(0.0, started + n / rate - time.monotonic()))
        customer_id, token = customers[n % len(customers)], f"Bench{n:06d}"
        # As a merchant changes a customer in the control panel: outside the API quota, which
        # the connector's own reads must live with.
        Customer.objects.filter(store=emulated, bc_id=customer_id).update(
            last_name=token, date_modified=timezone.now()
        )
        sent[token] = time.monotonic()
        body = {"scope": "store/customer/updated", "data": {"type": "customer", "id": customer_id}}
        session.post(
            url, json={**body, "hash": token, "created_at": int(time.time())}, headers=headers
        )
    deadline = time.monotonic() + 60
    while len(arrived) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    done.set()
    return [(arrived[token] - sent[token]) * 1000 for token in arrived]


def watch_contacts(sent: dict, arrived: dict, done: threading.Event) -> None:
    """Timestamp each change when its value first appears in a Salesforce Contact.

    A change overwritten before it was imported never appears; it is not counted."""
    from django.db import connection

    from sandbox.salesforce.models import Record

    while not done.is_set():
        names = Record.objects.filter(object_name="Contact").values_list("data", flat=True)
        now = time.monotonic()
        for data in names:
            token = (data or {}).get("LastName", "")
            if token in sent and token not in arrived:
                arrived[token] = now
        time.sleep(0.05)
    connection.close()


if __name__ == "__main__":
    main()
