"""The import pipeline at scale: a full import of a store with N orders into Salesforce.

    python bench/import_orders.py [--orders 2000,10000] [--latency-ms 100] [--each] [--calls]

For each N, a fresh database: the demo generator fills the BigCommerce emulator with N orders
(N/10 customers, 200 products, their categories and refunds); both emulators answer every call
after the given latency. A separate process runs a full import of every object, so its peak
memory is the pipeline's own: by default "Import everything" (`sync.runs.start_everything`: one
run per object in dependency order, guests imported with their orders); with `--each`, one full
import per object (customers, guests, categories, products, orders, refunds), as before
"Import everything" existed. Prints each run's calls, the wall time, orders per second, the API
calls of each side against its floor, and the importing process's peak memory; `--calls` lists
the calls by endpoint.

The floor is the fewest calls that can read and write these records at the APIs' batch sizes:
BigCommerce, one page of 250 per object read (customers, categories, products, orders with
their line items, refunds); Salesforce, one call per 200 records written per sObject (Account
and Contact for customers and for guests, the categories, Product2, PricebookEntry, Order,
OrderItem, one status update per 200 new orders whose mapped status is not Draft, since an
Order is created Draft and gets its status once its items are in, and Case for refunds). It
leaves out what a run needs besides records (the customer group names, describes, price book
and matching queries), so a ratio of 1.0 cannot be reached.
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
SIZES = "2000,10000"
# The BigCommerce statuses the default mappings turn into an Activated Order.
ACTIVATED_STATUSES = (2, 10)
ORDER_OF_IMPORT = ("customer", "guest", "category", "product", "order", "refund")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", default=SIZES, help="sizes, comma-separated")
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--calls", action="store_true", help="list the calls by endpoint")
    parser.add_argument(
        "--each", action="store_true", help="one full import per object instead of everything"
    )
    parser.add_argument("--import-store", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-size", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_store:
        import_in_this_process(args.import_store)
        return
    sizes = [int(size) for size in str(args.orders).split(",")]
    if len(sizes) > 1 and not args.one_size:
        for size in sizes:  # a fresh database and Salesforce org per size
            argv = [sys.executable, __file__, "--orders", str(size), "--one-size"]
            argv += [f"--latency-ms={args.latency_ms}"] + (["--calls"] if args.calls else [])
            argv += ["--each"] if args.each else []
            subprocess.run(argv, check=True)
        return
    orders = sizes[0]
    harness.setup_django()
    base_url = harness.serve()
    store, seeded = prepare(base_url, orders)
    seeded.update(shape_of(store))
    set_latency(args.latency_ms)
    result = import_in_child(store.pk, each=args.each)
    report(args, orders, seeded, result)


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


def shape_of(store) -> dict:
    """What the floor needs beside the counts: guests, and categories per tree level."""
    from sandbox.bigcommerce.models import Category, Order

    orders = Order.objects.filter(store__store_hash=store.store_hash, is_deleted=False)
    guests = {
        (email or "").strip().lower() or f"order:{pk}"
        for pk, email in orders.filter(customer_id=0).values_list("bc_id", "email")
    }
    parents = dict(
        Category.objects.filter(store__store_hash=store.store_hash).values_list(
            "bc_id", "parent_id"
        )
    )
    levels: dict[int, int] = {}
    for category in parents:
        depth, parent = 0, parents[category]
        while parent in parents:
            depth, parent = depth + 1, parents[parent]
        levels[depth] = levels.get(depth, 0) + 1
    activated = orders.filter(status_id__in=ACTIVATED_STATUSES).count()
    return {
        "guests": len(guests),
        "category_levels": list(levels.values()),
        "activated_orders": activated,
    }


def set_latency(latency_ms: int) -> None:
    from sandbox.faults import set_faults
    from sandbox.models import Emulator

    for emulator in (Emulator.BIGCOMMERCE, Emulator.SALESFORCE):
        set_faults(emulator, latency_ms=latency_ms)


def import_in_child(store_id: int, *, each: bool) -> dict:
    """Run the import in its own process (sharing the database and the served emulators)."""
    env = {**os.environ, "BENCH_CHILD": "1", **({"BENCH_EACH": "1"} if each else {})}
    argv = [sys.executable, __file__, "--import-store", str(store_id)]
    answer = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if answer.returncode:
        raise SystemExit(answer.stderr[-3000:])
    return json.loads(answer.stdout.strip().splitlines()[-1])


def import_in_this_process(store_id: int) -> None:
    import resource

    import django

    django.setup()
    from integrations.recording import recording
    from sync.models import SyncLogEntry, SyncRun
    from sync.pipeline.runner import execute

    runs = []
    started = time.perf_counter()
    with recording() as calls:
        if os.environ.get("BENCH_EACH"):
            for source in ORDER_OF_IMPORT:
                run = SyncRun.objects.create(
                    store_id=store_id, source=source, kind="full", status="running"
                )
                runs.append(execute(run))
        else:
            runs = import_everything(store_id)
    seconds = time.perf_counter() - started
    orders = next(run for run in runs if run.source == "order")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "runs": [
                    {
                        "source": run.source,
                        "status": run.status,
                        "error": run.error,
                        "rows": SyncLogEntry.objects.filter(run=run).count(),
                        "failed": run.failed,
                        "bigcommerce_calls": run.bigcommerce_calls,
                        "salesforce_calls": run.salesforce_calls,
                    }
                    for run in runs
                ],
                "orders": orders.created + orders.updated + orders.unchanged,
                # Every call the process made, whichever run it was counted under.
                "bigcommerce_calls": sum(1 for call in calls if call.system == "BigCommerce"),
                "salesforce_calls": sum(1 for call in calls if call.system == "Salesforce"),
                "counted": {
                    "bigcommerce": sum(run.bigcommerce_calls for run in runs),
                    "salesforce": sum(run.salesforce_calls for run in runs),
                },
                "recorded": endpoints(calls),
                "seconds": seconds,
                "peak_mib": peak_kib / 1024,
            }
        )
    )


def import_everything(store_id: int) -> list:
    """Import everything as a worker runs it: each run queues the next when it ends."""
    from stores.models import Store
    from sync import runs, tasks
    from sync.models import SyncRun

    queued = []
    tasks.run_import.delay = queued.append  # no broker: this process is the worker
    runs.start_everything(Store.objects.get(pk=store_id), "full", trigger="bench")
    executed = []
    while queued:
        run_id = queued.pop(0)
        runs.execute_run(run_id)
        executed.append(SyncRun.objects.get(pk=run_id))
    return executed


def endpoints(calls) -> dict:
    """Calls by system, method and path (ids and query values left out)."""
    import re

    counted: dict[str, int] = {}
    for call in calls:
        path, _, query = call.path.partition("?")
        path = re.sub(r"/[0-9][0-9A-Za-z]*(?=/|$)", "/<id>", path)
        names = ",".join(sorted({part.split("=")[0] for part in query.split("&") if part}))
        key = f"{call.system} {call.method} {path}" + (f"?{names}" if names else "")
        counted[key] = counted.get(key, 0) + 1
    return counted


def report(args, size: int, seeded: dict, result: dict) -> None:
    print(f"--- {size:,} orders ---")
    for run in result["runs"]:
        trouble = run["failed"] or run["error"]
        failed = f", {run['failed']} failed: {run['error']}" if trouble else ""
        print(
            f"  {run['source']:<9} {run['status']:<10} {run['rows']:>6,} log rows, "
            f"calls BC {run['bigcommerce_calls']:>4} SF {run['salesforce_calls']:>5}{failed}"
        )
    orders, seconds = result["orders"], result["seconds"]
    floor = call_floor(seeded)
    print(f"orders imported      {orders:,}")
    print(f"latency              {args.latency_ms} ms per call, both emulators")
    print(f"wall time            {seconds:.1f} s")
    print(f"orders per second    {orders / seconds:.1f}")
    for side, name in (("bigcommerce", "BigCommerce"), ("salesforce", "Salesforce")):
        calls = result[f"{side}_calls"]
        print(
            f"{name + ' calls':<20} {calls:,} against a floor of {floor[side]:,}: "
            f"{calls / floor[side]:.2f}x"
        )
    counted = result["counted"]
    if (counted["bigcommerce"], counted["salesforce"]) != (
        result["bigcommerce_calls"],
        result["salesforce_calls"],
    ):
        print(
            f"the runs' counters say BigCommerce {counted['bigcommerce']}, "
            f"Salesforce {counted['salesforce']}"
        )
    print(f"peak memory          {result['peak_mib']:.0f} MiB (importing process)")
    if args.calls:
        for key, count in sorted(result["recorded"].items()):
            print(f"  {count:>6}  {key}")


def call_floor(seeded: dict) -> dict[str, int]:
    """The fewest calls that can read and write these records at the APIs' batch sizes."""
    customers, orders, items = seeded["customers"], seeded["orders"], seeded["order_products"]
    refunds, guests = seeded["refunds"], seeded["guests"]

    def pages(count, size=250):
        return math.ceil(count / size)

    def writes(count):
        return math.ceil(count / 200)

    reads = (
        pages(customers)
        + pages(seeded["categories"])
        + pages(seeded["products"])
        + pages(orders)
        + pages(refunds)
    )
    written = (
        2 * writes(customers)  # Account, Contact
        + 2 * writes(guests)  # Account, Contact
        + sum(writes(level) for level in seeded["category_levels"])  # parents first
        + 2 * writes(seeded["products"])  # Product2, PricebookEntry
        + writes(orders)  # Order
        + writes(items)  # OrderItem
        + writes(seeded["activated_orders"])  # their status, once their items are in
        + writes(refunds)  # Case
    )
    return {"bigcommerce": reads, "salesforce": written}


if __name__ == "__main__":
    main()
