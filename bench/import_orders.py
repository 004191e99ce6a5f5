"""The import pipeline at scale: N orders, with their customers and products, into Salesforce.

    python bench/import_orders.py [--orders 10000] [--latency-ms 100]

The demo generator fills the BigCommerce emulator with N orders (N/10 customers, 200
products); both emulators answer every call after the given latency. A separate process runs
one full import of orders, which imports the customers, guests and products they need first,
so its peak memory is the pipeline's own. Prints the wall time, records per second, the API
calls per 1,000 orders against the floor, and the importing process's peak memory.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness

PRODUCTS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--import-store", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_store:
        import_in_this_process(args.import_store)
        return
    harness.setup_django()
    base_url = harness.serve()
    store, seeded = prepare(base_url, args.orders)
    set_latency(args.latency_ms)
    result = import_in_child(store.pk)
    report(args, seeded, result)


def prepare(base_url: str, orders: int):
    from django.contrib.auth import get_user_model

    from sandbox.bigcommerce.demo import generate_demo_data
    from sandbox.bigcommerce.services import provision_store
    from sandbox.services import DEMO_STORE_HASH, ensure_demo_environment
    from stores.services import connect_org

    owner = get_user_model().objects.create_superuser("bench", "b@example.com", "pw")
    demo = ensure_demo_environment(owner, base_url)
    started = time.perf_counter()
    sandbox = provision_store(DEMO_STORE_HASH, demo.store.access_token)
    seeded = generate_demo_data(
        sandbox, customers=max(25, orders // 10), products=PRODUCTS, orders=orders, seed=11
    )
    print(f"generated {orders:,} orders in {time.perf_counter() - started:.0f} s")
    connect_org(demo.org)
    return demo.store, seeded


def set_latency(latency_ms: int) -> None:
    from sandbox.faults import set_faults
    from sandbox.models import Emulator

    for emulator in (Emulator.BIGCOMMERCE, Emulator.SALESFORCE):
        set_faults(emulator, latency_ms=latency_ms)


def import_in_child(store_id: int) -> dict:
    """Run the import in its own process (sharing the database and the served emulators)."""
    env = {**os.environ, "BENCH_CHILD": "1"}
    argv = [sys.executable, __file__, "--import-store", str(store_id)]
    answer = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if answer.returncode:
        raise SystemExit(answer.stderr[-3000:])
    return json.loads(answer.stdout.strip().splitlines()[-1])


def import_in_this_process(store_id: int) -> None:
    import resource

    import django

    django.setup()
    from sync.models import SyncRun
    from sync.pipeline.runner import execute

    run = SyncRun.objects.create(store_id=store_id, source="order", kind="full", status="running")
    started = time.perf_counter()
    run = execute(run)
    seconds = time.perf_counter() - started
    from logs.models import SyncLogEntry

    parents = SyncLogEntry.objects.filter(run=run).exclude(source="order").count()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "status": run.status,
                "error": run.error,
                "orders": run.created + run.updated + run.unchanged,
                "failed": run.failed,
                "parents": parents,
                "bigcommerce_calls": run.bigcommerce_calls,
                "salesforce_calls": run.salesforce_calls,
                "seconds": seconds,
                "peak_mib": peak_kib / 1024,
            }
        )
    )


def report(args, seeded: dict, result: dict) -> None:
    if result["status"] != "succeeded" or result["failed"]:
        print(f"run {result['status']}: {result['failed']} failed. {result['error']}")
    orders, seconds = result["orders"], result["seconds"]
    floor = call_floor(seeded)
    per_thousand = 1000 / max(orders, 1)
    calls = result["bigcommerce_calls"] + result["salesforce_calls"]
    print(f"orders imported      {orders:,} (+{result['parents']:,} customers, guests, products)")
    print(f"latency              {args.latency_ms} ms per call, both emulators")
    print(f"wall time            {seconds:.1f} s")
    print(f"orders per second    {orders / seconds:.1f}")
    print(
        f"API calls / 1k orders {calls * per_thousand:.1f} "
        f"(BigCommerce {result['bigcommerce_calls'] * per_thousand:.1f}, "
        f"Salesforce {result['salesforce_calls'] * per_thousand:.1f}); "
        f"floor {floor * per_thousand:.1f}"
    )
    print(f"peak memory          {result['peak_mib']:.0f} MiB (importing process)")


def call_floor(seeded: dict) -> int:
    """The fewest calls that can read and write these records at the APIs' batch sizes."""
    customers, orders, items = seeded["customers"], seeded["orders"], seeded["order_products"]
    reads = math.ceil(orders / 250) + math.ceil(customers / 250) + math.ceil(PRODUCTS / 250)
    writes = (
        2 * math.ceil(customers / 200)  # Account, Contact
        + 2 * math.ceil(PRODUCTS / 200)  # Product2, PricebookEntry
        + math.ceil(orders / 200)  # Order
        + math.ceil(items / 200)  # OrderItem
        + math.ceil(orders / 200)  # the status of activated orders
    )
    return reads + writes


if __name__ == "__main__":
    main()
