import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from sync import enqueue
from sync.models import WorkerHeartbeat

# Beat sends a heartbeat every minute; three missed ones mean no worker serves the queue.
HEARTBEAT_STALE_AFTER = timedelta(minutes=3)


def request_heartbeats(source: str) -> None:
    """Send a heartbeat task to every queue, once the current transaction commits."""
    sent_at = timezone.now().isoformat()
    for queue in settings.CELERY_QUEUE_NAMES:
        enqueue.heartbeat_on_commit(queue, sent_at, source)


def record_heartbeat(queue: str, sent_at: str, source: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        queue=queue,
        defaults={
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "sent_at": datetime.fromisoformat(sent_at),
            "seen_at": timezone.now(),
            "source": source,
        },
    )
    return heartbeat


@dataclass
class QueueHealth:
    queue: str
    heartbeat: WorkerHeartbeat | None

    @property
    def state(self) -> str:
        if self.heartbeat is None:
            return "never"
        fresh = timezone.now() - self.heartbeat.seen_at < HEARTBEAT_STALE_AFTER
        return "ok" if fresh else "stale"


def queue_health() -> list[QueueHealth]:
    beats = {beat.queue: beat for beat in WorkerHeartbeat.objects.all()}
    return [QueueHealth(queue, beats.get(queue)) for queue in settings.CELERY_QUEUE_NAMES]
