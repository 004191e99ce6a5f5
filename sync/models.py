from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mappings.models import SourceObject


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


class IdentityLink(models.Model):
    """A BigCommerce record and the Salesforce record it is synced with.

    `values_hash` is the hash of the values the connector last wrote to Salesforce (an
    unchanged record is not written again); `export_hash` the same for values written back to
    BigCommerce, so an echo of our own write is recognised and skipped.
    """

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="links")
    # The org the record lives in: a store moved to another org imports afresh there, and
    # keeps these links should it come back.
    org = models.ForeignKey("stores.SalesforceOrg", on_delete=models.CASCADE, related_name="+")
    source_type = models.CharField(max_length=32)
    source_id = models.CharField(max_length=64)
    target_object = models.CharField(max_length=80)
    target_id = models.CharField(max_length=18)
    values_hash = models.CharField(max_length=64, blank=True, default="")
    export_hash = models.CharField(max_length=64, blank=True, default="")
    # The BigCommerce values of the exported fields as last synced either way, and when:
    # what tells which side changed a field since (a conflict when both did).
    synced_values = models.JSONField(default=dict, blank=True)
    # The record's name in BigCommerce when last synced (customer name and email, product name
    # and SKU, order number), for the record lists; blank for links made before it was kept.
    label = models.CharField(max_length=255, blank=True, default="")
    exported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "org", "source_type", "source_id", "target_object"],
                name="identity_link_unique_source_per_org_and_target_object",
            )
        ]
        indexes = [
            models.Index(fields=["org", "target_object", "target_id"], name="link_by_org_target")
        ]

    def __str__(self):
        return f"{self.source_type} {self.source_id} ↔ {self.target_object} {self.target_id}"


class RunDirection(models.TextChoices):
    IMPORT = "import", "Import"
    EXPORT = "export", "Export"


class RunTrigger(models.TextChoices):
    MANUAL = "manual", "Button"
    SCHEDULE = "schedule", "Schedule"
    WEBHOOK = "webhook", "BigCommerce webhook"
    SALESFORCE = "salesforce", "Salesforce trigger"
    API = "api", "API"
    RESYNC = "resync", "Re-sync"
    BACKFILL = "backfill", "Backfill after a webhook gap"


class SyncRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "Full import"
        INCREMENTAL = "incremental", "Incremental import"
        RECORDS = "records", "Selected records"
        RESYNC = "resync", "Re-sync of failed records"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Completed with failures"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="runs")
    source = models.CharField(max_length=16, choices=SourceObject.choices)
    direction = models.CharField(max_length=8, choices=RunDirection.choices, default="import")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    trigger = models.CharField(max_length=16, choices=RunTrigger.choices, default="manual")
    # The webhook drain batch that started the run: the Runs page shows a batch as one row.
    batch = models.CharField(max_length=32, blank=True, default="", db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_ids = models.JSONField(default=list, blank=True)  # for kind=records
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    seen = models.PositiveIntegerField(default=0)
    expected = models.PositiveIntegerField(null=True, blank=True)
    bigcommerce_calls = models.PositiveIntegerField(default=0)
    salesforce_calls = models.PositiveIntegerField(default=0)
    watermark_from = models.DateTimeField(null=True, blank=True)
    watermark_to = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The process executing the run, and when it last said it was alive: a running run whose
    # heartbeat stopped belongs to a dead worker and is taken over (sync/liveness.py).
    owner = models.CharField(max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The watermark of the last batch written: where a taken-over run resumes.
    checkpoint = models.DateTimeField(null=True, blank=True)
    takeovers = models.PositiveIntegerField(default=0)
    # A run that met a long rate limit goes back to the queue until then (sync/run_state.py).
    resume_at = models.DateTimeField(null=True, blank=True)
    deferrals = models.PositiveIntegerField(default=0)
    # Runs started together in dependency order (a re-sync of customers, then of orders): the
    # one to queue when this one ends, whatever its outcome.
    next_run = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="previous_run"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["store", "source", "status"], name="run_by_store_status"),
            models.Index(fields=["status", "heartbeat_at"], name="run_by_heartbeat"),
        ]
        constraints = [
            # Two batch runs of one object and direction at once would only fight over the
            # same records.
            models.UniqueConstraint(
                fields=["store", "source", "direction"],
                condition=models.Q(
                    status__in=["queued", "running"], kind__in=["full", "incremental"]
                ),
                name="one_active_batch_run_per_object",
            )
        ]

    def __str__(self):
        return f"{self.title} of {self.source} for {self.store} ({self.status})"

    @property
    def title(self) -> str:
        """What the run is, direction included: "Full import", "Incremental export",
        "Selected records (export)"."""
        return kind_title(self.kind, self.direction)

    @property
    def outcome_label(self) -> str:
        return outcome_label(self)

    @property
    def all_failed(self) -> bool:
        return all_failed(self)


def outcome_label(run) -> str:
    """The status as people read it: a run that finished with failures says how many."""
    if run.status == SyncRun.Status.PARTIAL and run.failed:
        if all_failed(run):
            return f"All {run.failed:,} failed" if run.failed > 1 else "Its record failed"
        noun = "failure" if run.failed == 1 else "failures"
        return f"Completed with {run.failed:,} {noun}"
    return SyncRun.Status(run.status).label


def all_failed(run) -> bool:
    """A finished run none of whose records went through."""
    went_through = run.created + run.updated + run.unchanged + run.skipped
    return run.status == SyncRun.Status.PARTIAL and run.failed > 0 and not went_through


def kind_title(kind: str, direction: str) -> str:
    label = SyncRun.Kind(kind).label
    if direction == RunDirection.IMPORT:
        return label
    if kind in (SyncRun.Kind.FULL, SyncRun.Kind.INCREMENTAL):
        return label.replace("import", "export")
    return f"{label} (export)"


class MatchedBy(models.TextChoices):
    """How a sync finds the existing record it writes to in the other system."""

    LINK = "link", "Identity link"
    EXTERNAL_ID = "external_id", "External ID"
    RULE = "rule", "Matching rule"
    NATURAL_KEY = "natural_key", "Email or SKU"


class Outcome(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    UNCHANGED = "unchanged", "Unchanged"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"
    DELETED = "deleted", "Deleted"


class SyncLogEntry(models.Model):
    """One record's sync attempt: what was sent, what came back, the calls it made."""

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="log_entries")
    run = models.ForeignKey(
        SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="log_entries"
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
        # The table was created by the logs app, which held the model before; it keeps its name.
        db_table = "logs_synclogentry"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["store", "source", "source_id"], name="log_by_record"),
            models.Index(fields=["store", "outcome", "created_at"], name="log_by_outcome"),
        ]

    def __str__(self):
        return f"{self.source} {self.source_id}: {self.outcome}"


class ImportSchedule(models.Model):
    """An import or export of one object of a store that beat starts every `every_minutes`
    minutes (an incremental export is how Salesforce's changes are picked up).

    sync/schedules.py keeps a django-celery-beat PeriodicTask in step with each schedule; the
    task starts a run and skips its turn when an import of the object is still active.
    """

    class Kind(models.TextChoices):
        FULL = SyncRun.Kind.FULL.value, SyncRun.Kind.FULL.label
        INCREMENTAL = SyncRun.Kind.INCREMENTAL.value, SyncRun.Kind.INCREMENTAL.label

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="schedules")
    source = models.CharField(max_length=16, choices=SourceObject.choices)
    direction = models.CharField(
        max_length=8, choices=RunDirection.choices, default=RunDirection.IMPORT
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INCREMENTAL)
    every_minutes = models.PositiveIntegerField(
        "every (minutes)",
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
        help_text="From 5 minutes to a week (10080). A day is 1440.",
    )
    enabled = models.BooleanField(default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_run = models.ForeignKey(
        SyncRun, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "source", "kind", "direction"],
                name="one_schedule_per_object_kind_and_direction",
            )
        ]

    def __str__(self):
        every = f"every {self.every_minutes} min"
        return f"{self.title} of {self.get_source_display()} for {self.store} {every}"

    @property
    def title(self) -> str:
        return kind_title(self.kind, self.direction)


class ListPreference(models.Model):
    """The columns a user shows and the fields their search looks in, per listed object
    (sync/objects.py); a user without one sees every column and searches every field."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    object = models.CharField(max_length=32)
    columns = models.JSONField(default=list)
    search_fields = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "object"], name="one_list_preference_per_object"
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.object}"


class SavedListView(models.Model):
    """A named record list (filters, columns and sort) that the members of a store share."""

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="list_views")
    object = models.CharField(max_length=32)
    name = models.CharField(max_length=80)
    filters = models.JSONField(default=dict, blank=True)  # {parameter: [values]}
    columns = models.JSONField(default=list)
    sort = models.CharField(max_length=40, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "object", "name"], name="list_view_unique_name_per_object"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.object} of {self.store})"


class PlanDecision(models.TextChoices):
    """What a run would do with one record, as a plan (a dry run) found."""

    CREATED = "created", "Would be created"
    UPDATED = "updated", "Would be updated"
    UNCHANGED = "unchanged", "Unchanged"
    SKIPPED = "skipped", "Skipped"
    CONFLICT = "conflict", "In conflict"
    FAILED = "failed", "Would fail"


class SyncPlan(models.Model):
    """A dry run of a full or incremental import or export of one object, or of every enabled
    object (`sources`, in dependency order): what a run would do with each record, written
    nowhere else. *Apply* runs exactly its records (`sync/plans.py`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Planning"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="plans")
    direction = models.CharField(
        max_length=8, choices=RunDirection.choices, default=RunDirection.IMPORT
    )
    kind = models.CharField(max_length=12, choices=SyncRun.Kind.choices)
    sources = models.JSONField(default=list)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    # The store's mappings as they were planned (`mappings.services.mappings_version`).
    mappings_version = models.CharField(max_length=32, blank=True)
    seen = models.PositiveIntegerField(default=0)
    expected = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_run = models.ForeignKey(
        SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"Plan #{self.pk}: {self.title}"

    @property
    def title(self) -> str:
        what = (
            SourceObject(self.sources[0]).label.lower()
            if len(self.sources) == 1
            else "every object"
        )
        return f"{kind_title(self.kind, self.direction)} of {what}"


class PlanRecord(models.Model):
    """One record of a plan and what the run would do with it."""

    plan = models.ForeignKey(SyncPlan, on_delete=models.CASCADE, related_name="records")
    source = models.CharField(max_length=16, choices=SourceObject.choices)
    source_id = models.CharField(max_length=64)
    decision = models.CharField(max_length=12, choices=PlanDecision.choices)
    matched_by = models.CharField(max_length=16, choices=MatchedBy.choices, blank=True)
    match_reason = models.TextField(blank=True)
    target_object = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "source", "source_id"], name="one_plan_record_per_record"
            )
        ]
        indexes = [models.Index(fields=["plan", "decision"], name="plan_record_decision")]

    def __str__(self):
        return f"{self.get_source_display()} {self.source_id}: {self.get_decision_display()}"
