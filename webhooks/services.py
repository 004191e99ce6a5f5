"""The webhook inbox: receive callbacks, drain them into the import pipeline, sweep, replay.

Receiving only authenticates, checks and stores; nothing calls BigCommerce or Salesforce in the
request. A drain task claims a store's pending events in batches (a conditional update, so two
drains never hold one event), coalesces them by record and hands the ids to the pipeline, which
re-fetches each record. One drain runs per store at a time (a lease row), so the last import of
a record always starts after its last event was claimed.
"""

import hashlib
import hmac
import json
import logging
import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from logs.models import Outcome
from mappings.models import ObjectSetting
from stores.models import Store
from sync import runs
from sync.models import SyncRun
from sync.run_log import latest_rows
from webhooks.enqueue import enqueue_drain, forget_queued_drain
from webhooks.models import StoreInbox, WebhookEvent
from webhooks.scopes import DELETE, SOURCES, UPSERT, BadRecordId, canonical_id, route_for

logger = logging.getLogger(__name__)

Status = WebhookEvent.Status
# Record ids handed to one import_records call.
IMPORT_CHUNK = 250
MAX_RETRY_DELAY = timedelta(hours=1)
# The deepest body the receiver takes: BigCommerce's payloads have three or four levels.
MAX_NESTING = 32
# How long the receiver trusts its cached view of a store (changes made through the models
# forget it at once; bulk updates that bypass them wait this long).
RECEIVING_TTL = 60


class Rejected(Exception):
    """A callback refused with an HTTP status and a short reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


# Characters a text column must not hold (NUL, lone surrogates) or that have no place in a
# scope or a hash (other control characters).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


# --- receiving ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Receiving:
    """What the receiver needs of a store, kept in the cache so that a callback costs one
    insert: a digest of the webhook secret (never the secret) and the real-time objects."""

    store_id: int
    secret_digest: str
    realtime_sources: frozenset


def receiving(store_id: int) -> Receiving | None:
    key = _receiving_key(store_id)
    found = cache.get(key)
    if found is None:
        found = _load_receiving(store_id) or False  # an unknown store is remembered too
        cache.set(key, found, timeout=RECEIVING_TTL)
    return found or None


def _load_receiving(store_id: int) -> Receiving | None:
    store = Store.objects.only("id", "webhook_secret").filter(pk=store_id).first()
    if store is None:
        return None
    sources = ObjectSetting.objects.filter(store=store, enabled=True, realtime=True)
    return Receiving(
        store.pk,
        _digest(store.webhook_secret) if store.webhook_secret else "",
        frozenset(sources.values_list("source", flat=True)),
    )


def forget_receiving(store_id: int) -> None:
    """Called when a store or one of its object settings changes."""
    cache.delete(_receiving_key(store_id))


def _receiving_key(store_id: int) -> str:
    return f"webhooks:receiving:{store_id}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode(errors="surrogatepass")).hexdigest()


def authenticated_store(store_id: int, secret: str) -> Receiving:
    found = receiving(store_id)
    if found is None:
        raise Rejected(404, "Unknown store.")
    if not found.secret_digest or not hmac.compare_digest(found.secret_digest, _digest(secret)):
        raise Rejected(401, "Missing or wrong webhook secret.")
    return found


def receive(store: Receiving, body: bytes) -> WebhookEvent:
    """Store one callback in the inbox, or as ignored, and queue its drain.

    A delivery that repeats one still pending is not stored twice (see the model's
    constraint): the pending one's import re-fetches the record after both arrived. The view
    runs outside a transaction, so the insert is one round trip that commits on its own and
    the drain is queued after it.
    """
    event = _event_for(store, _parse(body))
    if event.status == Status.IGNORED:
        event.save()
        return event
    try:
        event.save()
    except IntegrityError:  # a re-fire of a delivery still pending
        return event
    transaction.on_commit(partial(enqueue_drain, store.store_id))
    return event


def _parse(body: bytes) -> dict:
    too_deep = Rejected(400, f"The body is nested deeper than {MAX_NESTING} levels.")
    try:
        payload = json.loads(body)
    except ValueError:
        raise Rejected(400, "The body is not JSON.") from None
    except RecursionError:  # nested deeper than the parser goes
        raise too_deep from None
    # Where the parser gives up depends on the stack it starts from; this limit does not. A
    # body with few brackets cannot be that deep: BigCommerce's payloads skip the walk.
    if body.count(b"[") + body.count(b"{") > MAX_NESTING and _deeper_than(payload, MAX_NESTING):
        raise too_deep
    if not isinstance(payload, dict):
        raise Rejected(400, "The body is not a JSON object.")
    if not isinstance(payload.get("scope"), str) or not payload["scope"]:
        raise Rejected(400, "The body has no scope.")
    if not isinstance(payload.get("data"), dict):
        raise Rejected(400, "The body has no data object.")
    return payload


def _deeper_than(value, limit: int) -> bool:
    """Whether the parsed JSON has more than `limit` levels of arrays and objects (level by
    level, without recursion)."""
    level, depth = [value], 0
    while level:
        level = [item for item in level if isinstance(item, dict | list)]
        if level:
            depth += 1
            if depth > limit:
                return True
        level = [
            child for item in level for child in (item.values() if isinstance(item, dict) else item)
        ]
    return False


def _event_for(store: Receiving, payload: dict) -> WebhookEvent:
    route = route_for(payload["scope"])
    event = WebhookEvent(
        store_id=store.store_id,
        scope=_UNSAFE.sub("\ufffd", payload["scope"][:100]),
        hash=_hash(payload.get("hash")),
        created_at=_timestamp(payload.get("created_at")),
        received_at=timezone.now(),
    )
    if route is None:
        return _ignored(event, "The connector does not sync this scope.")
    event.source, event.action = route.source, route.action
    try:
        event.source_id = route.record_id(payload["data"])
    except BadRecordId as exc:
        raise Rejected(400, str(exc)) from None
    if not event.source_id:
        return _ignored(event, "The payload names no record.")
    if not event.hash:
        # Without one, two records changed in the same second would pass for one delivery.
        record = f"{route.source}:{event.source_id}".encode()
        event.hash = hashlib.sha1(record, usedforsecurity=False).hexdigest()
    if route.source not in store.realtime_sources:
        return _ignored(event, "Real-time sync of this object is off for the store.")
    return event


def _ignored(event: WebhookEvent, reason: str) -> WebhookEvent:
    event.status, event.error = Status.IGNORED, reason
    return event


def _hash(value) -> str:
    """The delivery's hash if it is text that can be stored, else ""."""
    if not isinstance(value, str) or _UNSAFE.search(value[:64]):
        return ""
    return value[:64]


def _timestamp(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


# --- draining -----------------------------------------------------------------------------------
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


@dataclass
class Plan:
    """What one batch does: per source, records to import and records to delete."""

    imports: dict[str, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(dict))
    deletes: dict[str, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(dict))
    already_deleted: list[int] = field(default_factory=list)


def coalesce(store_id: int, events: list[WebhookEvent]) -> Plan:
    """One action per record. A delete wins whatever the order of arrival: BigCommerce does
    not reuse ids, so a record deleted once stays deleted, and later imports of it are moot."""
    by_record: dict[tuple[str, str], list[WebhookEvent]] = defaultdict(list)
    for event in events:
        by_record[(event.source, event.source_id)].append(event)
    plan = Plan()
    deleted_before = _deleted_records(store_id, {key for key in by_record})
    for (source, source_id), group in by_record.items():
        ids = [event.pk for event in group]
        if any(event.action == DELETE for event in group):
            plan.deletes[source][source_id] = ids
        elif (source, source_id) in deleted_before:
            plan.already_deleted += ids
        else:
            plan.imports[source][source_id] = ids
    return plan


def _deleted_records(store_id: int, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    condition = Q()
    for source in {source for source, _ in keys}:
        ids = [source_id for s, source_id in keys if s == source]
        condition |= Q(source=source, source_id__in=ids)
    rows = WebhookEvent.objects.filter(
        condition, store_id=store_id, action=DELETE, status=Status.PROCESSED
    )
    return set(rows.values_list("source", "source_id"))


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
            _apply(token, attempts, chunk, lambda ids, s=source: _import(store, s, ids))


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


def _import(store: Store, source: str, source_ids: list[str]) -> SyncRun:
    return runs.import_records(store, source, source_ids, trigger="webhook")


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
    now = timezone.now()
    by_attempts = defaultdict(list)
    for pk in event_ids:
        by_attempts[attempts[pk]].append(pk)
    for count, ids in by_attempts.items():
        again = retryable and count < settings.WEBHOOK_MAX_ATTEMPTS
        retry_at = now + min(MAX_RETRY_DELAY, timedelta(minutes=2**count)) if again else None
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


# --- sweeping and replay ------------------------------------------------------------------------
def sweep(now: datetime | None = None) -> list[int]:
    """Return stale claims to pending, wake due retries, and re-enqueue waiting stores' drains."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS)
    StoreInbox.objects.filter(lease_expires_at__lt=now).update(
        lease_token="", lease_expires_at=None
    )
    WebhookEvent.objects.filter(status=Status.CLAIMED, claimed_at__lt=stale).update(
        status=Status.PENDING, claim_token="", claimed_at=None
    )
    WebhookEvent.objects.filter(status=Status.FAILED, retry_at__lte=now).update(
        status=Status.PENDING, retry_at=None
    )
    waiting_since = now - timedelta(seconds=settings.WEBHOOK_PENDING_GRACE_SECONDS)
    store_ids = sorted(
        set(
            WebhookEvent.objects.filter(
                status=Status.PENDING, received_at__lt=waiting_since, store__is_active=True
            ).values_list("store_id", flat=True)
        )
    )
    for store_id in store_ids:
        enqueue_drain(store_id, force=True)
    return store_ids


def replay(store: Store, event_ids=None) -> int:
    """Put failed events back in the inbox (all of the store's, or these) and drain them."""
    failed = WebhookEvent.objects.filter(store=store, status=Status.FAILED)
    if event_ids is not None:
        failed = failed.filter(pk__in=event_ids)
    count = failed.update(status=Status.PENDING, retry_at=None, claim_token="", claimed_at=None)
    if count:
        transaction.on_commit(partial(enqueue_drain, store.pk, force=True))
    return count


# --- what the console shows ---------------------------------------------------------------------
def counts_by_status(store: Store) -> dict[str, int]:
    rows = WebhookEvent.objects.filter(store=store).values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows.order_by()})
    return counts


def last_received(store: Store, source: str | None = None):
    events = WebhookEvent.objects.filter(store=store)
    if source is not None:
        events = events.filter(source=source)
    return events.aggregate(at=Max("received_at"))["at"]
