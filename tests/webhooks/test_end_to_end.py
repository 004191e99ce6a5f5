"""BigCommerce changes → real callbacks → receiver → a real worker → Salesforce, over HTTP.

The emulator fires each change's webhook from its delivery thread (with duplicates on), the
worker drains the inbox through the real import pipeline, and Salesforce (the emulator) ends
with one Contact per customer, holding each customer's last change.
"""

import os
import signal
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from mappings.models import ObjectSetting
from sandbox.bigcommerce import webhooks as emulator_webhooks
from sandbox.bigcommerce.models import Delivery
from sandbox.faults import clear_faults, set_faults
from sandbox.models import Emulator
from sandbox.salesforce.models import Org
from sandbox.salesforce.records import all_records
from sandbox.services import DEMO_ORG_NAME, ensure_demo_environment
from stores.services import connect_org
from sync import liveness
from sync.models import SyncRun
from tests.conftest import start_worker, stop_worker
from tests.webhooks.conftest import wait_until
from webhooks import registration, sweeper
from webhooks.models import WebhookEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

ROUNDS = 9  # one create and nine updates of each customer


@pytest.fixture
def demo_store(live_server, settings, django_user_model):
    settings.SANDBOX_WEBHOOK_THREAD = True
    settings.CONNECTOR_PUBLIC_URL = live_server.url
    owner = django_user_model.objects.create_superuser("owner", "o@example.com", "pw")
    environment = ensure_demo_environment(owner, live_server.url)
    connect_org(environment.org)
    store = environment.store
    store.refresh_from_db()
    ObjectSetting.objects.filter(store=store).exclude(source="customer").update(realtime=False)
    registration.register(store)
    yield store
    emulator_webhooks.dispatcher.stop()
    clear_faults(Emulator.BIGCOMMERCE)


def create_customers(store, count: int, tag: str) -> list[int]:
    from integrations.bigcommerce.client import BigCommerceClient

    people = [
        {"email": f"{tag}{n}@example.com", "first_name": f"{tag}{n}", "last_name": "Round 0"}
        for n in range(count)
    ]
    results = BigCommerceClient.for_store(store).write_batch("POST", "v3/customers", people)
    assert all(result.ok for result in results)
    return [result.data["id"] for result in results]


def rename(store, ids: list[int], last_name: str) -> None:
    from integrations.bigcommerce.client import BigCommerceClient

    items = [{"id": customer_id, "last_name": last_name} for customer_id in ids]
    results = BigCommerceClient.for_store(store).write_batch("PUT", "v3/customers", items)
    assert all(result.ok for result in results)


def contacts_by_customer(store) -> Counter:
    org = Org.objects.get(name=DEMO_ORG_NAME)
    prefix = f"{store.store_hash}:"
    return Counter(
        (contact.get("BigCommerce_ID__c") or "").removeprefix(prefix)
        for contact in all_records(org, "Contact")
    )


def last_names(store) -> dict[str, str]:
    org = Org.objects.get(name=DEMO_ORG_NAME)
    prefix = f"{store.store_hash}:"
    return {
        (contact.get("BigCommerce_ID__c") or "").removeprefix(prefix): contact["LastName"]
        for contact in all_records(org, "Contact")
    }


def inbox_settled() -> bool:
    busy = Delivery.objects.filter(status__in=["pending", "sending"]).exists()
    return not busy and not WebhookEvent.objects.filter(status__in=["pending", "claimed"]).exists()


def test_a_burst_of_a_thousand_events_with_duplicates_gives_one_record_each_at_its_last_state(
    demo_store, tmp_path
):
    set_faults(Emulator.BIGCOMMERCE, duplicate_delivery_share=0.1)
    worker = start_worker(tmp_path / "worker.log")
    try:
        ids = create_customers(demo_store, 100, "burst")
        for round_number in range(1, ROUNDS + 1):
            rename(demo_store, ids, f"Round {round_number}")
        wait_until(inbox_settled, timeout=300, message="the inbox did not drain")
    finally:
        stop_worker(worker)

    deliveries = Delivery.objects.filter(scope__startswith="store/customer/").count()
    assert deliveries >= 1000 + 50, "duplicates were sent"
    assert not WebhookEvent.objects.exclude(status="processed").exists()
    contacts = contacts_by_customer(demo_store)
    assert all(contacts[str(customer_id)] == 1 for customer_id in ids)
    names = last_names(demo_store)
    assert {names[str(customer_id)] for customer_id in ids} == {f"Round {ROUNDS}"}
    webhook_runs = set(WebhookEvent.objects.values_list("run", flat=True))
    assert len(webhook_runs) < WebhookEvent.objects.count() / 2, "events were not coalesced"


def test_a_worker_killed_mid_drain_loses_no_event_and_leaves_no_run_running(
    demo_store, tmp_path, settings
):
    set_faults(Emulator.SALESFORCE, latency_ms=300)  # so that the kill lands inside an import
    worker = start_worker(tmp_path / "first.log", WEBHOOK_DRAIN_BATCH=3, RUN_HEARTBEAT_SECONDS=1)
    try:
        ids = create_customers(demo_store, 30, "killed")
        rename(demo_store, ids, "Final")

        def mid_import():
            processed = WebhookEvent.objects.filter(status="processed").exists()
            importing = SyncRun.objects.filter(trigger="webhook", status="running").exists()
            return processed and importing and WebhookEvent.objects.filter(status="claimed")

        wait_until(mid_import, timeout=120, message="the drain never got going")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        clear_faults(Emulator.SALESFORCE)
    assert WebhookEvent.objects.filter(status="claimed").exists()
    stuck = set(SyncRun.objects.filter(status="running").values_list("pk", flat=True))
    assert stuck, "the killed drain's run"

    # The sweepers: the dead drain's run ends, its claims go back to the inbox.
    settings.RUN_STALE_SECONDS = 2
    wait_until(lambda: set(liveness.take_over_stale()) == stuck, timeout=30, message="not stale")
    later = timezone.now() + timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS + 1)
    assert sweeper.sweep(now=later) == [demo_store.pk]
    second = start_worker(tmp_path / "second.log")
    try:
        wait_until(inbox_settled, timeout=180, message="the restarted worker did not drain")
    finally:
        stop_worker(second)

    assert not WebhookEvent.objects.exclude(status="processed").exists()
    assert not SyncRun.objects.filter(status__in=["queued", "running"]).exists()
    assert set(SyncRun.objects.filter(pk__in=stuck).values_list("status", flat=True)) == {"failed"}
    contacts = contacts_by_customer(demo_store)
    assert all(contacts[str(customer_id)] == 1 for customer_id in ids)
    names = last_names(demo_store)
    assert {names[str(customer_id)] for customer_id in ids} == {"Final"}
