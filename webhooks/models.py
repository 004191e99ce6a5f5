"""The webhook inbox, the hooks registered with BigCommerce, and each store's drain lease."""

from django.db import models
from django.db.models import Q


class WebhookEvent(models.Model):
    """One callback received from BigCommerce: a pointer to a record that changed.

    The receiver writes it and answers; a drain task claims it later, and the import pipeline
    re-fetches the record, so the payload itself is never the record.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"

    class Action(models.TextChoices):
        UPSERT = "upsert", "Import"
        DELETE = "delete", "Delete"

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=100)
    source = models.CharField(max_length=16, blank=True, default="")
    source_id = models.CharField("BigCommerce id", max_length=64, blank=True, default="")
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.UPSERT)
    hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(null=True, blank=True)  # the payload's, when it changed
    received_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    run = models.ForeignKey(
        "sync.SyncRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_events",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            # An exact re-fire is skipped only while its twin is still pending: the twin's
            # processing then re-fetches after both arrived. Once the twin is claimed, a copy
            # is stored, because "same hash and second" may be a second change of the record.
            models.UniqueConstraint(
                fields=["store", "scope", "hash", "created_at"],
                condition=Q(status="pending"),
                name="webhook_event_unique_pending_delivery",
            )
        ]
        indexes = [
            models.Index(fields=["store", "status", "id"], name="webhook_event_by_status"),
            models.Index(fields=["store", "source", "source_id"], name="webhook_event_by_record"),
            models.Index(fields=["status", "claimed_at"], name="webhook_event_claims"),
        ]

    def __str__(self):
        return f"{self.scope} {self.source_id} ({self.status})"

    @property
    def is_replayable(self) -> bool:
        return self.status == self.Status.FAILED


class RegisteredHook(models.Model):
    """A hook the connector created in a store, as last seen there."""

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=100)
    hook_id = models.PositiveBigIntegerField()
    destination = models.URLField(max_length=500)
    is_active = models.BooleanField(default=True)
    registered_at = models.DateTimeField()
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["store", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["store", "scope"], name="registered_hook_unique_scope")
        ]

    def __str__(self):
        return f"{self.scope} → {self.destination}"


class StoreInbox(models.Model):
    """Per store: who drains its inbox now (a lease, so one drain at a time), and health."""

    store = models.OneToOneField(
        "stores.Store", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    lease_token = models.CharField(max_length=32, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_error = models.TextField(blank=True, default="")
    backfilled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"inbox of store {self.store_id}"
