"""How sync code queues its tasks.

`sync/tasks.py` imports the modules whose functions its tasks call; those modules queue tasks
through here, naming them by their registered names, so they never import `sync.tasks` back.
The task found by name is the very object `sync.tasks` defines: patching
`sync.tasks.run_import.delay` patches what is called here.
"""

from functools import partial

from celery import current_app
from django.db import transaction

RUN_IMPORT = "sync.tasks.run_import"
RECORD_HEARTBEAT = "sync.tasks.record_heartbeat"


def task(name: str):
    """The registered task of this name. A process that has not imported the task modules
    (a web process) lets Celery find them first, as a worker does when it starts."""
    if name not in current_app.tasks:
        current_app.autodiscover_tasks(force=True)
    return current_app.tasks[name]


def run_import(run_id: int) -> None:
    """Queue a run's task now."""
    task(RUN_IMPORT).delay(run_id)


def run_import_on_commit(run_id: int) -> None:
    """Queue a run's task once the current transaction commits, so the worker finds its row."""
    transaction.on_commit(partial(task(RUN_IMPORT).delay, run_id))


def heartbeat_on_commit(queue: str, sent_at: str, source: str) -> None:
    """Send a heartbeat task to this queue once the current transaction commits."""
    kwargs = {"queue": queue, "sent_at": sent_at, "source": source}
    transaction.on_commit(partial(task(RECORD_HEARTBEAT).apply_async, kwargs=kwargs, queue=queue))
