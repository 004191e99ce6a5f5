"""Who executes a run, and what happens to a run whose worker died.

A process that executes a run claims it with an owner token and keeps a heartbeat on it from a
background thread. A worker killed by SIGKILL (a deploy, the OOM killer, a lost machine) stops
beating, so its run goes stale after `RUN_STALE_SECONDS`. Then, whichever comes first:

- the sweeper (`take_over_stale`, every minute from beat) puts a batch run back in the queue,
  where a live worker claims it and resumes it from its checkpoint, the watermark of its last
  written batch (the pipeline is idempotent, so records written again are *unchanged*);
- a redelivered task of the run claims it directly (`claim`);
- *Cancel* ends it at once, since nobody is left to read the cancel flag.

A run executed inline by a webhook drain is ended as failed instead: the drain's events go back
to the inbox with their claims, and a new drain imports them again.
"""

import logging
import os
import socket
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from sync import enqueue
from sync.models import SyncRun

logger = logging.getLogger(__name__)

RUNNING = SyncRun.Status.RUNNING
INLINE_TRIGGERS = ("webhook",)  # runs executed inside a drain, with no task of their own


def new_owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=settings.RUN_STALE_SECONDS)


def _stale(now: datetime | None = None) -> Q:
    return Q(status=RUNNING) & (
        Q(heartbeat_at__lt=stale_before(now))
        | Q(heartbeat_at__isnull=True, started_at__lt=stale_before(now))
    )


def claim(run_id: int) -> str | None:
    """Take a queued run, or a running one whose owner is gone; the new owner token, or None
    when the run is finished, cancelled, or alive elsewhere."""
    owner, now = new_owner(), timezone.now()
    queued = SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.QUEUED)
    claimed = queued.update(
        status=RUNNING, started_at=now, owner=owner, heartbeat_at=now, resume_at=None, error=""
    )
    if claimed:
        return owner
    dead = SyncRun.objects.filter(_stale(now), pk=run_id, cancel_requested=False)
    if dead.update(owner=owner, heartbeat_at=now, takeovers=F("takeovers") + 1):
        logger.warning("Run %s: its worker stopped; %s takes it over", run_id, owner)
        return owner
    return None


def still_owned(run: SyncRun) -> bool:
    return SyncRun.objects.filter(pk=run.pk, owner=run.owner, status=RUNNING).exists()


def cancel_if_dead(run: SyncRun) -> bool:
    """Cancel a running run whose worker is gone (nobody would read the cancel flag)."""
    return bool(
        SyncRun.objects.filter(_stale(), pk=run.pk).update(
            status=SyncRun.Status.CANCELLED,
            cancel_requested=True,
            finished_at=timezone.now(),
            error="Cancelled; the worker running it had stopped.",
        )
    )


def take_over_stale(now: datetime | None = None) -> list[int]:
    """Deal with every run whose worker stopped beating; the ids of the runs dealt with."""
    handled = []
    for run in SyncRun.objects.filter(_stale(now)).only("pk", "trigger", "cancel_requested"):
        if run.cancel_requested:
            ended = _end(run, now, SyncRun.Status.CANCELLED, "Cancelled; its worker had stopped.")
        elif run.trigger in INLINE_TRIGGERS:
            ended = _end(
                run,
                now,
                SyncRun.Status.FAILED,
                "The worker running this import stopped. Its webhook events go back to the "
                "inbox and are imported again.",
            )
        else:
            ended = _requeue(run, now)
            if ended:
                enqueue.run_import(run.pk)
        if ended:
            handled.append(run.pk)
    return handled + _requeue_overdue(now)


def _requeue_overdue(now: datetime | None = None) -> list[int]:
    """Deferred runs still queued well after they were due: their delayed task was lost (a
    worker that held it was killed). Queue them again; claiming keeps it to one execution."""
    overdue = list(
        SyncRun.objects.filter(
            status=SyncRun.Status.QUEUED, resume_at__lt=stale_before(now)
        ).values_list("pk", flat=True)
    )
    for run_id in overdue:
        logger.warning("Run %s: its deferred task did not come back; queued again", run_id)
        enqueue.run_import(run_id)
    return overdue


def _end(run, now, status, error) -> bool:
    return bool(
        SyncRun.objects.filter(_stale(now), pk=run.pk).update(
            status=status, finished_at=timezone.now(), error=error, owner=""
        )
    )


def _requeue(run, now) -> bool:
    requeued = SyncRun.objects.filter(_stale(now), pk=run.pk).update(
        status=SyncRun.Status.QUEUED, owner="", takeovers=F("takeovers") + 1
    )
    if requeued:
        logger.warning("Run %s: its worker stopped; the run is queued again", run.pk)
    return bool(requeued)


@contextmanager
def heartbeat(run: SyncRun):
    """Keep the run's heartbeat fresh from a background thread while the block executes."""
    stop = threading.Event()
    beater = threading.Thread(
        target=_beat, args=(run.pk, run.owner, stop), name=f"run-{run.pk}-heartbeat", daemon=True
    )
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join(timeout=settings.RUN_HEARTBEAT_SECONDS + 5)


def _beat(run_id: int, owner: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.RUN_HEARTBEAT_SECONDS):
            try:
                SyncRun.objects.filter(pk=run_id, owner=owner, status=RUNNING).update(
                    heartbeat_at=timezone.now()
                )
            except Exception:  # a database blip must not end the beating; the next one retries
                logger.warning("Run %s: heartbeat not written", run_id, exc_info=True)
    finally:
        connection.close()
