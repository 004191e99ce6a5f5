"""Draining the inbox: claims, coalescing, outcomes and replay, with the pipeline's two entry
points replaced by recorders (the end-to-end tests use the real ones)."""

import json
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.errors import AuthError, TransientError
from sync import runs
from sync.models import Outcome, SyncLogEntry, SyncRun
from tests.examples import bigcommerce_example
from webhooks import drain, receiver, replay, sweeper
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


class Pipeline:
    """Stands in for sync.runs: records the calls, and can fail."""

    def __init__(self, store):
        self.store = store
        self.imports = []
        self.deletes = []
        self.error = None
        self.run_status = SyncRun.Status.SUCCEEDED

    def import_records(self, store, source, ids, *, trigger, batch=""):
        assert trigger == "webhook"
        if self.error:
            raise self.error
        self.imports.append((source, sorted(ids)))
        return SyncRun.objects.create(
            store=store,
            source=source,
            kind=SyncRun.Kind.RECORDS,
            trigger=trigger,
            status=self.run_status,
            source_ids=list(ids),
            error="Salesforce refused the batch" if self.run_status == "failed" else "",
            batch=batch,
        )

    def delete_records(self, store, source, ids):
        self.deletes.append((source, sorted(ids)))
        return len(ids)


@pytest.fixture
def pipeline(monkeypatch, hook_store, drains):
    fake = Pipeline(hook_store)
    monkeypatch.setattr(runs, "import_records", fake.import_records)
    monkeypatch.setattr(runs, "delete_records", fake.delete_records)
    return fake


def event(store, source="order", source_id="1", action="upsert", **fields) -> WebhookEvent:
    return WebhookEvent.objects.create(
        store=store,
        scope=f"store/{source}/{'deleted' if action == 'delete' else 'updated'}",
        source=source,
        source_id=source_id,
        action=action,
        received_at=timezone.now(),
        **fields,
    )


def test_events_of_one_record_become_one_import(pipeline, hook_store):
    for source_id in ("1", "2", "1", "1", "3", "2"):
        event(hook_store, source_id=source_id)
    event(hook_store, source="customer", source_id="9")

    assert drain.drain(hook_store.pk) == 7

    assert sorted(pipeline.imports) == [("customer", ["9"]), ("order", ["1", "2", "3"])]
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}
    order_run = SyncRun.objects.get(source="order")
    assert WebhookEvent.objects.filter(run=order_run).count() == 6


def test_the_runs_of_one_drain_share_its_batch_and_the_next_drain_has_its_own(pipeline, hook_store):
    event(hook_store, source_id="1")
    event(hook_store, source="customer", source_id="9")
    drain.drain(hook_store.pk)
    event(hook_store, source_id="2")
    drain.drain(hook_store.pk)

    runs = list(SyncRun.objects.order_by("pk"))
    assert len(runs) == 3
    assert runs[0].batch and runs[0].batch == runs[1].batch
    assert runs[2].batch and runs[2].batch != runs[0].batch


def test_a_status_change_and_an_update_of_one_order_become_one_import(pipeline, hook_store):
    """BigCommerce sends both for a status change; each names the order in data.id."""
    store = receiver.receiving(hook_store.pk)
    for name in ("webhook_store_order_statusUpdated.json", "webhook_store_order_updated.json"):
        receiver.receive(store, json.dumps(bigcommerce_example(name)).encode())

    assert drain.drain(hook_store.pk) == 2

    assert pipeline.imports == [("order", ["250"])]
    assert list(WebhookEvent.objects.values_list("status", flat=True)) == ["processed"] * 2


def test_a_delete_wins_whatever_the_order_of_arrival(pipeline, hook_store):
    event(hook_store, source_id="5", action="delete")
    event(hook_store, source_id="5")
    event(hook_store, source_id="6")

    drain.drain(hook_store.pk)

    assert pipeline.deletes == [("order", ["5"])]
    assert pipeline.imports == [("order", ["6"])]
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}


def test_a_late_update_of_a_deleted_record_is_ignored(pipeline, hook_store):
    event(hook_store, source_id="5", action="delete")
    drain.drain(hook_store.pk)
    late = event(hook_store, source_id="5")

    drain.drain(hook_store.pk)

    assert pipeline.imports == []
    late.refresh_from_db()
    assert (late.status, late.error) == ("ignored", "The record was deleted.")


def test_a_failed_import_fails_its_events_with_the_error(pipeline, hook_store):
    pipeline.error = AuthError("The access token was refused", status=401, system="BigCommerce")
    first = event(hook_store, source_id="1")

    drain.drain(hook_store.pk)

    first.refresh_from_db()
    assert first.status == "failed"
    assert "access token was refused" in first.error
    assert (first.attempts, first.retry_at) == (1, None)


def test_a_retryable_failure_is_tried_again_later(pipeline, hook_store):
    pipeline.error = TransientError("Salesforce is down", system="Salesforce")
    failed = event(hook_store)

    drain.drain(hook_store.pk)
    failed.refresh_from_db()
    assert failed.status == "failed" and failed.retry_at > timezone.now()

    pipeline.error = None
    sweeper.sweep(now=failed.retry_at + timedelta(seconds=1))
    drain.drain(hook_store.pk)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("processed", 2)


def test_retries_stop_after_the_maximum_attempts(pipeline, hook_store, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    pipeline.error = TransientError("Salesforce is down", system="Salesforce")
    failed = event(hook_store, attempts=1)

    drain.drain(hook_store.pk)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.retry_at) == ("failed", 2, None)


def test_a_failed_run_fails_its_events_and_links_the_run(pipeline, hook_store):
    pipeline.run_status = SyncRun.Status.FAILED
    failed = event(hook_store)

    drain.drain(hook_store.pk)

    failed.refresh_from_db()
    assert (failed.status, failed.error) == ("failed", "Salesforce refused the batch")
    assert failed.run.status == "failed"


def test_failed_events_are_replayed(pipeline, hook_store, drains):
    pipeline.error = AuthError("refused", status=401)
    event(hook_store, source_id="1")
    event(hook_store, source_id="2")
    drain.drain(hook_store.pk)
    pipeline.error = None

    assert replay.replay(hook_store) == 2
    drain.drain(hook_store.pk)

    assert pipeline.imports == [("order", ["1", "2"])]
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}


def test_a_paused_store_keeps_its_events_pending(pipeline, hook_store):
    hook_store.is_active = False
    hook_store.save()
    event(hook_store)

    assert drain.drain(hook_store.pk) == 0
    assert WebhookEvent.objects.get().status == "pending"


def test_a_drain_that_finds_the_lease_taken_leaves_the_events_to_its_holder(
    pipeline, hook_store, drains
):
    event(hook_store)
    assert drain._acquire_lease(hook_store.pk, "other-drain")

    assert drain.drain(hook_store.pk) == 0
    assert WebhookEvent.objects.get().status == "pending"

    drain._release_lease(hook_store.pk, "other-drain")
    assert drain.drain(hook_store.pk) == 1


def test_a_drain_queues_another_for_events_left_when_its_time_is_up(
    pipeline, hook_store, settings, drains
):
    settings.WEBHOOK_DRAIN_BATCH = 2
    settings.WEBHOOK_DRAIN_MAX_SECONDS = 0
    event(hook_store)

    assert drain.drain(hook_store.pk) == 0
    assert drains == [hook_store.pk]


def test_coalescing_and_refetching_converge_to_the_latest_state_in_any_order(
    monkeypatch, hook_store, drains
):
    """Events are pointers: each import reads the record as it is now. Whatever the order
    and the duplicates, the last import of each record starts after its last change."""
    bigcommerce, salesforce = {}, {}

    def import_now(store, source, ids, *, trigger, batch=""):
        for source_id in ids:
            salesforce[source_id] = bigcommerce[source_id]
        return SyncRun.objects.create(store=store, source=source, kind="records")

    monkeypatch.setattr(runs, "import_records", import_now)
    rng = random.Random(4)
    changes = [str(rng.randint(1, 20)) for _ in range(300)]
    for n, source_id in enumerate(changes):
        bigcommerce[source_id] = f"version {n}"
        copies = 2 if rng.random() < 0.1 else 1
        for _ in range(copies):
            event(hook_store, source_id=source_id)
        if rng.random() < 0.05:
            drain.drain(hook_store.pk)
    drain.drain(hook_store.pk)

    assert salesforce == bigcommerce
    assert not WebhookEvent.objects.exclude(status="processed").exists()


# --- one record's trouble stays with that record ------------------------------------------------
def test_an_event_naming_no_valid_record_fails_alone_and_is_not_retried(pipeline, hook_store):
    """Events stored before the receiver checked ids, or written by other means."""
    good = [event(hook_store, source_id=i) for i in ("1", "2")]
    bad = [
        event(hook_store, source_id=source_id)
        for source_id in ("../../etc", "abc", "-1", "0", "1.5", "012", str(2**64))
    ]
    bad.append(event(hook_store, source="cart", source_id="3"))

    assert drain.drain(hook_store.pk) == 10

    assert pipeline.imports == [("order", ["1", "2"])]
    for good_event in good:
        good_event.refresh_from_db()
        assert good_event.status == "processed"
    for bad_event in bad:
        bad_event.refresh_from_db()
        assert (bad_event.status, bad_event.retry_at) == ("failed", None)
        assert "cannot be imported" in bad_event.error
        assert repr(bad_event.source_id if bad_event.source == "order" else "cart") in (
            bad_event.error
        )


class Culprit(Exception):
    """What an importer might raise on a record it cannot read."""


def test_an_import_that_raises_is_split_so_only_the_culprits_events_fail(
    pipeline, hook_store, monkeypatch
):
    honest = pipeline.import_records

    def import_records(store, source, ids, *, trigger, batch=""):
        if "7" in ids:
            raise Culprit("order 7 has no currency")
        return honest(store, source, ids, trigger=trigger)

    monkeypatch.setattr(runs, "import_records", import_records)
    events = {source_id: event(hook_store, source_id=str(source_id)) for source_id in range(1, 11)}
    twin = event(hook_store, source_id="7")

    drain.drain(hook_store.pk)

    imported = sorted(source_id for _, ids in pipeline.imports for source_id in ids)
    assert imported == sorted(str(n) for n in range(1, 11) if n != 7)
    for culprit in (events[7], twin):
        culprit.refresh_from_db()
        assert (culprit.status, culprit.error, culprit.attempts) == (
            "failed",
            "order 7 has no currency",
            1,
        )
        assert culprit.retry_at > timezone.now(), "an unexpected error is tried again later"
    others = WebhookEvent.objects.exclude(pk__in=[events[7].pk, twin.pk])
    assert set(others.values_list("status", flat=True)) == {"processed"}
    assert not others.filter(run=None).exists()


def test_a_raising_import_of_one_record_keeps_the_errors_own_retry_verdict(
    pipeline, hook_store, monkeypatch
):
    honest = pipeline.import_records

    def import_records(store, source, ids, *, trigger, batch=""):
        if "2" in ids:
            raise AuthError("The access token was refused", status=401, system="BigCommerce")
        return honest(store, source, ids, trigger=trigger)

    monkeypatch.setattr(runs, "import_records", import_records)
    first, second = event(hook_store, source_id="1"), event(hook_store, source_id="2")

    drain.drain(hook_store.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "processed"
    assert (second.status, second.retry_at) == ("failed", None)


def test_a_run_with_failed_records_fails_only_their_events_with_their_own_errors(
    pipeline, hook_store, monkeypatch
):
    honest = pipeline.import_records

    def import_records(store, source, ids, *, trigger, batch=""):
        run = honest(store, source, ids, trigger=trigger)
        rows = [
            ("1", Outcome.UPDATED, False, "", ""),
            ("2", Outcome.FAILED, True, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access"),
            ("3", Outcome.FAILED, False, "REQUIRED_FIELD_MISSING", "Required fields: [LastName]"),
            # a record that failed, then went through on a later pass of the same run
            ("4", Outcome.FAILED, True, "UNABLE_TO_LOCK_ROW", "locked"),
            ("4", Outcome.CREATED, False, "", ""),
            ("5", Outcome.SKIPPED, False, "", "The record is no longer in BigCommerce"),
        ]
        for source_id, outcome, retryable, code, message in rows:
            SyncLogEntry.objects.create(
                store=store,
                run=run,
                source=source,
                source_id=source_id,
                outcome=outcome,
                retryable=retryable,
                error_code=code,
                error_message=message,
            )
        # The order's customer, imported first, failed: the order's events do not.
        SyncLogEntry.objects.create(
            store=store, run=run, source="customer", source_id="1", outcome=Outcome.FAILED
        )
        return run

    monkeypatch.setattr(runs, "import_records", import_records)
    events = {n: event(hook_store, source_id=str(n)) for n in range(1, 7)}

    drain.drain(hook_store.pk)

    for e in events.values():
        e.refresh_from_db()
    run = SyncRun.objects.get()
    assert {n: e.status for n, e in events.items()} == {
        1: "processed",
        2: "failed",
        3: "failed",
        4: "processed",
        5: "processed",
        6: "processed",
    }
    assert events[2].error == "UNABLE_TO_LOCK_ROW: unable to obtain exclusive access"
    assert events[2].retry_at > timezone.now()
    assert events[3].error == "REQUIRED_FIELD_MISSING: Required fields: [LastName]"
    assert events[3].retry_at is None
    assert all(e.run == run for e in events.values())
