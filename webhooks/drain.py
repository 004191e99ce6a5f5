"""Draining a store's inbox into the import pipeline, and settling each event's outcome.

A drain task claims a store's pending events in batches (a conditional update, so two drains
never hold one event), coalesces them by record and hands the ids to the pipeline, which
re-fetches each record. One drain runs per store at a time (a lease row), so the last import of
a record always starts after its last event was claimed. Failed events keep their error; a
retryable one gets the time of its next try (webhooks.retries), when the sweeper puts it back.
"""

import logging
import time
import uuid
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from stores.models import Store
from sync import runs
from sync.models import Outcome, SyncRun
from sync.run_log import latest_rows
from webhooks.coalesce import coalesce
from webhooks.enqueue import enqueue_drain, forget_queued_drain
from webhooks.models import StoreInbox, WebhookEvent
from webhooks.retries import policy
from webhooks.scopes import DELETE, SOURCES, UPSERT, canonical_id

logger = logging.getLogger(__name__)

Status = WebhookEvent.Status
# Record ids handed to one import_records call.
IMPORT_CHUNK = 250


def drain(store_id: int) -> int:
    """Process the store's pending events, batch by batch; the number of events handled."""
    forget_queued_drain(store_id)
    store = Store.objects.filter(pk=store_id, is_active=True).first()
    lease = uuid.uuid4().hex
    if store is None or not _acquire_lease(store_id, lease):
        return 0
    handled, deadline = 0, time.monotonic() + settings.WEBHOOK_DRAIN_MAX_SECONDS
    try:
        while time.monotonic() < deadline:
            token, events = claim_batch(store_id, settings.WEBHOOK_DRAIN_BATCH)
            if not events:
                break
            process_batch(store, token, events)
            handled += len(events)
            _acquire_lease(store_id, lease)
    finally:
        _release_lease(store_id, lease)
    # Events that arrived while the lease was held, and whose own drain found it taken.
    if WebhookEvent.objects.filter(store_id=store_id, status=Status.PENDING).exists():
        enqueue_drain(store_id, force=True)
    return handled


def claim_batch(store_id: int, limit: int) -> tuple[str, list[WebhookEvent]]:
    """Claim up to `limit` pending events, oldest first; safe with many drains at once.

    Empty only when nothing is pending: losing a race for some ids means trying the next."""
    token = uuid.uuid4().hex
    pending = WebhookEvent.objects.filter(store_id=store_id, status=Status.PENDING)
    while ids := list(pending.order_by("id").values_list("id", flat=True)[:limit]):
        # The status condition is evaluated again on each row once it is locked: a row another
        # drain claimed in between is left out.
        claimed = WebhookEvent.objects.filter(pk__in=ids, status=Status.PENDING).update(
            status=Status.CLAIMED,
            claim_token=token,
            claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
        if claimed:
            return token, list(
                WebhookEvent.objects.filter(claim_token=token, status=Status.CLAIMED)
            )
    return token, []


def process_batch(store: Store, token: str, events: list[WebhookEvent]) -> None:
    attempts = {event.pk: event.attempts for event in events}
    events = _without_unusable(token, attempts, events)
    plan = coalesce(store.pk, events)
    _finish(token, plan.already_deleted, Status.IGNORED, error="The record was deleted.")
    for source, records in plan.deletes.items():
        _apply(token, attempts, records, lambda ids, s=source: _delete(store, s, ids))
    for source, records in plan.imports.items():
        items = list(records.items())
        for start in range(0, len(items), IMPORT_CHUNK):
            chunk = dict(items[start : start + IMPORT_CHUNK])
            _apply(token, attempts, chunk, lambda ids, s=source: _import(store, s, ids, token))


def _without_unusable(token: str, attempts: dict, events: list[WebhookEvent]) -> list:
    """Fail, alone and for good, the events that name no record the pipeline can read (the
    receiver refuses them, but older or hand-made rows may exist); return the others."""
    usable = []
    for event in events:
        problem = _problem(event)
        if problem:
            _fail(token, [event.pk], attempts, f"{problem} The event cannot be imported.", False)
        else:
            usable.append(event)
    return usable


def _problem(event: WebhookEvent) -> str:
    if event.source not in SOURCES:
        return f"The event's object {event.source!r} is not one webhooks feed."
    if event.action not in (UPSERT, DELETE):
        return f"The event's action {event.action!r} is unknown."
    if canonical_id(event.source_id) != event.source_id:
        return f"The event's record id {event.source_id!r} is not a positive integer."
    return ""


def _import(store: Store, source: str, source_ids: list[str], batch: str) -> SyncRun:
    return runs.import_records(store, source, source_ids, trigger="webhook", batch=batch)


def _delete(store: Store, source: str, source_ids: list[str]) -> None:
    runs.delete_records(store, source, source_ids)


def _apply(token: str, attempts: dict, records: dict[str, list[int]], action) -> None:
    """Run the action on these records (id → its event ids) and settle their events.

    If it raises for several records, one of them may be the cause: each half is tried on its
    own, down to single records, so only the culprit's events fail, with its own error. A run
    that failed as a whole fails all its events; otherwise a record whose last log row of the
    run failed fails its events with that row's error, and the others are processed.
    """
    event_ids = [pk for ids in records.values() for pk in ids]
    try:
        run = action(list(records))
    except Exception as exc:
        if len(records) > 1:
            logger.warning("Webhook import of %s records raised; trying halves", len(records))
            items = list(records.items())
            half = len(items) // 2
            _apply(token, attempts, dict(items[:half]), action)
            _apply(token, attempts, dict(items[half:]), action)
            return
        logger.exception("Webhook events %s failed", event_ids[:10])
        _fail(token, event_ids, attempts, str(exc) or type(exc).__name__, _retryable(exc))
        return
    if not isinstance(run, SyncRun):
        _finish(token, event_ids, Status.PROCESSED)
    elif run.status == SyncRun.Status.FAILED:
        _fail(token, event_ids, attempts, run.error or "The import run failed.", True, run)
    else:
        failed = _failed_records(run, list(records))
        done = [pk for source_id, ids in records.items() if source_id not in failed for pk in ids]
        _finish(token, done, Status.PROCESSED, run=run)
        for source_id, (error, retryable) in failed.items():
            _fail(token, records[source_id], attempts, error, retryable, run)


def _failed_records(run: SyncRun, source_ids: list[str]) -> dict[str, tuple[str, bool]]:
    """The records whose last log row in the run failed: their error and whether to retry."""
    failed = {}
    for (_, source_id), row in latest_rows(
        run, source=run.source, source_id__in=source_ids
    ).items():
        if row["outcome"] == Outcome.FAILED:
            code, message = row["error_code"], row["error_message"]
            error = f"{code}: {message}" if code and message else code or message
            failed[source_id] = (error or "The record was not imported.", row["retryable"])
    return failed


def _retryable(exc: Exception) -> bool:
    """Errors that know say so; an unexpected one is tried again, up to the maximum."""
    return bool(getattr(exc, "retryable", True))


def _finish(token: str, event_ids: list[int], status: str, *, error: str = "", run=None) -> None:
    if event_ids:
        WebhookEvent.objects.filter(pk__in=event_ids, claim_token=token).filter(
            status=Status.CLAIMED
        ).update(status=status, error=error, run=run, processed_at=timezone.now())


def _fail(token, event_ids, attempts, error, retryable, run=None) -> None:
    """Failed events keep their error; retryable ones are tried again later, with back-off."""
    now, retries = timezone.now(), policy()
    by_attempts = defaultdict(list)
    for pk in event_ids:
        by_attempts[attempts[pk]].append(pk)
    for count, ids in by_attempts.items():
        again = retryable and count < retries.max_attempts
        retry_at = now + timedelta(seconds=retries.backoff(count)) if again else None
        WebhookEvent.objects.filter(pk__in=ids, claim_token=token, status=Status.CLAIMED).update(
            status=Status.FAILED, error=error[:4000], run=run, retry_at=retry_at, processed_at=now
        )


# --- the drain lease ----------------------------------------------------------------------------
def _acquire_lease(store_id: int, token: str) -> bool:
    """Take (or renew) the store's lease; a dead drain's lease expires with its claims."""
    now = timezone.now()
    StoreInbox.objects.bulk_create([StoreInbox(store_id=store_id)], ignore_conflicts=True)
    free = Q(lease_token="") | Q(lease_token=token) | Q(lease_expires_at__lt=now)
    expires = now + timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS)
    taken = StoreInbox.objects.filter(free, store_id=store_id).update(
        lease_token=token, lease_expires_at=expires
    )
    return taken == 1


def _release_lease(store_id: int, token: str) -> None:
    StoreInbox.objects.filter(store_id=store_id, lease_token=token).update(
        lease_token="", lease_expires_at=None
    )
