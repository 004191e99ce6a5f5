"""Runs of the import pipeline: start, execute, cancel, and import chosen records now.

Every way in (the console's buttons, the REST API, schedules, re-sync from the log, webhooks)
goes through these functions. A run is a row first and a task second: `start_run` writes the
run and enqueues its task once the transaction commits, so the worker always finds the row.
"""

from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from sync import deletion
from sync.models import SyncRun
from sync.pipeline.runner import execute

ACTIVE = (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)


class RunRefused(Exception):
    """A run that cannot start; the message says why, for the console and the API."""


def start_run(
    store,
    source: str,
    kind: str = SyncRun.Kind.INCREMENTAL,
    *,
    trigger: str = "manual",
    user=None,
    source_ids=None,
    since=None,
) -> SyncRun:
    """Queue an import of one object of a store; the worker runs it."""
    from sync.tasks import run_import

    if kind in (SyncRun.Kind.RECORDS, SyncRun.Kind.RESYNC) and not source_ids:
        raise RunRefused("Choose at least one record to import.")
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                store=store,
                source=source,
                kind=kind,
                trigger=trigger,
                requested_by=user if user is not None and user.is_authenticated else None,
                source_ids=[str(i) for i in source_ids or []],
                watermark_from=since,
            )
    except IntegrityError:  # one_active_batch_run_per_object
        raise RunRefused("An import of these records is already queued or running.") from None
    transaction.on_commit(partial(run_import.delay, run.pk))
    return run


def cancel_run(run: SyncRun) -> SyncRun:
    """A queued run is cancelled at once; a running one stops after its current page."""
    updated = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.CANCELLED, finished_at=timezone.now(), cancel_requested=True
    )
    if not updated:
        SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RUNNING).update(
            cancel_requested=True
        )
    run.refresh_from_db()
    return run


def execute_run(run_id: int) -> SyncRun | None:
    """Run a queued run in this process (the task's body). A run claimed elsewhere, or
    cancelled before it started, is left alone."""
    claimed = SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING, started_at=timezone.now()
    )
    run = SyncRun.objects.select_related("store__salesforce_org").get(pk=run_id)
    if claimed:
        execute(run)
    return run


def import_records(store, source: str, source_ids, *, trigger: str = "webhook") -> SyncRun:
    """Import these records now, in this process, as one run of kind "records"."""
    run = SyncRun.objects.create(
        store=store,
        source=source,
        kind=SyncRun.Kind.RECORDS,
        trigger=trigger,
        status=SyncRun.Status.RUNNING,
        source_ids=[str(i) for i in source_ids],
        started_at=timezone.now(),
    )
    execute(run)
    return run


def delete_records(store, source: str, source_ids) -> int:
    """Apply the object setting's delete action to records deleted in BigCommerce."""
    return deletion.apply(store, source, [str(i) for i in source_ids])
