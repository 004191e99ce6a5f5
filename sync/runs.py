"""Runs of the import pipeline: start, execute, cancel, and import chosen records now.

Every way in (the console's buttons, the REST API, schedules, re-sync from the log, webhooks)
goes through these functions. A run is a row first and a task second: `start_run` writes the
run and enqueues its task once the transaction commits, so the worker always finds the row.
"""

from functools import partial
from itertools import pairwise

from django.db import IntegrityError, transaction
from django.utils import timezone

from sync import deletion, liveness
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


def start_runs(store, batches, kind: str, *, trigger: str, user=None) -> list[SyncRun]:
    """Queue one run per (source, ids) in `batches`, executed one after the other in the
    order given (dependencies first): each run queues the next when it ends."""
    from sync.tasks import run_import

    batches = [(source, ids) for source, ids in batches if ids]
    if not batches:
        raise RunRefused("Choose at least one record to import.")
    with transaction.atomic():
        started = [
            SyncRun.objects.create(
                store=store,
                source=source,
                kind=kind,
                trigger=trigger,
                requested_by=user if user is not None and user.is_authenticated else None,
                source_ids=[str(i) for i in ids],
            )
            for source, ids in batches
        ]
        for run, then in pairwise(started):
            run.next_run = then
            run.save(update_fields=["next_run"])
    transaction.on_commit(partial(run_import.delay, started[0].pk))
    return started


def cancel_run(run: SyncRun) -> SyncRun:
    """A queued run is cancelled at once, and so is a running one whose worker is gone; a
    running one stops after its current batch."""
    updated = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.CANCELLED, finished_at=timezone.now(), cancel_requested=True
    )
    if not updated and not liveness.cancel_if_dead(run):
        SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RUNNING).update(
            cancel_requested=True
        )
    run.refresh_from_db()
    return run


def execute_run(run_id: int) -> SyncRun | None:
    """Run a queued run in this process (the task's body), or take over a running one whose
    worker died. A run alive elsewhere, finished, or cancelled is left alone. A run that ends
    queues the run that was started to follow it."""
    owner = liveness.claim(run_id)
    run = SyncRun.objects.select_related("store__salesforce_org").get(pk=run_id)
    try:
        if owner is not None:
            with liveness.heartbeat(run):
                execute(run)
    finally:
        _queue_next(run)
    return run


def _queue_next(run: SyncRun) -> None:
    from sync.tasks import run_import

    run.refresh_from_db(fields=["status", "next_run"])
    if run.next_run_id is not None and run.status not in ACTIVE:
        run_import.delay(run.next_run_id)


def import_records(store, source: str, source_ids, *, trigger: str = "webhook") -> SyncRun:
    """Import these records now, in this process, as one run of kind "records"."""
    now = timezone.now()
    run = SyncRun.objects.create(
        store=store,
        source=source,
        kind=SyncRun.Kind.RECORDS,
        trigger=trigger,
        status=SyncRun.Status.RUNNING,
        source_ids=[str(i) for i in source_ids],
        started_at=now,
        owner=liveness.new_owner(),
        heartbeat_at=now,
    )
    with liveness.heartbeat(run):
        execute(run)
    return run


def delete_records(store, source: str, source_ids) -> int:
    """Apply the object setting's delete action to records deleted in BigCommerce."""
    return deletion.apply(store, source, [str(i) for i in source_ids])
