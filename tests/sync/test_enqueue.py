"""Tasks queued by name are the objects the task modules define, which tests patch."""

from connector.celery import registered_task
from sync import enqueue, tasks
from webhooks import tasks as webhook_tasks


def test_the_names_are_the_registered_tasks_of_sync_tasks():
    assert registered_task(enqueue.RUN_IMPORT) is tasks.run_import._get_current_object()
    assert registered_task(enqueue.RECORD_HEARTBEAT) is tasks.record_heartbeat._get_current_object()
    drain = webhook_tasks.drain_inbox._get_current_object()
    assert registered_task("webhooks.tasks.drain_inbox") is drain


def test_a_patch_of_the_task_catches_what_is_queued_by_name(monkeypatch):
    queued = []
    monkeypatch.setattr("sync.tasks.run_import.delay", queued.append)
    enqueue.run_import(7)
    assert queued == [7]
