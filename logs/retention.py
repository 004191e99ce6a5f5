from datetime import timedelta

from django.utils import timezone

from stores.models import Store
from sync.models import SyncLogEntry


def purge_expired_entries(now=None) -> int:
    """Delete the log rows each store no longer keeps (its `log_retention_days`)."""
    now = now or timezone.now()
    deleted = 0
    for store_id, days in Store.objects.values_list("pk", "log_retention_days"):
        cutoff = now - timedelta(days=days)
        deleted += SyncLogEntry.objects.filter(store_id=store_id, created_at__lt=cutoff).delete()[0]
    return deleted
