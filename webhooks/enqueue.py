"""How webhooks code queues its tasks: by their registered names, without importing
webhooks.tasks (the tasks import the code that queues them, never the reverse).

`connector.celery.registered_task` finds them, as for sync's tasks.
"""

from django.core.cache import cache

from connector.celery import registered_task

DRAIN_INBOX = "webhooks.tasks.drain_inbox"
# How long a queued drain stands for the events that arrive after it (see enqueue_drain).
DRAIN_QUEUED_SECONDS = 30


def enqueue_drain(store_id: int, *, force: bool = False) -> bool:
    """Queue a drain of the store's inbox unless one is queued and has not started yet.

    A drain forgets its mark when it starts, before it claims anything, so every event is
    either seen by a queued drain or queues a new one. The mark expires, in case the queued
    task is lost; the sweeper covers that gap too.
    """
    if force or cache.add(_queued_key(store_id), 1, timeout=DRAIN_QUEUED_SECONDS):
        registered_task(DRAIN_INBOX).delay(store_id)
        return True
    return False


def forget_queued_drain(store_id: int) -> None:
    """Called by a drain when it starts, before it claims anything (see enqueue_drain)."""
    cache.delete(_queued_key(store_id))


def _queued_key(store_id: int) -> str:
    return f"webhooks:drain-queued:{store_id}"
