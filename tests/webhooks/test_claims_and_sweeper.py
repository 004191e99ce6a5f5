"""Claims under concurrency, and the sweeper that recovers what dead workers held."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from webhooks import drain, sweeper
from webhooks.models import StoreInbox, WebhookEvent

EVENTS = 2000


def fill_inbox(store, count=EVENTS):
    now = timezone.now()
    WebhookEvent.objects.bulk_create(
        WebhookEvent(
            store=store,
            scope="store/order/updated",
            source="order",
            source_id=str(n % 500),
            received_at=now,
        )
        for n in range(count)
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_give_one_event_to_two_drains(hook_store):
    fill_inbox(hook_store)
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def claimer(name):
        try:
            start.wait()
            mine = []
            while True:
                _, events = drain.claim_batch(hook_store.pk, 50)
                if not events:
                    break
                mine += [e.pk for e in events]
            claimed[name] = mine
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claimer, args=(f"drain-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    everything = [pk for mine in claimed.values() for pk in mine]
    assert len(everything) == EVENTS == len(set(everything))
    assert WebhookEvent.objects.filter(status="claimed").count() == EVENTS


@pytest.mark.django_db(transaction=True)
def test_two_processes_claiming_at_once_split_the_events(hook_store):
    """Two processes with their own connections (PostgreSQL's row locks at work)."""
    from tests.conftest import require

    require(connection.vendor == "postgresql", "needs PostgreSQL")
    import multiprocessing

    fill_inbox(hook_store)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_claim_everything, args=(hook_store.pk, start, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    claimed = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(10)
    everything = [pk for mine in claimed for pk in mine]
    assert len(everything) == EVENTS == len(set(everything))
    assert all(claimed), "one process claimed nothing: the test did not race"


def _claim_everything(store_id, start, results) -> None:
    connections.close_all()  # a forked child must not share its parent's connection
    start.wait()
    mine = []
    while True:
        _, events = drain.claim_batch(store_id, 10)
        if not events:
            break
        mine += [e.pk for e in events]
    results.put(mine)
    connections.close_all()


@pytest.mark.django_db
def test_the_sweeper_returns_a_stale_claim_to_the_inbox_and_requeues(hook_store, drains, settings):
    fill_inbox(hook_store, 3)
    drain.claim_batch(hook_store.pk, 2)
    drain._acquire_lease(hook_store.pk, "dead-drain")
    later = timezone.now() + timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS + 1)

    assert sweeper.sweep(now=later) == [hook_store.pk]

    assert WebhookEvent.objects.filter(status="pending").count() == 3
    assert not WebhookEvent.objects.exclude(claim_token="").exists()
    assert StoreInbox.objects.get(store=hook_store).lease_token == ""
    assert drains == [hook_store.pk]


@pytest.mark.django_db
def test_the_sweeper_leaves_live_claims_and_fresh_events_alone(hook_store, drains):
    fill_inbox(hook_store, 3)
    drain.claim_batch(hook_store.pk, 2)

    assert sweeper.sweep() == []

    assert WebhookEvent.objects.filter(status="claimed").count() == 2
    assert drains == []


@pytest.mark.django_db
def test_the_sweeper_requeues_events_waiting_too_long(hook_store, drains, settings):
    fill_inbox(hook_store, 1)
    later = timezone.now() + timedelta(seconds=settings.WEBHOOK_PENDING_GRACE_SECONDS + 1)

    assert sweeper.sweep(now=later) == [hook_store.pk]
    assert drains == [hook_store.pk]
