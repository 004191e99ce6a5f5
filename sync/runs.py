"""Runs of the import pipeline: start, execute, cancel, and import chosen records now.

Every way in (the console's buttons, the REST API, schedules, re-sync from the log, webhooks)
goes through these functions. A run is a row first and a task second: `start_run` writes the
run and enqueues its task once the transaction commits, so the worker always finds the row.
"""

from itertools import pairwise

from django.db import IntegrityError, transaction

from mappings.defaults import ensure_default_mappings
from mappings.export_targets import target_of
from mappings.models import SourceObject
from sync import deletion, enqueue, liveness, run_state
from sync.models import RunDirection, SyncRun
from sync.pipeline.runner import execute
from sync.run_state import BATCH_KINDS

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
    direction: str = RunDirection.IMPORT,
) -> SyncRun:
    """Queue an import (or export) of one object of a store; the worker runs it."""
    if kind in (SyncRun.Kind.RECORDS, SyncRun.Kind.RESYNC) and not source_ids:
        raise RunRefused(f"Choose at least one record to {direction}.")
    if direction == RunDirection.EXPORT:
        check_exports(store, source)
    batch = [(source, source_ids)]
    return _start_chain(
        store, batch, kind, trigger=trigger, user=user, since=since, direction=direction
    )[0]


def check_exports(store, source: str) -> None:
    setting = store.object_settings.filter(source=source).first()
    if target_of(source) is None:
        raise RunRefused(f"{SourceObject(source).label} are not exported to BigCommerce.")
    if setting is None or not setting.enabled or not setting.exports:
        label = SourceObject(source).label
        raise RunRefused(
            f"{label} are not exported: set their direction to "
            "'Salesforce → BigCommerce' or 'Both ways' first."
        )


def start_runs(
    store, batches, kind: str, *, trigger: str, user=None, direction=RunDirection.IMPORT
) -> list[SyncRun]:
    """Queue one run per (source, ids) in `batches`, executed one after the other in the
    order given (dependencies first): each run queues the next when it ends."""
    batches = [(source, ids) for source, ids in batches if ids]
    if not batches:
        raise RunRefused(f"Choose at least one record to {direction}.")
    return _start_chain(store, batches, kind, trigger=trigger, user=user, direction=direction)


# Dependency order: people and the catalog before the orders that need them, orders before
# their refunds.
EVERYTHING = (
    SourceObject.CUSTOMER,
    SourceObject.GUEST,
    SourceObject.CATEGORY,
    SourceObject.PRODUCT,
    SourceObject.ORDER,
    SourceObject.REFUND,
)


def start_everything(store, kind: str, *, trigger: str = "manual", user=None) -> list[SyncRun]:
    """Import everything: a full or incremental import of every enabled object of the store,
    one run per object, executed in dependency order (`start_runs`' chain).

    The runs share their reads: orders find the customers and products imported by the runs
    before them, guests come with their orders (the orders run imports them, so no guest run
    when orders are enabled), and the refund run takes the orders the orders run read."""
    sources = everything_of(store)
    busy = set(
        SyncRun.objects.filter(
            store=store, source__in=sources, status__in=ACTIVE, kind__in=BATCH_KINDS
        ).values_list("source", flat=True)
    )
    if busy:
        names = ", ".join(SourceObject(source).label for source in sources if source in busy)
        raise RunRefused(f"An import of {names} is already queued or running; nothing started.")
    return _start_chain(
        store, [(source, None) for source in sources], kind, trigger=trigger, user=user
    )


def everything_of(store) -> list[str]:
    """The objects "Import everything" imports, in dependency order: the enabled ones, less
    guests when orders are enabled (the orders run imports their guests)."""
    ensure_default_mappings(store)
    enabled = set(store.object_settings.filter(enabled=True).values_list("source", flat=True))
    sources = [source for source in EVERYTHING if source in enabled]
    if SourceObject.ORDER in sources and SourceObject.GUEST in sources:
        sources.remove(SourceObject.GUEST)
    if not sources:
        raise RunRefused("No object of this store is enabled; nothing was started.")
    return sources


def _start_chain(
    store, batches, kind: str, *, trigger: str, user=None, since=None, direction=RunDirection.IMPORT
) -> list[SyncRun]:
    """Runs of (source, ids) in this order, each queueing the next when it ends; the first
    is queued once the transaction commits."""
    try:
        with transaction.atomic():
            started = [
                _new_run(
                    store,
                    source,
                    kind,
                    trigger=trigger,
                    user=user,
                    ids=ids,
                    since=since,
                    direction=direction,
                )
                for source, ids in batches
            ]
            for run, then in pairwise(started):
                run.next_run = then
                run.save(update_fields=["next_run"])
    except IntegrityError:  # one_active_batch_run_per_object
        raise RunRefused(f"An {direction} of these records is already queued or running.") from None
    enqueue.run_import_on_commit(started[0].pk)
    return started


def cancel_run(run: SyncRun) -> SyncRun:
    """A queued run is cancelled at once, and so is a running one whose worker is gone; a
    running one stops after its current batch."""
    if not run_state.cancel_queued(run) and not liveness.cancel_if_dead(run):
        run_state.request_cancel(run)
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
    run.refresh_from_db(fields=["status", "next_run"])
    if run.next_run_id is not None and run.status not in ACTIVE:
        enqueue.run_import(run.next_run_id)


def import_records(
    store, source: str, source_ids, *, trigger: str = "webhook", batch: str = ""
) -> SyncRun:
    """Import these records now, in this process: a run of kind "records", executed as every
    run is (`execute_run`), only without the queue. `batch` names the webhook drain batch."""
    run = _new_run(
        store, source, SyncRun.Kind.RECORDS, trigger=trigger, ids=source_ids, batch=batch
    )
    return execute_run(run.pk)


def _new_run(
    store,
    source,
    kind,
    *,
    trigger,
    user=None,
    ids=None,
    since=None,
    direction=RunDirection.IMPORT,
    batch="",
) -> SyncRun:
    return SyncRun.objects.create(
        batch=batch,
        store=store,
        source=source,
        direction=direction,
        kind=kind,
        trigger=trigger,
        requested_by=user if user is not None and user.is_authenticated else None,
        source_ids=[str(i) for i in ids or []],
        watermark_from=since,
    )


def delete_records(store, source: str, source_ids) -> int:
    """Apply the object setting's delete action to records deleted in BigCommerce."""
    return deletion.apply(store, source, [str(i) for i in source_ids])
