from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time a worker consuming a queue answered a heartbeat task.

    Beat sends one to every queue each minute, and the console can ask for one, so the
    dashboard can say whether each queue has a live worker and how long tasks wait in it.
    """

    queue = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    sent_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    source = models.CharField(max_length=16)

    class Meta:
        ordering = ["queue"]

    def __str__(self):
        return f"{self.queue} @ {self.hostname}"

    @property
    def wait(self):
        """How long the heartbeat task waited in the queue before a worker ran it."""
        return self.seen_at - self.sent_at
