"""A run that meets a rate limit longer than a worker should wait goes back to the queue and
comes back through Celery's retry: no worker sleeps through the limit, nothing is lost."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from integrations.salesforce.client import remember_api_usage
from sync import liveness
from sync.models import SyncRun
from sync.pipeline.runner import Deferred
from sync.runs import execute_run, import_records, start_run
from sync.tasks import run_import
from tests.sync.conftest import external_ids


@pytest.fixture
def queued(monkeypatch):
    """Tasks queued, by run id, instead of sent to a broker."""
    sent = []
    monkeypatch.setattr(run_import, "delay", sent.append)
    return sent


def over_the_guard(org):
    remember_api_usage(org.pk, 95_000, 100_000)  # past SALESFORCE_USAGE_GUARD_SHARE (0.8)


def under_the_guard(org):
    remember_api_usage(org.pk, 1_000, 100_000)


def test_a_run_over_the_daily_api_guard_waits_in_the_queue_then_resumes(demo, queued):
    over_the_guard(demo.org)
    run = start_run(demo.store, "customer", SyncRun.Kind.FULL)

    with pytest.raises(Deferred) as deferred:
        execute_run(run.pk)

    run.refresh_from_db()
    assert (run.status, run.deferrals, run.owner) == ("queued", 1, "")
    assert deferred.value.countdown >= 3600  # the guard's own wait
    assert run.resume_at > timezone.now() + timedelta(minutes=59)
    assert run.error.startswith("Waiting until") and "daily API limit" in run.error
    assert external_ids("Account") == {}

    under_the_guard(demo.org)
    execute_run(run.pk)  # what the retried task does when the countdown is over
    run.refresh_from_db()
    assert (run.status, run.created, run.deferrals) == ("succeeded", 25, 1)
    assert (run.resume_at, run.error) == (None, "")
    assert len(external_ids("Account")) == 25


def test_the_task_retries_itself_with_the_countdown(demo, queued, monkeypatch):
    over_the_guard(demo.org)
    run = start_run(demo.store, "customer", SyncRun.Kind.FULL)
    countdowns = []

    def retry(countdown):
        countdowns.append(countdown)
        return Retry()

    monkeypatch.setattr(run_import, "retry", retry)
    with pytest.raises(Retry):
        run_import.run(run.pk)
    assert len(countdowns) == 1 and countdowns[0] >= 3600


def test_a_run_deferred_too_often_fails_with_the_reason(demo, queued, settings):
    settings.RUN_MAX_DEFERRALS = 1
    over_the_guard(demo.org)
    run = start_run(demo.store, "customer", SyncRun.Kind.FULL)
    with pytest.raises(Deferred):
        execute_run(run.pk)
    execute_run(run.pk)
    run.refresh_from_db()
    assert (run.status, run.deferrals) == ("failed", 1)
    assert "daily API limit" in run.error


def test_a_webhook_drain_run_is_not_deferred_its_events_are_retried(demo):
    over_the_guard(demo.org)
    run = import_records(demo.store, "customer", [1])
    assert (run.status, run.deferrals) == ("failed", 0)


def test_a_deferred_run_whose_task_was_lost_is_queued_again_by_the_sweeper(demo, queued):
    over_the_guard(demo.org)
    run = start_run(demo.store, "customer", SyncRun.Kind.FULL)
    with pytest.raises(Deferred):
        execute_run(run.pk)
    queued.clear()
    assert liveness.take_over_stale() == []  # not due yet

    SyncRun.objects.filter(pk=run.pk).update(resume_at=timezone.now() - timedelta(minutes=5))
    assert liveness.take_over_stale() == [run.pk]
    assert queued == [run.pk]
