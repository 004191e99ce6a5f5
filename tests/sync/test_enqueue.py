"""sync/enqueue.py finds sync's tasks by name: the objects sync.tasks defines and tests patch."""

from sync import enqueue, tasks


def test_the_names_are_the_registered_tasks_of_sync_tasks():
    assert enqueue.task(enqueue.RUN_IMPORT) is tasks.run_import._get_current_object()
    assert enqueue.task(enqueue.RECORD_HEARTBEAT) is tasks.record_heartbeat._get_current_object()


def test_a_patch_of_the_task_catches_what_is_queued_by_name(monkeypatch):
    queued = []
    monkeypatch.setattr("sync.tasks.run_import.delay", queued.append)
    enqueue.run_import(7)
    assert queued == [7]
