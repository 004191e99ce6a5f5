"""A worker killed with SIGKILL in the middle of a run never leaves the run or its object stuck."""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.bigcommerce import dates, reads
from sandbox.faults import clear_faults, set_faults
from sandbox.models import Emulator
from sync import liveness
from sync.models import SyncRun
from sync.pipeline import runner
from sync.runs import RunRefused, cancel_run, execute_run, start_run, start_runs
from tests.conftest import start_worker, stop_worker
from tests.sync.conftest import bigcommerce, external_ids, salesforce


def wait_until(condition, *, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(message)


def finished(run: SyncRun) -> bool:
    run.refresh_from_db()
    return run.status not in ("queued", "running")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_run_whose_worker_is_killed_is_taken_over_and_ends_with_every_record_once(
    demo, tmp_path, settings
):
    settings.RUN_STALE_SECONDS = 3
    set_faults(Emulator.SALESFORCE, latency_ms=150)
    first = start_worker(tmp_path / "first.log", RUN_HEARTBEAT_SECONDS=1)
    try:
        run = start_run(demo.store, "order", SyncRun.Kind.FULL)
        wait_until(
            lambda: salesforce("Account") and not finished(run),
            timeout=90,
            message="the import never started writing",
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        stop_worker(first)
        clear_faults(Emulator.SALESFORCE)
    run.refresh_from_db()
    assert run.status == "running"
    with pytest.raises(RunRefused):  # its object is busy until the run is taken over
        start_run(demo.store, "order", SyncRun.Kind.FULL)

    # The sweeper finds it within RUN_STALE_SECONDS of the last heartbeat and queues it again.
    wait_until(lambda: liveness.take_over_stale() == [run.pk], timeout=30, message="not stale")
    second = start_worker(tmp_path / "second.log", RUN_HEARTBEAT_SECONDS=1)
    try:
        wait_until(lambda: finished(run), timeout=120, message="the taken-over run never ended")
        assert run.status == "succeeded", (run.error, second.log_path.read_text()[-3000:])
        assert run.takeovers == 1
        for object_name in ("Account", "Contact", "Order"):
            assert all(n == 1 for n in external_ids(object_name).values()), object_name
        assert len(external_ids("Order")) == 60

        again = start_run(demo.store, "order", SyncRun.Kind.FULL)  # accepted now
        wait_until(lambda: finished(again), timeout=120, message="the next import never ended")
    finally:
        stop_worker(second)
    assert (again.status, again.created, again.unchanged) == ("succeeded", 0, 60)


@pytest.fixture
def dead_run(store_a):
    """A run whose worker stopped beating a while ago."""
    long_ago = timezone.now() - timedelta(minutes=5)
    return SyncRun.objects.create(
        store=store_a,
        source="customer",
        kind=SyncRun.Kind.FULL,
        status=SyncRun.Status.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        owner="gone:1:deadbeef",
    )


@pytest.mark.django_db
def test_cancel_ends_a_run_whose_worker_is_gone_at_once(dead_run):
    run = cancel_run(dead_run)
    assert run.status == SyncRun.Status.CANCELLED
    assert run.finished_at is not None
    start_run(run.store, "customer", SyncRun.Kind.FULL)  # the object is free again


@pytest.mark.django_db
def test_cancel_of_a_live_run_asks_it_to_stop(dead_run):
    SyncRun.objects.filter(pk=dead_run.pk).update(heartbeat_at=timezone.now())
    run = cancel_run(dead_run)
    assert (run.status, run.cancel_requested) == (SyncRun.Status.RUNNING, True)


@pytest.mark.django_db
def test_a_redelivered_task_takes_over_a_dead_run(dead_run, monkeypatch):
    executed = []
    monkeypatch.setattr("sync.runs.execute", lambda run: executed.append(run.owner))
    execute_run(dead_run.pk)
    dead_run.refresh_from_db()
    assert executed == [dead_run.owner] and dead_run.owner != "gone:1:deadbeef"
    assert dead_run.takeovers == 1


@pytest.mark.django_db
def test_a_task_delivered_twice_does_not_run_a_live_run_again(dead_run, monkeypatch):
    SyncRun.objects.filter(pk=dead_run.pk).update(heartbeat_at=timezone.now())
    executed = []
    monkeypatch.setattr("sync.runs.execute", executed.append)
    execute_run(dead_run.pk)
    assert executed == []


@pytest.mark.django_db
def test_the_sweeper_ends_a_dead_webhook_run_and_requeues_a_dead_batch_run(dead_run, monkeypatch):
    queued = []
    monkeypatch.setattr("sync.tasks.run_import.delay", queued.append)
    inline = SyncRun.objects.create(
        store=dead_run.store,
        source="order",
        kind=SyncRun.Kind.RECORDS,
        trigger="webhook",
        status=SyncRun.Status.RUNNING,
        started_at=dead_run.started_at,
        heartbeat_at=dead_run.heartbeat_at,
    )
    assert sorted(liveness.take_over_stale()) == sorted([dead_run.pk, inline.pk])
    dead_run.refresh_from_db()
    inline.refresh_from_db()
    assert (dead_run.status, queued) == (SyncRun.Status.QUEUED, [dead_run.pk])
    assert inline.status == SyncRun.Status.FAILED
    assert "webhook events go back to the inbox" in inline.error
    assert liveness.take_over_stale() == []  # nothing twice


@pytest.mark.django_db(transaction=True)
def test_a_taken_over_run_resumes_after_the_last_batch_it_wrote(demo):
    customers = [c for page in reads.customer_pages(bigcommerce(demo.store)) for c in page]
    modified = sorted(dates.parse(c["date_modified"]) for c in customers)
    checkpoint = modified[len(modified) // 2]
    run = SyncRun.objects.create(
        store=demo.store,
        source="customer",
        kind=SyncRun.Kind.FULL,
        status=SyncRun.Status.RUNNING,
        checkpoint=checkpoint,
        expected=len(customers),
        takeovers=1,
    )
    run = runner.execute(run, sleep=lambda seconds: None)
    assert run.status == "succeeded"
    assert run.seen == len([m for m in modified if m >= checkpoint]) < len(customers)
    assert run.watermark_to == modified[-1]


@pytest.mark.django_db
def test_runs_started_in_order_go_on_after_one_was_cancelled_or_taken_over(
    store_a, monkeypatch, django_capture_on_commit_callbacks
):
    queued, executed = [], []

    def execute(run):
        executed.append(run.source)
        SyncRun.objects.filter(pk=run.pk).update(status="succeeded")

    monkeypatch.setattr("sync.tasks.run_import.delay", queued.append)
    monkeypatch.setattr("sync.runs.execute", execute)
    batches = [("customer", ["1"]), ("product", ["2"]), ("order", ["3"])]
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third = start_runs(store_a, batches, "resync", trigger="resync")
    assert queued == [first.pk]

    cancel_run(first)
    execute_run(first.pk)  # its task still comes, finds it cancelled, and queues the next
    assert (executed, queued[-1]) == ([], second.pk)

    SyncRun.objects.filter(pk=second.pk).update(  # its worker died mid-run
        status="running", heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    assert liveness.take_over_stale() == [second.pk]
    execute_run(second.pk)
    assert (executed, queued[-1]) == (["product"], third.pk)
