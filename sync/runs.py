"""Runs of the import pipeline: start, execute, cancel, and import chosen records now.

Every way in (the console's buttons, the REST API, schedules, re-sync from the log, webhooks)
goes through these functions. A run is a row first and a task second: `start_run` writes the
run and enqueues its task once the transaction commits, so the worker always finds the row.
"""

import logging
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from logs.models import Outcome, SyncLogEntry
from mappings.models import SourceObject
from sync import deletion, liveness
from sync.models import SyncRun
from sync.pipeline.runner import execute

logger = logging.getLogger(__name__)

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
    order given (dependencies first) by one task."""
    from sync.tasks import run_imports

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
    transaction.on_commit(partial(run_imports.delay, [run.pk for run in started]))
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
    worker died. A run alive elsewhere, finished, or cancelled is left alone."""
    owner = liveness.claim(run_id)
    run = SyncRun.objects.select_related("store__salesforce_org").get(pk=run_id)
    if owner is not None:
        with liveness.heartbeat(run):
            execute(run)
    return run


def execute_runs(run_ids) -> None:
    """Runs one after the other; one that breaks does not keep the next from running."""
    for run_id in run_ids:
        try:
            execute_run(run_id)
        except Exception:
            logger.exception("Run %s broke; going on with the next", run_id)


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


def failed_records(run: SyncRun) -> dict[str, list[str]]:
    """Per object, in dependency order, the records whose latest log row in the run failed:
    an orders run logs the customers, guests and products it imported first, too."""
    rows = SyncLogEntry.objects.filter(run=run).order_by("pk")
    if not rows.filter(outcome=Outcome.FAILED).exists():
        return {}
    latest = {}
    for source, source_id, outcome in rows.values_list("source", "source_id", "outcome"):
        latest[(source, source_id)] = outcome
    failed = {}
    for source in SourceObject.values:
        ids = [i for (s, i), outcome in latest.items() if s == source and outcome == Outcome.FAILED]
        if ids:
            failed[source] = ids
    return failed


def delete_records(store, source: str, source_ids) -> int:
    """Apply the object setting's delete action to records deleted in BigCommerce."""
    return deletion.apply(store, source, [str(i) for i in source_ids])
