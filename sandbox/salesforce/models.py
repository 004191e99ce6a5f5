"""Storage of the emulated Salesforce orgs.

Records of every object live in one table, as JSON documents keyed by their Salesforce Id, so that
custom objects and fields need no schema migration. Values that must be found fast without
decoding documents (external IDs and unique fields) are copied into `RecordKey` rows.
"""

from django.db import models

from connector.fields import EncryptedTextField


class Org(models.Model):
    name = models.CharField(max_length=100, unique=True)
    org_id = models.CharField("organization ID", max_length=18, unique=True)
    daily_api_limit = models.PositiveIntegerField("daily API request limit", default=15_000)
    api_usage_day = models.DateField(null=True, blank=True)
    api_usage_count = models.PositiveIntegerField(default=0)
    # Counts every authenticated call, for the "expire the session every N calls" fault.
    authenticated_calls = models.PositiveBigIntegerField(default=0)
    standard_pricebook_id = models.CharField(max_length=18, blank=True, default="")
    # A new random value whenever a custom object or field is defined.
    schema_version = models.CharField(max_length=32, blank=True, default="")
    # Rules such as {"object": "Contact", "fields": ["Email"], "action": "block"}.
    duplicate_rules = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "emulated Salesforce org"

    def __str__(self):
        return self.name


class Sequence(models.Model):
    """A per-org counter: record numbers for Ids, and auto-number fields."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="sequences")
    name = models.CharField(max_length=120)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="sf_sequence_unique_name")
        ]

    def __str__(self):
        return f"{self.name} = {self.value}"


class OrgUser(models.Model):
    """The login credentials of a User record of an org."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="users")
    user_id = models.CharField(max_length=18, unique=True)
    username = models.CharField(max_length=80, unique=True)
    password = EncryptedTextField()
    security_token = EncryptedTextField(blank=True, default="")

    def __str__(self):
        return self.username


class ConnectedApp(models.Model):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="apps")
    name = models.CharField(max_length=80)
    consumer_key = models.CharField(max_length=255, unique=True)
    consumer_secret = EncryptedTextField()
    # The certificate (or bare public key) that verifies JWT bearer assertions.
    certificate_pem = models.TextField(blank=True, default="")
    # Kept only so that the sandbox can hand the key pair it generated to the connector.
    private_key_pem = EncryptedTextField(blank=True, default="")
    run_as = models.ForeignKey(
        OrgUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    callback_urls = models.JSONField(default=list, blank=True)
    rotate_refresh_tokens = models.BooleanField(default=False)
    scopes = models.CharField(max_length=255, default="api web refresh_token")

    def __str__(self):
        return f"{self.name} ({self.org})"


class AccessToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="access_tokens")
    app = models.ForeignKey(ConnectedApp, null=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(OrgUser, on_delete=models.CASCADE, related_name="+")
    issued_at = models.DateTimeField()
    expired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Session of {self.user_id} issued {self.issued_at:%Y-%m-%d %H:%M}"


class RefreshToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    app = models.ForeignKey(ConnectedApp, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(OrgUser, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Refresh token of {self.user_id} ({'revoked' if self.revoked_at else 'live'})"


class AuthorizationCode(models.Model):
    code_hash = models.CharField(max_length=64, unique=True)
    app = models.ForeignKey(ConnectedApp, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(OrgUser, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Authorization code for {self.redirect_uri}"


class CustomObject(models.Model):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="custom_objects")
    api_name = models.CharField(max_length=43)
    label = models.CharField(max_length=80)
    plural_label = models.CharField(max_length=80)
    key_prefix = models.CharField(max_length=3)

    class Meta:
        ordering = ["api_name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "api_name"], name="sf_custom_object_unique"),
            models.UniqueConstraint(fields=["org", "key_prefix"], name="sf_custom_prefix_unique"),
        ]

    def __str__(self):
        return self.api_name


class CustomField(models.Model):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="custom_fields")
    object_name = models.CharField(max_length=43)
    api_name = models.CharField(max_length=43)
    label = models.CharField(max_length=80)
    field_type = models.CharField(max_length=16)
    length = models.PositiveIntegerField(null=True, blank=True)
    scale = models.PositiveIntegerField(null=True, blank=True)
    external_id = models.BooleanField(default=False)
    unique = models.BooleanField(default=False)
    required = models.BooleanField(default=False)
    picklist_values = models.JSONField(default=list, blank=True)
    restricted_picklist = models.BooleanField(default=True)
    reference_to = models.CharField(max_length=43, blank=True, default="")

    class Meta:
        ordering = ["object_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "object_name", "api_name"], name="sf_custom_field_unique"
            )
        ]

    def __str__(self):
        return f"{self.object_name}.{self.api_name}"


class Record(models.Model):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="records")
    object_name = models.CharField(max_length=43)
    record_id = models.CharField(max_length=18, unique=True)
    data = models.JSONField()
    is_deleted = models.BooleanField(default=False)
    system_modstamp = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["org", "object_name", "is_deleted", "record_id"], name="sf_record_object"
            ),
            models.Index(fields=["org", "object_name", "system_modstamp"], name="sf_record_mod"),
        ]

    def __str__(self):
        return f"{self.object_name} {self.record_id}"


class RecordKey(models.Model):
    """The value of an external ID or unique field of a live record, indexed for lookups."""

    record = models.ForeignKey(
        Record, to_field="record_id", on_delete=models.CASCADE, related_name="keys"
    )
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    object_name = models.CharField(max_length=43)
    field_name = models.CharField(max_length=43)
    value = models.CharField(max_length=255)

    class Meta:
        indexes = [
            models.Index(fields=["org", "object_name", "field_name", "value"], name="sf_key_value")
        ]

    def __str__(self):
        return f"{self.object_name}.{self.field_name} = {self.value}"


class QueryCursor(models.Model):
    """The ordered result of a query, for its nextRecordsUrl pages."""

    locator = models.CharField(max_length=18, unique=True)
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    soql = models.TextField()
    include_deleted = models.BooleanField(default=False)
    record_ids = models.JSONField()
    # True when the Ids are every record of the object in Id order (a query without filter):
    # a page is then read as a range of Ids instead of a list.
    contiguous = models.BooleanField(default=False)
    batch_size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Query cursor {self.locator}"


class BulkJob(models.Model):
    job_id = models.CharField(max_length=18, unique=True)
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="bulk_jobs")
    created_by = models.ForeignKey(OrgUser, on_delete=models.CASCADE, related_name="+")
    object_name = models.CharField(max_length=43)
    operation = models.CharField(max_length=16)
    external_id_field = models.CharField(max_length=43, blank=True, default="")
    state = models.CharField(max_length=16, default="Open")
    line_ending = models.CharField(max_length=4, default="LF")
    column_delimiter = models.CharField(max_length=10, default="COMMA")
    api_version = models.CharField(max_length=8)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField()
    records_processed = models.PositiveIntegerField(default=0)
    records_failed = models.PositiveIntegerField(default=0)
    processing_ms = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True, default="")
    upload = models.TextField(blank=True, default="")
    successful_results = models.TextField(blank=True, default="")
    failed_results = models.TextField(blank=True, default="")
    unprocessed_records = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.operation} {self.object_name} job {self.job_id} ({self.state})"
