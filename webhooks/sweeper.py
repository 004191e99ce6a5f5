"""The sweeper (a beat task, every minute): what dead workers held goes back to the inbox,
failed events due for a retry go back to pending, and stores with events waiting get a drain."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from webhooks.enqueue import enqueue_drain
from webhooks.models import StoreInbox, WebhookEvent

Status = WebhookEvent.Status


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
