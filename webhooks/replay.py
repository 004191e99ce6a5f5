"""Replay: operators put a store's failed events back in the inbox, one or all."""

from functools import partial

from django.db import transaction

from stores.models import Store
from webhooks.enqueue import enqueue_drain
from webhooks.models import WebhookEvent

Status = WebhookEvent.Status


def replay(store: Store, event_ids=None) -> int:
    """Put failed events back in the inbox (all of the store's, or these) and drain them."""
    failed = WebhookEvent.objects.filter(store=store, status=Status.FAILED)
    if event_ids is not None:
        failed = failed.filter(pk__in=event_ids)
    count = failed.update(status=Status.PENDING, retry_at=None, claim_token="", claimed_at=None)
    if count:
        transaction.on_commit(partial(enqueue_drain, store.pk, force=True))
    return count
