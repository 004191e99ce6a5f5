"""How sync code queues its tasks.

`sync/tasks.py` imports the modules whose functions its tasks call; those modules queue tasks
through here, naming them by their registered names, so they never import `sync.tasks` back.
The task found by name is the very object `sync.tasks` defines: patching
`sync.tasks.run_import.delay` patches what is called here.
"""

from functools import partial

from django.db import transaction

from connector.celery import registered_task

RUN_IMPORT = "sync.tasks.run_import"
RECORD_HEARTBEAT = "sync.tasks.record_heartbeat"
BUILD_PLAN = "sync.tasks.run_plan"


def run_import(run_id: int) -> None:
    """Queue a run's task now."""
    registered_task(RUN_IMPORT).delay(run_id)


def run_import_on_commit(run_id: int) -> None:
    """Queue a run's task once the current transaction commits, so the worker finds its row."""
    transaction.on_commit(partial(registered_task(RUN_IMPORT).delay, run_id))


def build_plan_on_commit(plan_id: int) -> None:
    """Queue a plan's task once the current transaction commits."""
    transaction.on_commit(partial(registered_task(BUILD_PLAN).delay, plan_id))


def heartbeat_on_commit(queue: str, sent_at: str, source: str) -> None:
    """Send a heartbeat task to this queue once the current transaction commits."""
    kwargs = {"queue": queue, "sent_at": sent_at, "source": source}
    transaction.on_commit(
        partial(registered_task(RECORD_HEARTBEAT).apply_async, kwargs=kwargs, queue=queue)
    )
