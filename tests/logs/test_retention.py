from datetime import timedelta

import pytest
from django.utils import timezone

from logs.retention import purge_expired_entries
from sync.models import Outcome, SyncLogEntry

pytestmark = pytest.mark.django_db


def entry(store, days_ago):
    row = SyncLogEntry.objects.create(
        store=store, source="order", source_id="1", outcome=Outcome.CREATED
    )
    SyncLogEntry.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return row


def test_each_store_keeps_its_logs_for_its_own_retention(store_a, store_b):
    store_b.log_retention_days = 7
    store_b.save()
    kept_a, kept_b = entry(store_a, 29), entry(store_b, 6)
    entry(store_a, 31)
    entry(store_b, 8)

    assert purge_expired_entries() == 2

    remaining = set(SyncLogEntry.objects.values_list("pk", flat=True))
    assert remaining == {kept_a.pk, kept_b.pk}


def test_the_purge_is_scheduled_nightly(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Log retention")
    assert task.task == "logs.tasks.purge_expired_log_entries"
    assert task.enabled
