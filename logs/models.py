from django.db import models


class Outcome(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    UNCHANGED = "unchanged", "Unchanged"
    SKIPPED = "skipped", "Skipped by condition"
    FAILED = "failed", "Failed"
    DELETED = "deleted", "Deleted"


class SyncLogEntry(models.Model):
    """One record's sync attempt: what was sent, what came back, the calls it made."""

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="log_entries")
    run = models.ForeignKey(
        "sync.SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="log_entries"
    )
    source = models.CharField(max_length=16)
    direction = models.CharField(max_length=8, default="import")
    source_id = models.CharField(max_length=64)
    target_object = models.CharField(max_length=80, blank=True, default="")
    target_id = models.CharField(max_length=18, blank=True, default="")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error_code = models.CharField(max_length=80, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    error_fields = models.JSONField(default=list, blank=True)
    retryable = models.BooleanField(default=False)
    values = models.JSONField(default=dict, blank=True)
    calls = models.JSONField(default=list, blank=True)
    attempt = models.PositiveIntegerField(default=1)
    # Within one attempt, the run may have tried the record more than once (passing errors get
    # more rounds): the errors of the earlier tries, oldest first.
    earlier_tries = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["store", "source", "source_id"], name="log_by_record"),
            models.Index(fields=["store", "outcome", "created_at"], name="log_by_outcome"),
        ]

    def __str__(self):
        return f"{self.source} {self.source_id}: {self.outcome}"
