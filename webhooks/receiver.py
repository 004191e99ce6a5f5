"""Receiving BigCommerce's callbacks: authenticate, check, store in the inbox, queue a drain.

Nothing calls BigCommerce or Salesforce in the request. What the receiver needs of a store is
cached (see Receiving), and forgotten when the store or its object settings change (signals.py).
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from mappings.models import ObjectSetting
from stores.models import Store
from webhooks.enqueue import enqueue_drain
from webhooks.models import WebhookEvent
from webhooks.scopes import BadRecordId, route_for

Status = WebhookEvent.Status
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
