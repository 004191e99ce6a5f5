"""Runs as a user starts them: queued, executed by a real worker, several stores, faults."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.bigcommerce import reads
from integrations.bigcommerce.client import BigCommerceClient
from mappings.defaults import apply_default_template
from sandbox.bigcommerce import demo as bc_demo
from sandbox.bigcommerce import services as bc_services
from sandbox.faults import clear_faults, set_faults
from sandbox.models import Emulator
from stores.models import Store
from sync.models import SyncRun
from sync.pipeline.runner import last_watermark
from sync.run_log import failed_records
from sync.runs import start_run
from tests.sync.conftest import external_ids, import_now, salesforce

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_run(run, seconds=90) -> SyncRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status not in ("queued", "running"):
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run.pk} still {run.status}")


@pytest.mark.worker
def test_a_started_import_runs_in_the_worker_and_sets_the_watermark(demo, live_worker):
    run = wait_for_run(start_run(demo.store, "order", SyncRun.Kind.INCREMENTAL))
    assert run.status == "succeeded", (run.error, live_worker.log_path.read_text()[-3000:])
    assert run.created == 60 == run.seen
    assert run.expected is None  # v2 orders carry no total, and no count call is made
    assert run.bigcommerce_calls >= 2 and run.salesforce_calls >= 3
    assert run.watermark_to is not None
    assert last_watermark(demo.store, "order") == run.watermark_to

    again = wait_for_run(start_run(demo.store, "order", SyncRun.Kind.INCREMENTAL))
    assert again.watermark_from == run.watermark_to
    assert again.created == 0 and again.seen <= 60


def test_several_stores_import_into_one_org_without_collisions(demo):
    second_hash = "secondstore"
    bc_demo.generate_demo_data(bc_services.provision_store(second_hash, "token-two"), seed=7)
    second = Store.objects.create(
        name="Second store",
        store_hash=second_hash,
        access_token="token-two",
        api_base_url=demo.store.api_base_url,
        salesforce_org=demo.store.salesforce_org,
        is_sandbox=True,
    )
    apply_default_template(second)
    for store in (demo.store, second):
        for source in ("customer", "order"):
            assert import_now(store, source).failed == 0
    keys = external_ids("Contact")
    assert all(n == 1 for n in keys.values())
    assert {key.split(":")[0] for key in keys} == {demo.store.store_hash, second_hash}
    assert len(salesforce("Order")) == 120


def test_a_run_under_429s_5xx_and_lock_errors_ends_with_every_record_once(demo):
    set_faults(Emulator.SALESFORCE, error_share=0.15, lock_error_share=0.15)
    set_faults(Emulator.BIGCOMMERCE, error_share=0.1)
    try:
        runs = [import_now(demo.store, source) for source in ("customer", "product", "order")]
        storm = timezone.now() + timedelta(seconds=2)
        set_faults(Emulator.BIGCOMMERCE, rate_limit_storm_until=storm)
        runs.append(import_now(demo.store, "refund"))
    finally:
        clear_faults(Emulator.SALESFORCE)
        clear_faults(Emulator.BIGCOMMERCE)
    for run in runs:  # what failed even after the retries is re-synced from the log
        for source, ids in failed_records(run).items():
            import_now(run.store, source, kind="resync", source_ids=ids)
    for object_name in ("Account", "Contact", "Product2", "Order", "Case"):
        assert all(n == 1 for n in external_ids(object_name).values()), object_name
    assert len(external_ids("Order")) == 60
    assert len([c for c in external_ids("Contact") if ":guest:" not in c]) == 25
    entries = [e["Product2Id"] for e in salesforce("PricebookEntry")]
    assert len(entries) == len(set(entries)) == 15
    orders = reads.order_pages(BigCommerceClient.for_store(demo.store))
    lines = sum(len(reads.line_items(order)) for page in orders for order in page)
    assert len(salesforce("OrderItem")) == lines
