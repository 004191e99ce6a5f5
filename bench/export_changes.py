"""The export pipeline at scale: N Contacts and N standard prices changed in Salesforce.

    python bench/export_changes.py [--changes 1000 10000] [--latency-ms 100] [--calls]

For each N, a fresh database: the demo generator fills the BigCommerce emulator with N
customers and N products, and a full import of each (without latency, not measured) creates
their Salesforce records and links them. Then the org's Sales user, a person and not the
connector, changes FirstName and Phone of N linked Contacts and UnitPrice of N linked standard
price book entries, and both emulators answer every call after the given latency. One
incremental customer export, then one incremental product export, each in a process of its own
(the emulators stay in this one, so their CPU time is not counted). Prints for each: the
records exported, the wall time, records per second, the time spent in API calls (latency and
the emulators' work) and waiting for BigCommerce's request quota (the emulated store's default
of 150 requests per 30 s; each export starts in a fresh window), the exporting process's CPU
seconds, the BigCommerce and Salesforce calls and calls per 1,000 changed records, each
against its floor, and the exporting process's peak memory (RSS); `--calls` lists the calls by
endpoint.

The floor is the fewest calls that can read and write these records at the APIs' batch sizes.
BigCommerce: the linked records read once per 250 (their current values, for echoes and
conflicts), then written 10 per call (PUT /v3/customers, PUT /v3/catalog/products):
ceil(N/250) + ceil(N/10). Salesforce: one query page of 2,000 records per sObject whose changes
are read (Contact with its Account's fields; Product2, and PricebookEntry with its product's
fields). It leaves out what a run needs besides records (its user's Id, describes, the standard
price book), so a ratio of 1.0 cannot be reached.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness
from bench.import_orders import endpoints, set_latency

SIZES = [1000]
WRITE_CHUNK = 500  # records per change in the Salesforce emulator: one transaction each
SOURCES = ("customer", "product")
QUERY_PAGE = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", nargs="+", default=SIZES, help="sizes, e.g. 1000 10000")
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--calls", action="store_true", help="list the calls by endpoint")
    parser.add_argument("--export", nargs=3, help=argparse.SUPPRESS)  # store, source, since
    args = parser.parse_args()
    if args.export:
        export_in_this_process(int(args.export[0]), args.export[1], args.export[2])
        return
    sizes = [int(size) for text in map(str, args.changes) for size in text.split(",") if size]
    if len(sizes) > 1:
        for size in sizes:  # a fresh database and Salesforce org per size
            argv = [sys.executable, __file__, "--changes", str(size)]
            argv += [f"--latency-ms={args.latency_ms}"] + (["--calls"] if args.calls else [])
            subprocess.run(argv, check=True)
        return
    changes = sizes[0]
    harness.setup_django()
    base_url = harness.serve()
    store = prepare(base_url, changes)
    since = change_in_salesforce(store, changes)
    set_latency(args.latency_ms)
    quota = quota_of(store)
    print(f"--- {changes:,} Contacts and {changes:,} prices changed ---")
    print(f"latency              {args.latency_ms} ms per call, both emulators")
    for source in SOURCES:
        fresh_quota_window(store)
        report(args, source, changes, export_in_child(store.pk, source, since), quota)


def fresh_quota_window(store) -> None:
    """Each export starts in a window of its own, as after 30 s without requests."""
    from sandbox.bigcommerce.models import RateLimitWindow

    RateLimitWindow.objects.filter(store__store_hash=store.store_hash).delete()


def quota_of(store) -> str:
    """The emulated store's request quota, as BigCommerce's plans set it."""
    from sandbox.bigcommerce.models import SandboxStore

    sandbox = SandboxStore.objects.get(store_hash=store.store_hash)
    return f"{sandbox.rate_limit_quota} requests per {sandbox.rate_limit_window_ms / 1000:g} s"


def prepare(base_url: str, changes: int):
    """N customers and N products in BigCommerce, imported into Salesforce and linked."""
    from django.contrib.auth import get_user_model

    from sandbox.bigcommerce.demo import generate_demo_data
    from sandbox.bigcommerce.services import provision_store
    from sandbox.services import DEMO_STORE_HASH, ensure_demo_environment
    from stores.services import connect_org
    from sync.models import SyncRun
    from sync.pipeline import runner

    owner = get_user_model().objects.create_superuser("bench", "b@example.com", "pw")
    demo = ensure_demo_environment(owner, base_url)
    started = time.perf_counter()
    sandbox = provision_store(DEMO_STORE_HASH, demo.store.access_token)
    generate_demo_data(sandbox, customers=changes, products=changes, orders=0, seed=11)
    connect_org(demo.org)
    store = demo.store
    store.refresh_from_db()
    for source in SOURCES:
        run = SyncRun.objects.create(store=store, source=source, kind="full", status="running")
        run = runner.execute(run)
        if run.status != "succeeded":
            raise SystemExit(f"the {source} import {run.status}: {run.error}")
    print(
        f"generated and imported {changes:,} customers and {changes:,} products "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return store


def change_in_salesforce(store, changes: int) -> str:
    """Change N Contacts and N standard prices as the org's Sales user; returns the moment
    before the changes, the exports' watermark (ISO 8601)."""
    from django.utils import timezone

    from mappings.models import ObjectSetting
    from sandbox.salesforce.models import Org
    from sandbox.salesforce.services import update_records
    from sandbox.services import DEMO_ORG_NAME
    from sync.models import IdentityLink

    def linked(source, sobject) -> list[str]:
        rows = IdentityLink.objects.filter(store=store, source_type=source, target_object=sobject)
        found = list(rows.order_by("pk").values_list("target_id", flat=True)[:changes])
        if len(found) < changes:
            raise SystemExit(f"only {len(found):,} {sobject} records are linked")
        return found

    contacts = linked("customer", "Contact")
    entries = linked("product", "PricebookEntry")
    ObjectSetting.objects.filter(store=store, source__in=SOURCES).update(direction="both")
    org = Org.objects.get(name=DEMO_ORG_NAME)
    since = timezone.now() - timedelta(seconds=1)
    for start in range(0, changes, WRITE_CHUNK):
        chunk = range(start, min(changes, start + WRITE_CHUNK))
        rows = [
            {"Id": contacts[n], "FirstName": f"Changed{n}", "Phone": f"+1 555 9{n:06d}"}
            for n in chunk
        ]
        update_records(org, "Contact", rows)
        prices = [{"Id": entries[n], "UnitPrice": 1000 + n / 100} for n in chunk]
        update_records(org, "PricebookEntry", prices)
    return since.isoformat()


def export_in_child(store_id: int, source: str, since: str) -> dict:
    """Run the export in its own process (sharing the database and the served emulators)."""
    argv = [sys.executable, __file__, "--export", str(store_id), source, since]
    env = {**os.environ, "BENCH_CHILD": "1"}
    answer = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if answer.returncode:
        raise SystemExit(answer.stderr[-3000:])
    return json.loads(answer.stdout.strip().splitlines()[-1])


def export_in_this_process(store_id: int, source: str, since: str) -> None:
    import resource
    from datetime import datetime

    import django

    django.setup()
    from integrations.bigcommerce.client import BigCommerceClient
    from integrations.recording import recording
    from sync.models import SyncLogEntry, SyncRun
    from sync.pipeline.runner import execute

    quota_waits = []
    wait_for_quota = BigCommerceClient._wait_for_quota

    def timed_wait(client):
        quota_waits.append(harness.timed(lambda: wait_for_quota(client)) / 1000)

    BigCommerceClient._wait_for_quota = timed_wait  # how long the store's quota held us back
    run = SyncRun.objects.create(
        store_id=store_id,
        source=source,
        direction="export",
        kind="incremental",
        status="running",
        watermark_from=datetime.fromisoformat(since),
    )
    cpu, started = time.process_time(), time.perf_counter()
    with recording() as calls:
        run = execute(run)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "status": run.status,
                "error": run.error,
                "seen": run.seen,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "failed": run.failed,
                "rows": SyncLogEntry.objects.filter(run=run).count(),
                "bigcommerce_calls": sum(1 for call in calls if call.system == "BigCommerce"),
                "salesforce_calls": sum(1 for call in calls if call.system == "Salesforce"),
                "counted": {
                    "bigcommerce": run.bigcommerce_calls,
                    "salesforce": run.salesforce_calls,
                },
                "recorded": endpoints(calls),
                "seconds": seconds,
                "api_seconds": sum(call.duration_ms for call in calls) / 1000,
                "quota_seconds": sum(quota_waits),
                "cpu_seconds": cpu,
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def call_floor(source: str, changes: int) -> dict[str, int]:
    """The fewest calls that can read and write these records at the APIs' batch sizes."""
    bigcommerce = math.ceil(changes / 250) + math.ceil(changes / 10)
    sobjects = 1 if source == "customer" else 2  # Contact; Product2 and PricebookEntry
    return {"bigcommerce": bigcommerce, "salesforce": sobjects * math.ceil(changes / QUERY_PAGE)}


def report(args, source: str, changes: int, result: dict, quota: str) -> None:
    records, seconds = result["seen"], result["seconds"]
    trouble = result["failed"] or result["error"] or result["status"] != "succeeded"
    outcome = f"{result['status']}, {result['updated']:,} updated"
    outcome += f", {result['unchanged']:,} unchanged" if result["unchanged"] else ""
    outcome += f", {result['failed']:,} failed: {result['error']}" if trouble else ""
    print(f"{source} export")
    print(f"  run                  {outcome}, {result['rows']:,} log rows")
    print(f"  records              {records:,}")
    print(f"  wall time            {seconds:.1f} s")
    print(f"  records per second   {records / seconds:.1f}")
    print(f"  in API calls         {result['api_seconds']:.1f} s (latency and the emulators' work)")
    print(
        f"  waiting for quota    {result['quota_seconds']:.1f} s (BigCommerce: {quota}, "
        "5% of it kept in reserve)"
    )
    print(f"  CPU time             {result['cpu_seconds']:.1f} s (exporting process)")
    floor = call_floor(source, changes)
    for side, name in (("bigcommerce", "BigCommerce"), ("salesforce", "Salesforce")):
        calls = result[f"{side}_calls"]
        print(
            f"  {name + ' calls':<20} {calls:,}, {1000 * calls / changes:.1f} per 1,000 "
            f"changes, against a floor of {floor[side]:,} "
            f"({1000 * floor[side] / changes:.1f} per 1,000): {calls / floor[side]:.2f}x"
        )
    counted = result["counted"]
    if (counted["bigcommerce"], counted["salesforce"]) != (
        result["bigcommerce_calls"],
        result["salesforce_calls"],
    ):
        print(
            f"  the run's counters say BigCommerce {counted['bigcommerce']}, "
            f"Salesforce {counted['salesforce']}"
        )
    print(f"  peak memory          {result['peak_mib']:.0f} MiB (exporting process)")
    if args.calls:
        for key, count in sorted(result["recorded"].items()):
            print(f"    {count:>6}  {key}")


if __name__ == "__main__":
    main()
