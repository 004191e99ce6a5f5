"""A run whose customers, guests, products and orders failed is repaired with one click."""

import time
from collections import Counter

import pytest

from integrations.bigcommerce import reads
from integrations.retry import RetryPolicy
from sandbox.faults import clear_faults, set_faults
from sandbox.models import Emulator
from sync.models import Outcome, SyncLogEntry, SyncRun
from sync.pipeline import runner
from tests.sync.conftest import bigcommerce, external_ids, import_now

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_back_off(monkeypatch):
    """Rows stay locked for the whole run: waiting between its tries would only slow the test."""
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, attempt: 0)


def wait_for(runs, seconds=120) -> list[SyncRun]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for run in runs:
            run.refresh_from_db()
        if all(run.status not in ("queued", "running") for run in runs):
            return runs
        time.sleep(0.3)
    raise AssertionError(f"still active: {[(r.pk, r.status) for r in runs]}")


@pytest.mark.worker
def test_one_click_repairs_the_failed_customers_guests_and_orders_of_a_run(
    demo, owner, live_worker, client
):
    set_faults(Emulator.SALESFORCE, lock_error_share=1.0)  # every row stays locked
    try:
        run = import_now(demo.store, "order")
    finally:
        clear_faults(Emulator.SALESFORCE)

    assert run.status == SyncRun.Status.PARTIAL
    assert run.failed == 60
    rows = SyncLogEntry.objects.filter(run=run)
    failed_sources = Counter(rows.filter(outcome=Outcome.FAILED).values_list("source", flat=True))
    assert failed_sources["order"] == 60
    assert failed_sources["customer"] > 0 and failed_sources["guest"] > 0
    assert failed_sources["product"] > 0
    # One row per record, however often the run tried it; the earlier tries are in that row.
    per_record = Counter(rows.values_list("source", "source_id"))
    assert set(per_record.values()) == {1}
    tried = rows.filter(source="order").first()
    assert [t["code"] for t in tried.earlier_tries] == ["UNABLE_TO_LOCK_ROW"] * 3

    client.force_login(owner)
    response = client.post(f"/stores/{demo.store.pk}/runs/{run.pk}/resync-failed/")
    assert response.status_code == 302
    resyncs = wait_for(list(SyncRun.objects.filter(trigger="resync").order_by("pk")))

    assert [r.source for r in resyncs] == ["customer", "guest", "product", "order"]
    assert [r.status for r in resyncs] == ["succeeded"] * 4, [r.error for r in resyncs]
    assert response.url == f"/stores/{demo.store.pk}/runs/{resyncs[0].pk}/"
    for object_name in ("Account", "Contact", "Product2", "Order"):
        assert all(n == 1 for n in external_ids(object_name).values()), object_name
    assert len(external_ids("Order")) == 60
    contacts = external_ids("Contact")
    assert len([key for key in contacts if ":guest:" not in key]) == failed_sources["customer"]
    assert len([key for key in contacts if ":guest:" in key]) == failed_sources["guest"]


def test_a_customer_whose_orders_span_batches_has_one_row_in_the_run(demo, monkeypatch):
    monkeypatch.setattr(runner, "PAGE", 20)
    monkeypatch.setattr(runner, "BATCH", 20)
    orders = [o for page in reads.order_pages(bigcommerce(demo.store)) for o in page]
    set_faults(Emulator.SALESFORCE, lock_error_share=1.0)
    try:
        run = import_now(demo.store, "order", kind="records", source_ids=[o["id"] for o in orders])
    finally:
        clear_faults(Emulator.SALESFORCE)

    batches_of = {}
    for n, order in enumerate(orders):
        batches_of.setdefault(str(order["customer_id"]), set()).add(n // 20)
    spanning = [c for c, batches in batches_of.items() if c != "0" and len(batches) > 1]
    assert spanning, "the demo has customers with orders in several batches"
    rows = SyncLogEntry.objects.filter(run=run, source="customer", source_id__in=spanning)
    assert Counter(rows.values_list("source_id", flat=True)) == dict.fromkeys(spanning, 1)
    for row in rows:  # tried in each of its batches, once a round
        assert len(row.earlier_tries) >= len(batches_of[row.source_id]) - 1
